"""Shared helpers for integration tests: start the real wardftpd on loopback, talk to it, stop it.

Tests never bind or connect to anything but 127.0.0.1 (or a network namespace the test made itself).
Environment (set by CTest, see tests/CMakeLists.txt): WARD_BIN_DIR, WARD_SOURCE_DIR, WARD_BUILD_DIR.
"""
import contextlib
import ftplib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN_DIR = os.environ.get("WARD_BIN_DIR", os.path.join(os.getcwd(), "build", "release", "bin"))
SOURCE_DIR = os.environ.get("WARD_SOURCE_DIR", os.getcwd())
WARDFTPD = os.path.join(BIN_DIR, "wardftpd")
WARDCTL = os.path.join(BIN_DIR, "wardctl")
LOOPBACK = "127.0.0.1"


def _sanitizer_build():
    cache = os.path.join(os.environ.get("WARD_BUILD_DIR", ""), "CMakeCache.txt")
    try:
        with open(cache, encoding="utf-8") as f:
            return any(line.strip() == "WARD_SANITIZE:BOOL=ON" for line in f)
    except OSError:
        return False


# ASan/UBSan builds merge the sanitizer runtime's calls (ptrace for LeakSanitizer among them) into every
# seccomp policy (sandbox/syscall_groups.hpp): a test of those calls is for release builds only.
SANITIZER_BUILD = _sanitizer_build()


def free_port():
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15.0, host=LOOPBACK):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with socket.create_connection((host, port), timeout=1):
                return True
        time.sleep(0.02)
    return False


class Daemon:
    """A wardftpd started in the foreground (-n) with a given configuration text (proftpd.conf syntax
    unless suffix='.toml'), or with none for the embedded default. Use as a context manager."""

    def __init__(self, config=None, suffix=".conf", args=(), port=None, workdir=None, env=None, wait=True):
        self.tmp = tempfile.TemporaryDirectory(prefix="wardtest-")
        self.dir = self.tmp.name
        self.port = port
        self.config = config
        self.suffix = suffix
        self.args = list(args)
        self.workdir = workdir or self.dir
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0")
        self.wait = wait
        self.proc = None
        self.log_path = os.path.join(self.dir, "wardftpd.stderr")

    def command(self):
        cmd = [WARDFTPD, "-n"]
        if self.config is not None:
            path = os.path.join(self.dir, "wardftpd" + self.suffix)
            with open(path, "w", encoding="utf-8") as f:
                f.write(self.config)
            cmd += ["-c", path]
        return cmd + self.args

    def start(self):
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), cwd=self.workdir, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        if self.wait and self.port is not None and not wait_for_port(self.port):
            self.stop()
            raise RuntimeError("wardftpd did not start listening on port %d:\n%s" % (self.port, self.log()))
        return self

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the daemon and returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.tmp.cleanup()


def control_session(port, host=LOOPBACK, timeout=10):
    """A raw control connection: returns (socket, file) for byte-exact tests."""
    sock = socket.create_connection((host, port), timeout=timeout)
    return sock, sock.makefile("rb")


def read_reply(f):
    """Reads one (possibly multi-line) FTP reply; returns (code, [lines])."""
    lines = []
    first = f.readline().decode("utf-8", "replace").rstrip("\r\n")
    if len(first) < 3:
        raise EOFError("connection closed: %r" % first)
    lines.append(first)
    code = first[:3]
    if len(first) > 3 and first[3] == "-":
        while True:
            line = f.readline().decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                raise EOFError("connection closed inside a multi-line reply")
            lines.append(line)
            if line.startswith(code + " "):
                break
    return int(code), lines


# ---------------------------------------------------------------------------------------------------------
# The FTP server under test. Tests of the FTP protocol (test_ftp_*.py) talk to whatever ftp_server() starts
# and never look inside it: today that is ftp_session_testd (tests/ftp/, one ward::ftp::Session per
# connection with an in-process host); the real wardftpd with an equivalent configuration can take its
# place behind the same interface.

FTP_SESSION_TESTD = os.path.join(BIN_DIR, "ftp_session_testd")


class Account:
    """A named user with its own identity (the real daemon only): ftp_server(users={"alice": Account(...)}).
    home None means the server's root."""

    def __init__(self, password, uid, gid, home=None):
        self.password = password
        self.uid = uid
        self.gid = gid
        self.home = home
BUILD_DIR = os.environ.get("WARD_BUILD_DIR", os.path.join(os.getcwd(), "build", "release"))


class FtpServer:
    """A running FTP server on 127.0.0.1.

    host, port        where to connect
    root              real directory every named user sees as "/"
    anonymous_root    real directory anonymous (USER anonymous / ftp, any password) sees as "/", or None
    users             {name: password or Account}
    transfer_log      path of the xferlog file (settings transfer_log=True), else None
    system_log        path of the SystemLog file (settings system_log=True), else None
    """

    def __init__(self, root, users, anonymous_root, settings, workdir):
        self.host = LOOPBACK
        self.port = None
        self.root = root
        self.users = dict(users)
        self.anonymous_root = anonymous_root
        self.settings = dict(settings)
        self.dir = workdir
        self.transfer_log = os.path.join(workdir, "xferlog") if settings.get("transfer_log") else None
        self.system_log = os.path.join(workdir, "system.log") if settings.get("system_log") else None
        self._hook_log = os.path.join(workdir, "hooks.jsonl") if settings.get("hooks") else None
        self._stderr_path = os.path.join(workdir, "server.stderr")
        self.proc = None

    def hook_events(self):
        """Hook points the server reached, oldest first: dicts with point ("before_command", "on_command",
        "on_error", "on_connect", "session_ended"), command, arguments, command_line, path, rename_from, cwd,
        reply_code, reply_text, bytes, file_offset, file_size, transfer_status, ... (exec::CommandEvent)."""
        if self._hook_log is None or not os.path.exists(self._hook_log):
            return []
        events = []
        with open(self._hook_log, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    events.append(json.loads(line))
        return events

    def wait_for_hook(self, predicate, timeout=10.0):
        """The first hook event that satisfies predicate, waiting for it to be recorded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.hook_events():
                if predicate(event):
                    return event
            time.sleep(0.02)
        raise AssertionError("no matching hook event; recorded: %r" % self.hook_events())

    def transfer_log_lines(self):
        if self.transfer_log is None or not os.path.exists(self.transfer_log):
            return []
        with open(self.transfer_log, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f]

    def log(self):
        with open(self._stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def system_log_text(self):
        if self.system_log is None or not os.path.exists(self.system_log):
            return ""
        with open(self.system_log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_log(self, text, timeout=10.0):
        """Waits until the daemon's log (SystemLog if set, else stderr) contains `text`; returns the log."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.system_log_text() if self.system_log else self.log()
            if text in log:
                return log
            if time.monotonic() > deadline:
                raise AssertionError("%r not in the daemon's log:\n%s" % (text, log))
            time.sleep(0.02)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # -- starting ftp_session_testd --
    _FLAG_NAMES = {
        "timeout_idle": "--timeout-idle", "timeout_login": "--timeout-login",
        "timeout_no_transfer": "--timeout-no-transfer", "timeout_stalled": "--timeout-stalled",
        "deny_filter": "--deny-filter", "path_deny_filter": "--path-deny-filter",
        "display_login": "--display-login", "masquerade_address": "--masquerade-address",
        "max_login_attempts": "--max-login-attempts", "umask": "--umask",
    }
    _BOOL_FLAGS = {
        "allow_overwrite": "--allow-overwrite", "allow_store_restart": "--allow-store-restart",
        "allow_retrieve_restart": "--allow-retrieve-restart", "hidden_stores": "--hidden-stores",
        "show_symlinks": "--show-symlinks", "anonymous_write": "--anonymous-write",
    }

    def _testd_command(self, port):
        cmd = [FTP_SESSION_TESTD, "--port", str(port), "--root", self.root]
        for name, user in self.users.items():
            cmd += ["--user", "%s:%s" % (name, user.password if isinstance(user, Account) else user)]
        if self.anonymous_root:
            cmd += ["--anonymous-root", self.anonymous_root]
        if self._hook_log:
            cmd += ["--hook-log", self._hook_log]
        if self.transfer_log:
            cmd += ["--transfer-log", self.transfer_log]
        for key, value in self.settings.items():
            if key in ("hooks", "transfer_log", "port"):
                continue
            if key == "hook_output":
                for line in value:
                    cmd += ["--hook-output", line]
            elif key == "passive_ports":
                cmd += ["--passive-ports", "%d-%d" % tuple(value)]
            elif key == "umask":
                cmd += ["--umask", "0%o" % value]
            elif key in self._BOOL_FLAGS:
                cmd += [self._BOOL_FLAGS[key], "on" if value else "off"]
            elif key in self._FLAG_NAMES:
                cmd += [self._FLAG_NAMES[key], str(value)]
            else:
                raise ValueError("unknown FTP server setting %r" % key)
        return cmd

    def uses_wardftpd(self):
        """The real daemon serves; WARD_FTP_BACKEND=testd forces the in-process server."""
        return os.environ.get("WARD_FTP_BACKEND") != "testd"

    def start(self):
        if self.uses_wardftpd():
            import wardftpd_backend
            wardftpd_backend.start(self)
            return self
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self._stderr = open(self._stderr_path, "wb")
        self.proc = subprocess.Popen(self._testd_command(self.settings.get("port", 0)), stdout=subprocess.PIPE,
                                     stderr=self._stderr, env=env, start_new_session=True)
        line = self.proc.stdout.readline().decode("ascii", "replace").strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError("FTP server did not start: %r\n%s" % (line, self.log()))
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.uses_wardftpd():
            import wardftpd_backend
            wardftpd_backend.stop(self)
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()
        self.proc = None


@contextlib.contextmanager
def ftp_server(root, users=None, anonymous_root=None, **settings):
    """Starts the FTP server under test on 127.0.0.1 and yields an FtpServer.

    root: real directory named users see as "/"; users: {name: password}; anonymous_root: real directory for
    anonymous logins (read-only unless anonymous_write=True).
    Settings (ProFTPD directive in brackets): passive_ports=(first, last) [PassivePorts],
    masquerade_address [MasqueradeAddress], timeout_idle / timeout_login / timeout_no_transfer /
    timeout_stalled seconds [TimeoutIdle ...], allow_overwrite [AllowOverwrite], allow_store_restart,
    allow_retrieve_restart, hidden_stores [HiddenStores], umask [Umask], deny_filter [DenyFilter],
    path_deny_filter [PathDenyFilter], display_login [DisplayLogin], show_symlinks [ShowSymlinks],
    max_login_attempts [MaxLoginAttempts], transfer_log=True [TransferLog], system_log=True [SystemLog],
    directives=[lines] (appended to the configuration), args=[options] (added to the command line),
    run_as=(user, group) (start the daemon as that ordinary user; tests running as root), hooks=True (record every hook
    point: ExecBeforeCommand/OnCommand/OnError/OnConnect for ALL commands), hook_output=[lines] (what each
    ExecOnCommand/ExecOnConnect hook prints with sendStdout), port (default: any free port).
    """
    workdir = tempfile.mkdtemp(prefix="wardftp-")
    server = FtpServer(root, users or {}, anonymous_root, settings, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        log = server.log()
        shutil.rmtree(workdir, ignore_errors=True)
    # Every session process reports memory errors and leaks (sanitizer builds) on the server's stderr.
    if "Sanitizer" in log or "runtime error:" in log:
        raise AssertionError("the FTP server reported a sanitizer finding:\n" + log)


# ---------------------------------------------------------------------------------------------------------
# Processes of a running daemon, read from /proc.

def proc_status(pid):
    """/proc/PID/status as {field: value}, or None when the process is gone. Uid/Gid become int lists."""
    try:
        with open("/proc/%d/status" % pid) as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    status = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        status[key] = value.strip()
    for key in ("Uid", "Gid"):
        status[key] = [int(x) for x in status[key].split()]
    return status


def process_ended(pid):
    """The process is gone, or a zombie its parent has not reaped yet."""
    status = proc_status(pid)
    return status is None or status["State"].startswith("Z")


def children(pid, zombies=False):
    """Pids of the live children of `pid`, and with zombies=True of those not yet reaped too."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        status = proc_status(int(entry))
        if status and status.get("PPid") == str(pid) and (zombies or not status.get("State", "").startswith("Z")):
            found.append(int(entry))
    return sorted(found)


def _socket_inodes(local_port, remote_port):
    """Inodes of the TCP sockets on loopback from local_port to remote_port (/proc/net/tcp)."""
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, remote = fields[1].split(":"), fields[2].split(":")
            if int(local[1], 16) == local_port and int(remote[1], 16) == remote_port:
                inodes.add(fields[9])
    return inodes


def holders_of_connection(server_port, client_port):
    """Pids of the processes holding the server end of the control connection from client_port."""
    inodes = {"socket:[%s]" % i for i in _socket_inodes(server_port, client_port)}
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir("/proc/%s/fd" % entry):
                with contextlib.suppress(OSError):
                    if os.readlink("/proc/%s/fd/%s" % (entry, fd)) in inodes:
                        pids.append(int(entry))
                        break
    return pids


def session_processes(master_pid, server_port, client_socket, timeout=10.0, worker_uid=None):
    """(monitor pid, worker pid) serving the control connection `client_socket`: the monitor is the
    master's child that holds the connection, the worker its child. With worker_uid, waits for a worker with
    that real uid (the post-auth worker replaces the pre-auth one a moment after the 230 reply)."""
    client_port = client_socket.getsockname()[1]

    def find():
        for pid in holders_of_connection(server_port, client_port):
            status = proc_status(pid)
            if status and status["PPid"] == str(master_pid):
                workers = children(pid)
                if len(workers) != 1:
                    return None
                worker = proc_status(workers[0])
                if worker is None or (worker_uid is not None and worker["Uid"][0] != worker_uid):
                    return None
                return pid, workers[0]
        return None
    return wait_for(find, timeout, "the session processes of client port %d" % client_port)


def login(server, user="alice", password="pw", timeout=20):
    """An ftplib session to server (an FtpServer), logged in."""
    ftp = ftplib.FTP()
    ftp.connect(server.host, server.port, timeout=timeout)
    ftp.login(user, password)
    return ftp


def memory_holds(pid, needles):
    """Whether any readable, writable mapping of process `pid` (heap, stacks, data) holds one of `needles`
    (bytes, or a list of them). Needs the right to read /proc/PID/mem (root, or the same uid and ptrace scope)."""
    if isinstance(needles, bytes):
        needles = [needles]
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("rw"):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            with contextlib.suppress(OSError, OverflowError, ValueError):
                mem.seek(start)
                chunk = mem.read(end - start)
                if any(needle in chunk for needle in needles):
                    return True
    return False


def wait_for(predicate, timeout=10.0, what="condition"):
    """Polls predicate() until it returns something true; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def test_data_file(size, name=None):
    """A file of `size` pseudo-random bytes shared by every test of one build (made once, then reused).
    Returns (path, sha256 hex)."""
    directory = os.path.join(BUILD_DIR, "ftp-test-data")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name or ("random-%d.bin" % size))
    digest_path = path + ".sha256"
    if not (os.path.exists(path) and os.path.getsize(path) == size and os.path.exists(digest_path)):
        tmp = path + ".%d.tmp" % os.getpid()
        digest = hashlib.sha256()
        block = hashlib.sha256(b"wardftpd").digest() * 32768  # 1 MiB, cheap to make
        with open(tmp, "wb") as f:
            written = 0
            counter = 0
            while written < size:
                chunk = bytes([counter & 0xFF]) + block[1:]
                chunk = chunk[: size - written]
                f.write(chunk)
                digest.update(chunk)
                written += len(chunk)
                counter += 1
        os.replace(tmp, path)
        with open(tmp, "w") as f:
            f.write(digest.hexdigest())
        os.replace(tmp, digest_path)
    with open(digest_path) as f:
        return path, f.read().strip()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)
