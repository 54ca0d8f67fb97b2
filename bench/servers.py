"""The four FTP servers bench/run compares, each configured the same way: one user, the same files, 127.0.0.1
only, a 1,000-port passive range, no TLS, no reverse DNS or ident, no transfer log, the user chrooted to its
home. Also the process-tree helpers (PSS, CPU time) and start/stop by PID.

A Setup names what every configuration shares; each make_* returns a Server ready to start().
Variants: "main" (as above), "plain" (no chroot: the baseline of the hooked-command figure), "hooked" (plain
plus `ExecOnCommand RETR /bin/true`), "probe" (plain plus a hook that creates a file, to prove hooks run).
"""
import os
import signal
import socket
import subprocess
import time

import debian_peers

LOOPBACK = "127.0.0.1"
# Sessions at once every server admits: the scaling run keeps 2,000 idle sessions open and logs in beside them
# (bench/scaling.py). bench/run raises its own RLIMIT_NOFILE and RLIMIT_NPROC, which the servers inherit.
MAX_SESSIONS = 2200
# pure-ftpd admits at most half as many sessions as its passive range has ports (so that it can't run out of
# them). For MAX_SESSIONS it gets this range in the scaling run, which runs one server at a time, so it may
# overlap the others' ranges; it stays above the kernel's ephemeral ports (32768-60999).
PUREFTPD_SCALING_PASSIVE = (61000, 61000 + 2 * MAX_SESSIONS - 1)
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Setup:
    def __init__(self, work, peers_root, user, password, home, auth="system", passwd_file=None, uid=None, gid=None):
        self.work = work              # build/bench: configs, logs, run files
        self.peers_root = peers_root  # the unpacked Debian packages (usr/sbin/proftpd ...)
        self.user = user
        self.password = password
        self.home = home
        self.auth = auth              # "system": /etc/passwd + /etc/shadow; "file": AuthUserFile (wardftpd only)
        self.passwd_file = passwd_file
        self.uid = uid
        self.gid = gid
        self.probe_file = os.path.join(work, "hookprobe", "ran")

    def peer_env(self):
        return debian_peers.peer_env(self.peers_root)


class Server:
    def __init__(self, name, port, passive, argv, env, config_path=None, config_text=None, log_path=None,
                 errors_on_stdin=False):
        self.name = name
        self.errors_on_stdin = errors_on_stdin  # vsftpd writes start-up errors to fd 0
        self.port = port
        self.passive = passive
        self.argv = argv
        self.env = env
        self.config_path = config_path
        self.config_text = config_text
        self.log_path = log_path
        self.proc = None
        self._log = None

    def start(self, timeout=20.0):
        if self.config_path and self.config_text is not None:
            with open(self.config_path, "w") as f:
                f.write(self.config_text)
        self._log = open(self.log_path, "ab")
        stdin = self._log if self.errors_on_stdin else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.argv, stdin=stdin, stdout=self._log, stderr=self._log,
                                     env=self.env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with status %s at start-up:\n%s" %
                                   (self.name, self.proc.returncode, self.log_tail()))
            if greets(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("%s did not answer on port %d:\n%s" % (self.name, self.port, self.log_tail()))

    def stop(self):
        """SIGTERM to the server's PID, then SIGKILL to what is left of its process tree."""
        if self.proc is None:
            return
        leftovers = tree(self.proc.pid)
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()
        self.proc = None

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def pids(self):
        return tree(self.proc.pid) if self.proc else []

    def pss_kb(self):
        return sum(pss_kb(pid) for pid in self.pids())

    def cpu_seconds(self):
        """CPU time of the live process tree plus every child it has reaped."""
        return sum(cpu_ticks(pid) for pid in self.pids()) / CLK_TCK

    def page_faults(self):
        """Minor and major page faults of the live process tree plus every child it has reaped."""
        return sum(page_faults(pid) for pid in self.pids())

    def wait_idle(self, processes, timeout=10.0):
        """Waits until the server's tree is down to `processes` processes (sessions ended and reaped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.pids()) <= processes:
                return True
            time.sleep(0.05)
        return False


def greets(port):
    try:
        with socket.create_connection((LOOPBACK, port), timeout=2) as s:
            return s.recv(4).startswith(b"220")
    except OSError:
        return False


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
            return True
        except OSError:
            return False


def _stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()  # fields from the 3rd (state) on


def tree(root):
    """root and all its descendants, by parent PID."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(entry))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid != root and pid in out:
            continue
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ticks(pid):
    try:
        fields = _stat_fields(pid)
        return sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    except (OSError, ValueError, IndexError):
        return 0


def page_faults(pid):
    try:
        fields = _stat_fields(pid)
        return sum(int(fields[i]) for i in (7, 8, 9, 10))  # minflt cminflt majflt cmajflt
    except (OSError, ValueError, IndexError):
        return 0


# ---------------------------------------------------------------------------------------------- wardftpd

def make_wardftpd(setup, binary, port, passive, variant="main"):
    lines = [
        'ServerName "wardbench"',
        "ServerType standalone",
        "DefaultAddress %s" % LOOPBACK,
        "SocketBindTight on",
        "UseIPv6 off",
        "Port %d" % port,
        "MaxInstances %d" % MAX_SESSIONS,
        "UseReverseDNS off",
        "RequireValidShell off",
        "UseFtpUsers off",
        "AllowOverwrite on",
    ]
    if passive:
        lines.append("PassivePorts %d %d" % passive)
    if setup.auth == "system":
        lines.append("AuthOrder mod_auth_unix.c")
    else:
        lines += ["AuthOrder mod_auth_file.c", "AuthUserFile %s" % setup.passwd_file]
    if os.getuid() == 0 and setup.uid == 0:
        lines.append("RootLogin on")
    lines += _variant_lines(setup, variant)
    path = os.path.join(setup.work, "wardftpd-%s.conf" % variant)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
    return Server("wardftpd", port, passive, [binary, "-n", "-c", path], env, path, "\n".join(lines) + "\n",
                  os.path.join(setup.work, "logs", "wardftpd-%s.log" % variant))


def _variant_lines(setup, variant):
    if variant == "main":
        return ["DefaultRoot ~"]
    lines = []
    if variant == "hooked":
        lines = ["ExecEngine on", "ExecOnCommand RETR /bin/true"]
    elif variant == "probe":
        lines = ["ExecEngine on", "ExecOnCommand RETR /usr/bin/touch %s" % setup.probe_file]
    return lines


# ---------------------------------------------------------------------------------------------- ProFTPD

def make_proftpd(setup, port, passive, variant="main"):
    run = os.path.join(setup.work, "run")
    lines = [
        'ServerName "wardbench"',
        "ServerType standalone",
        "DefaultServer on",
        "DefaultAddress %s" % LOOPBACK,
        "SocketBindTight on",
        "UseIPv6 off",
        "Port %d" % port,
        "User nobody",
        "Group nogroup",
        "MaxInstances %d" % MAX_SESSIONS,
        "PassivePorts %d %d" % passive,
        "UseReverseDNS off",
        "RequireValidShell off",
        "UseFtpUsers off",
        "AllowOverwrite on",
        "AuthOrder mod_auth_unix.c",
        "DelayEngine off",
        "WtmpLog off",
        "TransferLog NONE",
        "SystemLog %s" % os.path.join(setup.work, "logs", "proftpd-%s.system.log" % variant),
        "ScoreboardFile %s" % os.path.join(run, "proftpd-%s.scoreboard" % variant),
        "PidFile %s" % os.path.join(run, "proftpd-%s.pid" % variant),
        "ModulePath %s" % os.path.join(setup.peers_root, "usr/lib/proftpd"),
        # mod_ident is a DSO that is not loaded, so there are no ident lookups (IdentLookups needs it loaded).
    ]
    if variant in ("hooked", "probe"):
        lines.append("LoadModule mod_exec.c")  # after ModulePath
        lines.append("ExecLog %s" % os.path.join(setup.work, "logs", "proftpd-%s.exec.log" % variant))
    lines += _variant_lines(setup, variant)
    path = os.path.join(setup.work, "proftpd-%s.conf" % variant)
    binary = os.path.join(setup.peers_root, "usr/sbin/proftpd")
    return Server("proftpd", port, passive, [binary, "-n", "-q", "-c", path], setup.peer_env(), path,
                  "\n".join(lines) + "\n", os.path.join(setup.work, "logs", "proftpd-%s.log" % variant))


# ---------------------------------------------------------------------------------------------- vsftpd

def make_vsftpd(setup, port, passive):
    empty = os.path.join(setup.work, "run", "vsftpd-empty")
    os.makedirs(empty, mode=0o755, exist_ok=True)
    lines = [
        "listen=YES",
        "listen_ipv6=NO",
        "listen_address=%s" % LOOPBACK,
        "listen_port=%d" % port,
        "background=NO",
        "anonymous_enable=NO",
        "local_enable=YES",
        "write_enable=YES",
        "chroot_local_user=YES",
        "allow_writeable_chroot=YES",
        "pasv_enable=YES",
        "pasv_min_port=%d" % passive[0],
        "pasv_max_port=%d" % passive[1],
        "max_clients=%d" % MAX_SESSIONS,
        "max_per_ip=%d" % MAX_SESSIONS,
        "tcp_wrappers=NO",
        "ssl_enable=NO",
        "xferlog_enable=NO",
        "dirmessage_enable=NO",
        "secure_chroot_dir=%s" % empty,
        "nopriv_user=nobody",
        "vsftpd_log_file=%s" % os.path.join(setup.work, "logs", "vsftpd.xfer.log"),
    ]
    path = os.path.join(setup.work, "vsftpd.conf")
    binary = os.path.join(setup.peers_root, "usr/sbin/vsftpd")
    # vsftpd never looks up the client's name (only its tcp_wrappers support would, and that is off).
    return Server("vsftpd", port, passive, [binary, path], setup.peer_env(), path, "\n".join(lines) + "\n",
                  os.path.join(setup.work, "logs", "vsftpd.log"), errors_on_stdin=True)


# ---------------------------------------------------------------------------------------------- pure-ftpd

def make_pureftpd(setup, port, passive):
    binary = os.path.join(setup.peers_root, "usr/sbin/pure-ftpd")
    argv = [
        binary,
        "-S", "%s,%d" % (LOOPBACK, port),
        "-4",                             # IPv4 only
        "-p", "%d:%d" % passive,
        "-H",                             # no reverse DNS
        "-E",                             # no anonymous logins
        "-A",                             # chroot every user
        "-l", "unix",                     # /etc/passwd + /etc/shadow
        "-c", str(MAX_SESSIONS),          # 2,000 idle sessions from one IP must fit (bench/scaling.py)
        "-C", str(MAX_SESSIONS),
        "-L", "200000:8",                 # list 100,000 entries (the default caps LIST at 2,000)
        "-f", "none",                     # no syslog
        "-u", "1",                        # any non-root uid
    ]
    return Server("pure-ftpd", port, passive, argv, setup.peer_env(), None, None,
                  os.path.join(setup.work, "logs", "pure-ftpd.log"))
