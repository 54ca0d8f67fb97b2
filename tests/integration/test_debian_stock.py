"""Debian 12's stock proftpd.conf, modules.conf and conf.d/ (tests/config/data/debian/, verbatim from
proftpd-core; see ORIGIN.md there), migrated as docs/migrating.md says, pass `wardftpd -t` through the real loader, then start and serve a login with
curl. The test changes, at run time, only what must point into its temporary directory (/etc/proftpd/,
/var/log/proftpd/, /var/run/proftpd/, Port 21, User proftpd) and adds its users the way a Debian admin does: a
conf.d/ drop-in, which also keeps the daemon on 127.0.0.1."""
import crypt
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import wardtest

FIXTURE = os.path.join(wardtest.SOURCE_DIR, "tests", "config", "data", "debian")


def migration_drop_in():
    """The conf.d/local.conf that docs/migrating.md's step 3 tells an admin to write."""
    with open(os.path.join(wardtest.SOURCE_DIR, "docs", "migrating.md"), encoding="utf-8") as f:
        guide = f.read()
    step = guide[guide.index("## 3. Accounts"):]
    block = step[step.index("```\n") + 4:]
    return block[:block.index("```")]


def run(*args):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return subprocess.run([wardtest.WARDFTPD, *args], capture_output=True, text=True, timeout=60, env=env)


def warnings_of(text):
    return [line for line in text.splitlines() if line.startswith("wardftpd: warning: ")]


@unittest.skipUnless(os.geteuid() == 0, "the stock configuration names User nobody and Group nogroup: run as root")
class StockInstall(unittest.TestCase):
    """The stock files installed in a temporary /etc/proftpd/ with a login; no test of its own (test_tls_check.py
    adds tls.conf to it)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="wardtest-debian-")
        os.chmod(self.tmp, 0o755)
        self.port = wardtest.free_port()
        self.etc = os.path.join(self.tmp, "etc", "proftpd")
        os.makedirs(os.path.join(self.etc, "conf.d"))
        os.makedirs(os.path.join(self.tmp, "log"))
        os.makedirs(os.path.join(self.tmp, "run"))
        for name in ("proftpd.conf", "modules.conf"):
            with open(os.path.join(FIXTURE, name), encoding="utf-8") as f:
                text = f.read()
            text = (text.replace("/etc/proftpd/", self.etc + "/")
                    .replace("/var/log/proftpd/", self.tmp + "/log/")
                    .replace("/var/run/proftpd/", self.tmp + "/run/"))
            text = re.sub(r"(?m)^Port(\s+)21$", r"Port\g<1>%d" % self.port, text)
            text = re.sub(r"(?m)^User(\s+)proftpd$", r"User\g<1>nobody", text)
            with open(os.path.join(self.etc, name), "w", encoding="utf-8") as f:
                f.write(text)
        nobody = pwd.getpwnam("nobody")
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home)
        with open(os.path.join(self.home, "hello.txt"), "w", encoding="utf-8") as f:
            f.write("served from Debian's stock configuration\n")
        os.chown(self.home, nobody.pw_uid, nobody.pw_gid)
        passwd = os.path.join(self.etc, "ftpd.passwd")
        with open(passwd, "w", encoding="utf-8") as f:
            f.write("alice:%s:%d:%d::%s:/bin/sh\n" % (crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_SHA512)),
                                                      nobody.pw_uid, nobody.pw_gid, self.home))
        os.chmod(passwd, 0o600)
        # The accounts drop-in is docs/migrating.md's, verbatim but for the paths; the test adds only loopback.
        with open(os.path.join(self.etc, "conf.d", "local.conf"), "w", encoding="utf-8") as f:
            f.write("DefaultAddress 127.0.0.1\nSocketBindTight on\n" +
                    migration_drop_in().replace("/etc/proftpd/", self.etc + "/"))
        self.conf = os.path.join(self.etc, "proftpd.conf")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class DebianStockConfiguration(StockInstall):
    def test_check_start_and_login(self):
        check = run("-t", "-c", self.conf)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertTrue(check.stdout.startswith("Checking syntax of configuration file %s\nSyntax OK\nVerified: " % self.conf),
                        check.stdout)
        warnings = warnings_of(check.stderr)
        # Each LoadModule of a module wardftpd does not build in is named with its line (ProFTPD's .so files
        # are ProFTPD's ABI, or not installed here); LoadModule mod_exec.c (built in) says nothing.
        modules = os.path.join(self.etc, "modules.conf")
        with open(modules, encoding="utf-8") as f:
            loads = [(n, line.split()[1]) for n, line in enumerate(f.read().splitlines(), 1)
                     if line.startswith("LoadModule ")]
        self.assertIn("mod_exec.c", [name for _, name in loads])
        for number, name in loads:
            said = [w for w in warnings if w.startswith("wardftpd: warning: %s:%d:1: LoadModule %s: " %
                                                        (modules, number, name))]
            if name == "mod_exec.c":
                self.assertEqual(said, [])
            else:
                self.assertEqual(len(said), 1, "\n".join(warnings))
                self.assertTrue(said[0].endswith("; not loaded, and its <IfModule> sections count as absent"))
        # Directives of no effect here are named with their line and why (DelayEngine on: mod_delay is listed).
        self.assertTrue(any(re.match(r"wardftpd: warning: %s:\d+:1: DelayEngine has no effect in wardftpd: "
                                     % re.escape(self.conf), w) for w in warnings), "\n".join(warnings))

        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0")
        stderr_path = os.path.join(self.tmp, "stderr")
        with open(stderr_path, "wb") as stderr:
            daemon = subprocess.Popen([wardtest.WARDFTPD, "-n", "-c", self.conf], stdout=stderr, stderr=stderr,
                                      env=env, start_new_session=True)
        try:
            self.assertTrue(wardtest.wait_for_port(self.port), open(stderr_path, encoding="utf-8").read())
            got = subprocess.run(["curl", "-sS", "--max-time", "20", "--user", "alice:s3cret",
                                  "ftp://%s:%d/hello.txt" % (wardtest.LOOPBACK, self.port)],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, "served from Debian's stock configuration\n")
            # The monitor writes the xferlog line from the worker's log record, after the client has its 226:
            # wait for it before stopping the daemon, which ends the session's processes.
            xferlog = os.path.join(self.tmp, "log", "xferlog")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if os.path.exists(xferlog) and "/hello.txt" in open(xferlog, encoding="utf-8").read():
                    break
                time.sleep(0.05)
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()
        with open(stderr_path, encoding="utf-8") as f:
            self.assertEqual(warnings_of(f.read()), warnings)
        with open(os.path.join(self.tmp, "log", "xferlog"), encoding="utf-8") as f:
            self.assertIn("/hello.txt", f.read())

    def test_converted_to_toml_it_checks_alike_and_reads_later_drop_ins(self):
        # docs/migrating.md step 7: the TOML keeps `Include .../conf.d/` as an include.
        converted = run("--print-config", "toml", "-c", self.conf)
        self.assertEqual(converted.returncode, 0, converted.stderr)
        self.assertIn('Include = "%s/conf.d/"\n' % self.etc, converted.stdout)
        toml = os.path.join(self.etc, "proftpd.toml")
        with open(toml, "w", encoding="utf-8") as f:
            f.write(converted.stdout)
        as_conf = run("-t", "-c", self.conf)
        as_toml = run("-t", "-c", toml)
        self.assertEqual(as_toml.returncode, 0, as_toml.stderr)
        self.assertEqual(len(warnings_of(as_toml.stderr)), len(warnings_of(as_conf.stderr)), as_toml.stderr)
        late = os.path.join(self.etc, "conf.d", "zz-late.conf")
        with open(late, "w", encoding="utf-8") as f:
            f.write("CDPath /srv\n")  # added after the conversion; accepted with a warning
        as_toml = run("-t", "-c", toml)
        self.assertEqual(as_toml.returncode, 0, as_toml.stderr)
        self.assertTrue(any(w.startswith("wardftpd: warning: %s:1:1: CDPath has no effect" % late)
                            for w in warnings_of(as_toml.stderr)), as_toml.stderr)


if __name__ == "__main__":
    unittest.main()
