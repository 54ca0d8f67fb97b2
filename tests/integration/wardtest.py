"""Shared helpers for integration tests: start the real wardftpd on loopback, talk to it, stop it.

Tests never bind or connect to anything but 127.0.0.1 (or a network namespace the test made itself).
Environment (set by CTest, see tests/CMakeLists.txt): WARD_BIN_DIR, WARD_SOURCE_DIR, WARD_BUILD_DIR.
"""
import contextlib
import os
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
