"""mod_auth_pam.c against real PAM (issue 17), and shadow aging on the mod_auth_unix.c path.

A real system account is created with useradd (a unique name, removed at the end) and authenticated through
a test PAM service file in /etc/pam.d (pam_unix for auth and account, removed at the end). Expiring the
account (chage -E 0) and the password (chage -d 0 -M 1) refuses the login with ProFTPD's log words, through
PAM and through mod_auth_unix.c. A PAM module that crashes or hangs (tests/auth/pam_ward_test.c) runs in the
per-attempt helper: the helper is reaped or killed, the login gets 530, the monitor answers the next login.
While the hanging helper runs, its /proc/PID/status and /proc/PID/fd show the confinement SECURITY.md claims.

Needs root (useradd, /etc/pam.d, a daemon that keeps uid 0 in its monitor); skipped otherwise.
"""
import crypt
import ftplib
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import wardtest

ROOT = os.geteuid() == 0
BUILD_DIR = os.environ.get("WARD_BUILD_DIR", os.path.join(wardtest.SOURCE_DIR, "build", "release"))
TEST_MODULE = os.path.join(BUILD_DIR, "tests", "auth", "pam_ward_test.so")
PAM_UNIX = "pam_unix.so"
PASSWORD = "Pam-t3st-pw"

PAM_UNIX_SERVICE = "auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n"


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def pam_helpers(monitor_pid):
    """Pids of the live PAM helpers (comm 'ward-pam') the monitor forked."""
    found = []
    for pid in wardtest.children(monitor_pid):
        try:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == "ward-pam":
                    found.append(pid)
        except OSError:
            pass
    return found


@unittest.skipUnless(ROOT and shutil.which("useradd") and shutil.which("chage"),
                     "needs root, useradd and chage")
class Pam(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ward-pam-")
        os.chmod(self.tmp.name, 0o755)
        self.user = "wardpam%d" % os.getpid()
        self.home = os.path.join(self.tmp.name, "home")
        os.makedirs(self.home)
        run("useradd", "-M", "-d", self.home, "-s", "/bin/sh", "-p",
            crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_SHA512)), self.user)
        self.addCleanup(run, "userdel", self.user)
        import pwd
        entry = pwd.getpwnam(self.user)
        os.chown(self.home, entry.pw_uid, entry.pw_gid)
        self.service = "wardtest-%d" % os.getpid()
        self.service_file = os.path.join("/etc/pam.d", self.service)
        self.addCleanup(lambda: os.path.exists(self.service_file) and os.unlink(self.service_file))
        self.write_service(PAM_UNIX_SERVICE)
        self.port = wardtest.free_port()

    def tearDown(self):
        self.tmp.cleanup()

    def write_service(self, text):
        with open(self.service_file, "w") as f:
            f.write(text)

    def daemon(self, *lines):
        config = [
            'ServerName "pam test"', "DefaultAddress 127.0.0.1", "SocketBindTight on", "UseIPv6 off",
            "Port %d" % self.port, "User nobody", "Group nogroup", "DefaultRoot ~", "UseFtpUsers off",
            "AuthPAMConfig %s" % self.service,
        ] + list(lines)
        return wardtest.Daemon("\n".join(config) + "\n", port=self.port)

    def connect(self):
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, self.port, timeout=20)
        return ftp

    def assert_refused(self, ftp, daemon, words):
        with self.assertRaises(ftplib.error_perm) as caught:
            ftp.login(self.user, PASSWORD)
        self.assertEqual(str(caught.exception), "530 Login incorrect.")
        wardtest.wait_for(lambda: "USER %s (Login failed): %s" % (self.user, words) in daemon.log(), 10,
                          "the log line '%s' in:\n%s" % (words, daemon.log()))

    def test_t_names_the_pam_helpers_confinement(self):
        checked = subprocess.run([wardtest.WARDFTPD, "-t"], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("wardftpd: confinement: PAM helper (mod_auth_pam.c, one per login attempt): root's uid, "
                      "no capabilities; no_new_privs; one descriptor", checked.stderr)

    def test_t_warns_when_the_pam_service_has_no_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".conf", dir=self.tmp.name, delete=False) as f:
            f.write("AuthOrder mod_auth_pam.c* mod_auth_unix.c\nAuthPAMConfig wardtest-absent-%d\n" % os.getpid())
        checked = subprocess.run([wardtest.WARDFTPD, "-t", "-c", f.name], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("%s:2:1: mod_auth_pam.c: the PAM service 'wardtest-absent-%d' has no file" % (f.name, os.getpid()),
                      checked.stderr)
        with open(f.name, "w") as g:
            g.write("AuthOrder mod_auth_pam.c* mod_auth_unix.c\nAuthPAMConfig %s\n" % self.service)
        checked = subprocess.run([wardtest.WARDFTPD, "-t", "-c", f.name], capture_output=True, text=True)
        self.assertNotIn("has no file", checked.stderr)

    def test_login_through_pam_and_expiry_refused(self):
        with self.daemon("AuthOrder mod_auth_pam.c* mod_auth_unix.c") as daemon:
            ftp = self.connect()
            self.assertTrue(ftp.login(self.user, PASSWORD).startswith("230"), daemon.log())
            ftp.quit()
            ftp = self.connect()
            with self.assertRaises(ftplib.error_perm):
                ftp.login(self.user, "wrong")
            ftp.close()

            run("chage", "-E", "0", self.user)
            ftp = self.connect()
            self.assert_refused(ftp, daemon, "Account disabled")
            ftp.close()

            run("chage", "-E", "-1", "-d", "0", "-M", "1", self.user)
            ftp = self.connect()
            self.assert_refused(ftp, daemon, "Password expired")
            ftp.close()
            self.assertIn("mod_auth_pam: PAM(%s): pam_acct_mgmt" % self.user, daemon.log())

    def test_shadow_expiry_on_the_unix_path(self):
        with self.daemon("AuthOrder mod_auth_unix.c") as daemon:
            ftp = self.connect()
            self.assertTrue(ftp.login(self.user, PASSWORD).startswith("230"), daemon.log())
            ftp.quit()
            run("chage", "-E", "0", self.user)
            ftp = self.connect()
            self.assert_refused(ftp, daemon, "Account disabled")
            ftp.close()
            run("chage", "-E", "-1", "-d", "0", "-M", "1", self.user)
            ftp = self.connect()
            self.assert_refused(ftp, daemon, "Password expired")
            ftp.close()

    def test_authoritative_pam_failure_is_final_and_non_authoritative_falls_through(self):
        # The service refuses everyone: with '*' that ends the attempt; without it mod_auth_unix.c answers.
        self.write_service("auth requisite pam_deny.so\naccount required pam_permit.so\n")
        with self.daemon("AuthOrder mod_auth_pam.c* mod_auth_unix.c") as daemon:
            ftp = self.connect()
            self.assert_refused(ftp, daemon, "Incorrect password")
            ftp.close()
        with self.daemon("AuthOrder mod_auth_pam.c mod_auth_unix.c") as daemon:
            ftp = self.connect()
            self.assertTrue(ftp.login(self.user, PASSWORD).startswith("230"), daemon.log())
            ftp.quit()

    @unittest.skipUnless(os.path.exists(TEST_MODULE), "the test PAM module is not built")
    def test_crashing_module_does_not_take_the_monitor_down(self):
        self.write_service("auth required %s crash\naccount required pam_permit.so\n" % TEST_MODULE)
        with self.daemon("AuthOrder mod_auth_pam.c* mod_auth_unix.c") as daemon:
            ftp = self.connect()
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.login(self.user, PASSWORD)
            self.assertEqual(str(caught.exception), "530 Login incorrect.")
            # Killed by SIGSEGV; a sanitizer build's runtime catches the signal and exits with a report instead.
            self.assertRegex(daemon.log(), r"the PAM helper \(pid \d+\) (was killed by signal 11|exited with status "
                                           r"\d+) without an answer")
            self.assertIn("USER %s (Login failed): mod_auth_pam.c: the PAM helper failed" % self.user, daemon.log())
            # The same session's monitor answers the next attempt, through a working service.
            self.write_service(PAM_UNIX_SERVICE)
            self.assertTrue(ftp.login(self.user, PASSWORD).startswith("230"), daemon.log())
            ftp.quit()

    @unittest.skipUnless(os.path.exists(TEST_MODULE), "the test PAM module is not built")
    def test_hanging_module_is_killed_and_the_helper_is_confined(self):
        self.write_service("auth required %s hang\naccount required pam_permit.so\n" % TEST_MODULE)
        with self.daemon("AuthOrder mod_auth_pam.c* mod_auth_unix.c", "AuthPAMTimeout 3") as daemon:
            ftp = self.connect()
            ftp.sendcmd("USER " + self.user)
            outcome = {}

            def send_pass():
                started = time.monotonic()
                try:
                    ftp.sendcmd("PASS " + PASSWORD)
                    outcome["reply"] = "no error"
                except ftplib.error_perm as e:
                    outcome["reply"] = str(e)
                outcome["seconds"] = time.monotonic() - started
            thread = threading.Thread(target=send_pass)
            thread.start()

            monitors = wardtest.children(daemon.proc.pid)
            helper = wardtest.wait_for(lambda: [h for m in monitors for h in pam_helpers(m)], 5, "the PAM helper")[0]
            status = wardtest.proc_status(helper)
            fds = os.listdir("/proc/%d/fd" % helper)
            targets = [os.readlink("/proc/%d/fd/%s" % (helper, fd)) for fd in fds]
            self.assertEqual(status["Seccomp"], "2")
            self.assertEqual(status["NoNewPrivs"], "1")
            self.assertEqual(int(status["CapEff"], 16), 0)
            self.assertEqual(int(status["CapPrm"], 16), 0)
            self.assertEqual(int(status["CapBnd"], 16), 0)
            self.assertEqual(len(targets), 1, targets)
            self.assertTrue(targets[0].startswith("socket:"), targets)

            thread.join(20)
            self.assertEqual(outcome.get("reply"), "530 Login incorrect.")
            self.assertGreaterEqual(outcome["seconds"], 2.5)
            self.assertTrue(wardtest.process_ended(helper))
            self.assertIn("gave no answer within 3000 ms and was killed", daemon.log())
            self.write_service(PAM_UNIX_SERVICE)
            self.assertTrue(ftp.login(self.user, PASSWORD).startswith("230"), daemon.log())
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
