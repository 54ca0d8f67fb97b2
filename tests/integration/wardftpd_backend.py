"""The real wardftpd behind wardtest.ftp_server(): a proftpd.conf equivalent to the settings the FTP
protocol tests ask for, and the daemon started on it in the foreground (-n) on 127.0.0.1.

Named users are virtual (AuthUserFile) and, like ftp_session_testd, run as the uid that owns the test's
files: root when the tests run as root (with RootLogin on: workers hold no capabilities either way), the
invoking user otherwise. Both see `root` as "/" (DefaultRoot ~); anonymous logins are an <Anonymous> context.

Tests of the daemon itself (test_daemon_*.py, test_adversarial.py) can go further (see wardtest.ftp_server):
a user given as a wardtest.Account has its own uid, gid and home; `directives` appends raw lines to the
configuration; `system_log` adds a SystemLog; `args` adds command-line options; `run_as` ("user", "group")
starts the daemon through setpriv as that ordinary user (the test must run as root).
"""
import crypt
import os
import signal
import subprocess

import wardtest

# Settings that map one to one onto a directive: name -> (directive, formatter).
_DIRECTIVES = {
    "timeout_idle": ("TimeoutIdle", str),
    "timeout_login": ("TimeoutLogin", str),
    "timeout_no_transfer": ("TimeoutNoTransfer", str),
    "timeout_stalled": ("TimeoutStalled", str),
    "masquerade_address": ("MasqueradeAddress", str),
    "max_login_attempts": ("MaxLoginAttempts", str),
    "umask": ("Umask", lambda v: "0%o" % v),
    "passive_ports": ("PassivePorts", lambda v: "%d %d" % tuple(v)),
    "deny_filter": ("DenyFilter", lambda v: quote(v)),
    "path_deny_filter": ("PathDenyFilter", lambda v: quote(v)),
    "display_login": ("DisplayLogin", lambda v: quote(v)),
    "allow_overwrite": ("AllowOverwrite", lambda v: "on" if v else "off"),
    "allow_store_restart": ("AllowStoreRestart", lambda v: "on" if v else "off"),
    "allow_retrieve_restart": ("AllowRetrieveRestart", lambda v: "on" if v else "off"),
    "hidden_stores": ("HiddenStores", lambda v: "on" if v else "off"),
    "show_symlinks": ("ShowSymlinks", lambda v: "on" if v else "off"),
}
# Settings this backend reads itself (not directives, or not one to one).
_OWN_SETTINGS = ("transfer_log", "port", "anonymous_write", "directives", "system_log", "args", "run_as")
# Settings served by mod_exec hooks that record each hook point (hook_recorder.py).
HOOK_SETTINGS = ("hooks", "hook_output")
RECORDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook_recorder.py")
# What the recorder gets for each command hook: wardtest.FtpServer.hook_events() field names.
_EVENT_ARGS = ("command=%m", "arguments=%J", "command_line=%r", "path=%F", "rename_from=%w", "cwd=%C",
               "reply_code=%s", "reply_text=%S", "bytes=%b", "file_offset=%{file-offset}",
               "file_size=%{file-size}", "transfer_status=%{transfer-status}",
               "transfer_type=%{transfer-type}", "transfer_port=%{transfer-port}")


def hook_directives(server, record_file):
    """mod_exec directives that record every hook point to record_file (hooks=True), with sendStdout
    output (hook_output=[lines]). Connect and exit hooks run as the server's User: the file and the
    recorder must be reachable for it."""
    import json
    import shutil
    recorder = os.path.join(server.dir, "hook_recorder.py")
    shutil.copy(RECORDER, recorder)
    os.chmod(recorder, 0o755)
    os.chmod(server.dir, 0o711)
    open(record_file, "a").close()
    os.chmod(record_file, 0o666)
    run = "/usr/bin/python3 %s %s" % (recorder, record_file)
    events = " ".join(quote(a) for a in _EVENT_ARGS)
    lines = ["ExecEngine on", "ExecTimeout 20"]
    output = server.settings.get("hook_output")
    if output:
        lines += ["ExecOptions sendStdout", "ExecEnviron WARD_HOOK_OUTPUT %s" % quote(json.dumps(output))]
    lines += [
        "ExecOnConnect %s on_connect" % run,
        "ExecBeforeCommand ALL %s before_command %s" % (run, events),
        "ExecOnCommand ALL %s on_command %s" % (run, events),
        "ExecOnError ALL %s on_error %s" % (run, events),
        "ExecOnExit %s session_ended reason=%%E" % run,
    ]
    return lines


def quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_config(server, port):
    """The proftpd.conf text for an FtpServer's settings."""
    uid, gid = os.getuid(), os.getgid()
    passwd = os.path.join(server.dir, "ftpd.passwd")
    with open(passwd, "w") as f:
        for name, user in server.users.items():
            account = user if isinstance(user, wardtest.Account) else wardtest.Account(user, uid, gid, server.root)
            f.write("%s:%s:%d:%d::%s:/bin/sh\n" % (
                name, crypt.crypt(account.password, crypt.mksalt(crypt.METHOD_SHA512)),
                account.uid, account.gid, account.home or server.root))
        f.write("ftpanon:*:%d:%d::%s:/bin/sh\n" % (uid, gid, server.anonymous_root or server.root))
    os.chmod(passwd, 0o600)
    lines = [
        'ServerName "wardftpd test"',
        "ServerType standalone",
        "DefaultAddress 127.0.0.1",
        "SocketBindTight on",
        "UseIPv6 off",
        "Port %d" % port,
        "AuthOrder mod_auth_file.c",
        "AuthUserFile %s" % passwd,
        "RequireValidShell off",
        "UseFtpUsers off",
        "RootLogin on",
        "DefaultRoot ~",
    ]
    extra = server.settings.get("directives", [])
    if not any(line.split()[:1] == ["MaxInstances"] for line in extra):
        lines.append("MaxInstances 200")
    if server.transfer_log:
        lines.append("TransferLog %s" % server.transfer_log)
    if server.system_log:
        lines.append("SystemLog %s" % server.system_log)
    if server.settings.get("hooks"):
        lines += hook_directives(server, server._hook_log)
    for key, value in server.settings.items():
        if key in _OWN_SETTINGS or key in HOOK_SETTINGS:
            continue
        if key not in _DIRECTIVES:
            raise ValueError("unknown FTP server setting %r" % key)
        directive, fmt = _DIRECTIVES[key]
        lines.append("%s %s" % (directive, fmt(value)))
    if server.anonymous_root:
        lines += [
            "<Anonymous %s>" % server.anonymous_root,
            "  User ftpanon",
            "  UserAlias anonymous ftpanon",
            "  UserAlias ftp ftpanon",
        ]
        if not server.settings.get("anonymous_write"):
            lines += ["  <Limit WRITE SITE_CHMOD>", "    DenyAll", "  </Limit>"]
        lines.append("</Anonymous>")
    lines += extra
    return "\n".join(lines) + "\n"


def write_config(server, text=None):
    """(Re)writes the daemon's configuration file: `text`, or what the server's settings give. Returns its path."""
    config = os.path.join(server.dir, "wardftpd.conf")
    with open(config, "w") as f:
        f.write(make_config(server, server.port) if text is None else text)
    return config


def _hand_over(server, user, group):
    """Gives the files the daemon opens itself to the ordinary user it will run as."""
    import grp
    import pwd
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for path in (server.dir, os.path.join(server.dir, "ftpd.passwd"), os.path.join(server.dir, "wardftpd.conf")):
        os.chown(path, uid, gid)
    os.chmod(server.dir, 0o755)
    return ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups", "--"]


def start(server):
    """Starts wardftpd for an FtpServer (wardtest.FtpServer); sets server.port and server.proc."""
    port = server.settings.get("port") or wardtest.free_port()
    server.port = port
    config = write_config(server)
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0")
    server._stderr = open(server._stderr_path, "wb")
    prefix = _hand_over(server, *server.settings["run_as"]) if server.settings.get("run_as") else []
    command = prefix + [wardtest.WARDFTPD, "-n", "-c", config] + list(server.settings.get("args", []))
    server.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=server._stderr, env=env,
                                   start_new_session=True)
    if not wardtest.wait_for_port(port):
        stop(server)
        raise RuntimeError("wardftpd did not start:\n%s" % server.log())
    server.port = port


def stop(server):
    if server.proc is None:
        return
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
    server._stderr.close()
    server.proc = None
