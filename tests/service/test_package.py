"""The Debian package end to end: scripts/package builds it from the release build with dpkg-buildpackage,
lintian finds no error and no warning, `dpkg -i` installs it (the account, the FHS files, the unit, which
`systemd-analyze verify` accepts with its man pages), the installed daemon starts on its default configuration
(through systemd when it runs; otherwise /usr/sbin/wardftpd directly, under the unit's capability bounding
set and no_new_privs via setpriv, with a notify socket for Type=notify), a local user logs in with curl on
loopback and uploads, and `dpkg --purge` removes everything the package created and nothing else.

The test refuses to run where wardftpd is already installed or a 'wardftpd' account exists (it would not be
able to tell what purge must remove), and cleans up after itself whatever happens."""
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import unittest

import servicetest
from servicetest import wardtest

BUILD_DIR = os.environ.get("WARD_BUILD_DIR", os.path.join(wardtest.SOURCE_DIR, "build", "release"))
UNIT = "/lib/systemd/system/wardftpd.service"
# What the package, its maintainer scripts and the daemon's first start create; all gone after purge.
CREATED = [
    "/usr/sbin/wardftpd", "/usr/bin/wardctl", "/usr/lib/wardftpd", "/etc/wardftpd", "/etc/logrotate.d/wardftpd",
    UNIT, "/usr/share/man/man8/wardftpd.8.gz", "/usr/share/man/man8/wardctl.8.gz",
    "/usr/share/man/man5/wardftpd.conf.5.gz", "/usr/share/doc/wardftpd", "/var/lib/wardftpd", "/var/log/wardftpd",
    "/etc/systemd/system/multi-user.target.wants/wardftpd.service",
    "/var/lib/systemd/deb-systemd-helper-enabled/wardftpd.service.dsh-also",
    "/var/lib/dpkg/info/wardftpd.list",
]
ACCOUNT_FILES = ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def installed():
    result = run(["dpkg-query", "-W", "-f=${Status}", "wardftpd"])
    return result.returncode == 0 and "not-installed" not in result.stdout


def account_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def account_lines(user):
    """The account databases without the test's own user, to compare before and after."""
    snapshot = {}
    for path in ACCOUNT_FILES:
        with open(path, encoding="utf-8") as f:
            snapshot[path] = [line for line in f if not line.startswith(user + ":")]
    return snapshot


def unit_bounding_set():
    with open(UNIT, encoding="utf-8") as f:
        for line in f:
            if line.startswith("CapabilityBoundingSet="):
                return line.split("=", 1)[1].split()
    raise AssertionError("no CapabilityBoundingSet in " + UNIT)


class DebianPackage(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("installs a package: needs root (CI runs as root)")
        self.assertFalse(installed(), "wardftpd is installed on this machine; the test will not touch it")
        self.assertFalse(account_exists("wardftpd"), "a 'wardftpd' account exists; the test will not touch it")
        self.tmp = tempfile.mkdtemp(prefix="ward-pkg-")
        self.user = "wardpkg%d" % os.getpid()
        self.password = secrets.token_hex(12)
        self.daemon = None
        self.before = account_lines(self.user)
        self.addCleanup(self.clean_up)

    def clean_up(self):
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.daemon.pid, signal.SIGKILL)
                self.daemon.wait()
        if account_exists(self.user):
            run(["userdel", "-r", self.user])
        if installed():
            run(["dpkg", "--purge", "wardftpd"])
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_build_lint_install_serve_purge(self):
        # 1. Build: dpkg-buildpackage over the release build (no second compilation).
        built = run([os.path.join(wardtest.SOURCE_DIR, "scripts", "package")],
                    env=dict(os.environ, WARD_BUILD_DIR=BUILD_DIR), timeout=900)
        self.assertEqual(built.returncode, 0, built.stdout + built.stderr)
        deb = built.stdout.strip().splitlines()[-1]
        self.assertTrue(deb.endswith(".deb") and os.path.exists(deb), built.stdout)

        # 2. lintian: no error, no warning (info tags are listed in README's package section).
        lint = run(["lintian", "--fail-on", "error,warning", deb], timeout=600)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        self.assertNotRegex(lint.stdout, r"(?m)^[EW]: ", lint.stdout)

        # 3. Install.
        inst = run(["dpkg", "-i", deb], timeout=300)
        self.assertEqual(inst.returncode, 0, inst.stdout + inst.stderr)
        self.assertTrue(installed())
        account = pwd.getpwnam("wardftpd")
        self.assertLess(account.pw_uid, 1000)  # a system account
        self.assertEqual(account.pw_dir, "/nonexistent")
        for path in ["/usr/sbin/wardftpd", "/usr/bin/wardctl", "/etc/wardftpd/proftpd.conf",
                     "/etc/wardftpd/proftpd.toml", "/usr/lib/wardftpd/modules", UNIT, "/etc/logrotate.d/wardftpd",
                     "/usr/share/man/man8/wardftpd.8.gz", "/usr/share/man/man8/wardctl.8.gz",
                     "/usr/share/man/man5/wardftpd.conf.5.gz"]:
            self.assertTrue(os.path.exists(path), path)
        verify = run(["systemd-analyze", "verify", UNIT])  # with --man=yes: the man pages must be installed
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        check = run(["/usr/sbin/wardftpd", "-t", "-c", "/etc/wardftpd/proftpd.conf"])
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("Syntax OK", check.stdout + check.stderr)
        # The shipped TOML file is the same configuration (the converter keeps each file's own comments, which
        # differ: compared without them).
        as_conf = run(["/usr/sbin/wardftpd", "--print-config", "proftpd", "-c", "/etc/wardftpd/proftpd.conf"])
        as_toml = run(["/usr/sbin/wardftpd", "--print-config", "proftpd", "-c", "/etc/wardftpd/proftpd.toml"])
        settings = lambda text: [line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        self.assertEqual(as_conf.returncode, 0, as_conf.stderr)
        self.assertEqual(settings(as_conf.stdout), settings(as_toml.stdout))
        # Installing started nothing that listens beyond loopback (without systemd nothing starts at all).
        ss = run(["ss", "-Htlnp"]).stdout
        self.assertNotRegex(ss, r"(?m)^LISTEN.*(0\.0\.0\.0|\*|\[::\]):21\s")

        # 4. Start the installed daemon on its default configuration.
        if os.path.isdir("/run/systemd/system"):
            # postinst enabled and started the unit; restart it to see a start succeed (Type=notify waits).
            started = run(["systemctl", "restart", "wardftpd"], timeout=60)
            self.assertEqual(started.returncode, 0, started.stderr + run(["journalctl", "-u", "wardftpd"]).stdout)
        else:
            self.assertTrue(servicetest.port_free(21), "something already listens on 127.0.0.1:21")
            self.start_like_the_unit()
        self.assertTrue(wardtest.wait_for_port(21), "the installed daemon does not listen on 127.0.0.1:21")

        # 5. A local user logs in with curl on loopback, lists and uploads.
        made = run(["useradd", "-m", "-s", "/bin/sh", self.user])
        self.assertEqual(made.returncode, 0, made.stderr)
        run(["chpasswd"], input="%s:%s\n" % (self.user, self.password), check=True)
        home = pwd.getpwnam(self.user).pw_dir
        os.chmod(home, 0o700)  # the monitor reaches it with CAP_DAC_READ_SEARCH, from the unit's set
        upload = os.path.join(self.tmp, "upload.txt")
        with open(upload, "w", encoding="utf-8") as f:
            f.write("uploaded through the installed package\n")
        auth = "%s:%s" % (self.user, self.password)
        put = run(["curl", "-sS", "--max-time", "30", "-u", auth, "-T", upload, "ftp://127.0.0.1/upload.txt"])
        self.assertEqual(put.returncode, 0, put.stderr + self.daemon_log())
        listing = run(["curl", "-sS", "--max-time", "30", "-u", auth, "ftp://127.0.0.1/"])
        self.assertEqual(listing.returncode, 0, listing.stderr + self.daemon_log())
        self.assertIn("upload.txt", listing.stdout)
        stored = os.path.join(home, "upload.txt")
        self.assertEqual(os.stat(stored).st_uid, pwd.getpwnam(self.user).pw_uid)
        bad = run(["curl", "-sS", "--max-time", "30", "-u", self.user + ":wrong", "ftp://127.0.0.1/"])
        self.assertNotEqual(bad.returncode, 0)
        log = wardtest.wait_for(lambda: "Incorrect password" in self.daemon_log() and self.daemon_log(),
                                what="the failed login in /var/log/wardftpd/wardftpd.log")
        self.assertIn("USER %s (Login failed): Incorrect password" % self.user, log)

        # 6. Stop, remove the test user, purge.
        self.stop()
        run(["userdel", "-r", self.user], check=True)
        purge = run(["dpkg", "--purge", "wardftpd"], timeout=300)
        self.assertEqual(purge.returncode, 0, purge.stdout + purge.stderr)
        self.assertFalse(installed())
        self.assertFalse(account_exists("wardftpd"))
        left = [path for path in CREATED if os.path.lexists(path)]
        self.assertEqual(left, [], "purge left these behind")
        self.assertEqual(account_lines(self.user), self.before, "purge changed other accounts")

    def start_like_the_unit(self):
        """No systemd in this container: run what the unit runs, with what it sets up (RuntimeDirectory,
        LogsDirectory), its CapabilityBoundingSet and NoNewPrivileges, and a notify socket (Type=notify)."""
        pre = run(["/usr/sbin/wardftpd", "-t", "-q", "-c", "/etc/wardftpd/proftpd.conf"])  # ExecStartPre
        self.assertEqual(pre.returncode, 0, pre.stdout + pre.stderr)
        caps = ",".join("+" + c[len("CAP_"):].lower() for c in unit_bounding_set())
        notify = servicetest.NotifySocket(os.path.join(self.tmp, "notify"))
        self.addCleanup(notify.close)
        self.stderr = open(os.path.join(self.tmp, "stderr"), "wb")
        self.addCleanup(self.stderr.close)
        self.daemon = subprocess.Popen(
            ["setpriv", "--bounding-set=-all," + caps, "--no-new-privs", "--",
             "/usr/sbin/wardftpd", "-n", "-c", "/etc/wardftpd/proftpd.conf"],
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "NOTIFY_SOCKET": notify.path},
            stdout=self.stderr, stderr=subprocess.STDOUT, start_new_session=True)
        ready = notify.receive(timeout=30)
        self.assertTrue(ready.startswith("READY=1"), ready)
        with open("/proc/%d/status" % self.daemon.pid, encoding="utf-8") as f:
            status = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        self.assertEqual(status["NoNewPrivs"], "1")
        decoded = run(["capsh", "--decode=" + status["CapBnd"]]).stdout.strip().split("=", 1)[1]
        self.assertEqual(set(decoded.upper().split(",")), set(unit_bounding_set()))

    def daemon_log(self):
        try:
            with open("/var/log/wardftpd/wardftpd.log", encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if os.path.isdir("/run/systemd/system"):
            run(["systemctl", "stop", "wardftpd"], check=True, timeout=60)
            return
        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(30), 0)


if __name__ == "__main__":
    unittest.main()
