"""Helpers for the service tests (tests/service/): a wardftpd configuration with a SystemLog, an
AuthUserFile user and a control socket, started with wardtest.Daemon on a free loopback port, and a
systemd-style notify socket."""
import crypt
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import wardtest  # noqa: E402

PASSWORD = "s3cret-pw"


def write_config(workdir, port, extra=(), root_login=True):
    """A configuration serving <workdir>/root to 'alice' (password PASSWORD, the test's own uid) and 'bob' (the
    same password, uid nobody) on 127.0.0.1:port, logging to <workdir>/system.log, with ControlsSocket
    <workdir>/ctl.sock. Returns the configuration text."""
    root = os.path.join(workdir, "root")
    os.makedirs(root, exist_ok=True)
    uid, gid = os.getuid(), os.getgid()
    passwd = os.path.join(workdir, "ftpd.passwd")
    with open(passwd, "w", encoding="utf-8") as f:
        hashed = crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_SHA512))
        f.write("alice:%s:%d:%d::%s:/bin/sh\n" % (hashed, uid, gid, root))
        f.write("bob:%s:65534:65534::%s:/bin/sh\n" % (hashed, root))
    os.chmod(passwd, 0o600)
    lines = [
        'ServerName "service test"', "ServerType standalone", "DefaultAddress 127.0.0.1", "SocketBindTight on",
        "UseIPv6 off", "Port %d" % port, "AuthOrder mod_auth_file.c", "AuthUserFile %s" % passwd,
        "RequireValidShell off", "UseFtpUsers off", "RootLogin %s" % ("on" if root_login else "off"), "DefaultRoot ~", "MaxInstances 20",
        "MaxLoginAttempts 3", "SystemLog %s" % os.path.join(workdir, "system.log"),
        "ControlsEngine on", "ControlsSocket %s" % os.path.join(workdir, "ctl.sock"),
    ]
    return "\n".join(lines + list(extra)) + "\n"


def port_free(port):
    """Nothing listens on 127.0.0.1:port (for the fixed ports: the demo's 2121, the package's 21)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((wardtest.LOOPBACK, port))
            return True
        except OSError:
            return False


def system_log(workdir, name="system.log"):
    try:
        with open(os.path.join(workdir, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for_log(workdir, text, name="system.log", timeout=10.0):
    return wardtest.wait_for(lambda: text in system_log(workdir, name), timeout=timeout,
                             what="%r in %s:\n%s" % (text, name, system_log(workdir, name)))


class NotifySocket:
    """A datagram socket like systemd's $NOTIFY_SOCKET; messages() returns what arrived."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)

    def receive(self, timeout=15.0):
        self.sock.settimeout(timeout)
        return self.sock.recv(4096).decode()

    def close(self):
        self.sock.close()
