"""-t says exactly what start-up says (issue 12 item 5): every refusal that stops the daemon fails -t with the
same message, and every warning start-up prints (a directive of no effect here, a repeated directive, User root)
-t prints too. Each case runs the real binary twice on one file: `wardftpd -t -c FILE`, then `wardftpd -n -c FILE`."""
import ftplib
import os
import subprocess
import tempfile
import unittest

import wardtest


def run(*args, timeout=60):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return subprocess.run([wardtest.WARDFTPD, *args], capture_output=True, text=True, timeout=timeout, env=env)


def warnings_of(text):
    return [line for line in text.splitlines() if line.startswith("wardftpd: warning: ")]


class StartupRefusalsFailCheckToo(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="wardtest-startup-")
        self.dir = self.tmp.name
        self.port = wardtest.free_port()

    def tearDown(self):
        self.tmp.cleanup()

    def config(self, body):
        path = os.path.join(self.dir, "wardftpd.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write("ServerName startup-test\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPort %d\n%s"
                    % (self.port, body))
        return path

    def assert_same_refusal(self, body, expected):
        path = self.config(body)
        check = run("-t", "-c", path)
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        self.assertNotIn("Syntax OK", check.stdout)
        start = run("-n", "-c", path)
        self.assertEqual(start.returncode, 1, start.stderr)
        refusal = [line for line in check.stderr.splitlines() if not line.startswith("wardftpd: warning: ")]
        self.assertEqual(len(refusal), 1, check.stderr)
        self.assertIn(expected % {"path": path, "dir": self.dir}, refusal[0])
        self.assertIn(refusal[0], start.stderr.splitlines())
        return refusal[0]

    def test_capabilities_wardftpd_refuses(self):
        self.assert_same_refusal("CapabilitiesSet +CAP_NET_ADMIN\n",
                                 "%(path)s:5:1: CapabilitiesSet: unknown capability: 'CAP_NET_ADMIN'")

    def test_user_that_does_not_exist(self):
        self.assert_same_refusal("User no-such-user-here\n", "%(path)s:5:1: User 'no-such-user-here' does not exist")

    def test_group_that_does_not_exist(self):
        self.assert_same_refusal("User nobody\nGroup no-such-group-here\n",
                                 "%(path)s:6:1: Group 'no-such-group-here' does not exist")

    def test_system_log_in_a_missing_directory(self):
        self.assert_same_refusal("SystemLog %s/missing/system.log\n" % self.dir,
                                 "%(path)s:5:1: SystemLog: stat %(dir)s/missing")

    def test_transfer_log_through_a_symlink(self):
        os.symlink("/etc/passwd", os.path.join(self.dir, "xfer.log"))
        self.assert_same_refusal("TransferLog %s/xfer.log\n" % self.dir,
                                 "%(path)s:5:1: TransferLog: unable to use %(dir)s/xfer.log: it is a symbolic link")

    def test_two_servers_on_one_address(self):
        self.assert_same_refusal("<VirtualHost 10.0.0.1>\n</VirtualHost>\n<VirtualHost 10.0.0.1>\n</VirtualHost>\n",
                                 "10.0.0.1 port 21 is already served by the server at %(path)s:5:1")

    def test_a_refused_directive(self):
        self.assert_same_refusal("<Limit LOGIN>\n  DenyClass badnets\n</Limit>\n",
                                 "%(path)s:6:3: DenyClass is refused by wardftpd: wardftpd has no <Class> yet")

    def test_a_restriction_wardftpd_cannot_enforce_is_refused(self):
        self.assert_same_refusal("AllowForeignAddress on\n",
                                 "%(path)s:5:21: AllowForeignAddress: AllowForeignAddress on is refused")


class StartupWarningsAreCheckWarnings(unittest.TestCase):
    BODY = ("User root\n"
            "WtmpLog on\n"
            "ScoreboardFile /var/run/proftpd.scoreboard\n"
            "TimeoutIdle 20m\n"
            "TimeoutLinger 10\n"
            "IdentLookups off\n"
            "UseReverseDNS off\n"
            "TransferLog none\n"
            "TransferLog none\n"
            "<Anonymous %s>\n  User nobody\n  <Limit LOGIN>\n    DenyAll\n  </Limit>\n</Anonymous>\n")

    def test_the_same_warnings_and_the_daemon_starts(self):
        port = wardtest.free_port()
        with tempfile.TemporaryDirectory(prefix="wardtest-startup-") as anon:
            config = ("ServerName startup-test\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPort %d\n" % port
                      + self.BODY % anon)
            with wardtest.Daemon(config=config, port=port) as daemon:
                path = os.path.join(daemon.dir, "wardftpd.conf")
                check = run("-t", "-c", path)
                self.assertEqual(check.returncode, 0, check.stderr)
                self.assertTrue(check.stdout.endswith("Syntax OK\n"), check.stdout)
                expected = [
                    "wardftpd: warning: %s:6:1: WtmpLog has no effect in wardftpd: wardftpd writes no wtmp records; "
                    "logins are logged to SystemLog (or syslog)" % path,
                    "wardftpd: warning: %s:7:1: ScoreboardFile has no effect in wardftpd: wardftpd keeps no "
                    "scoreboard; see wardctl who" % path,
                    "wardftpd: warning: %s:9:1: TimeoutLinger has no effect in wardftpd: a data connection is "
                    "closed at once when its transfer ends or is aborted" % path,
                    "wardftpd: warning: %s:13:1: TransferLog is already set in this context at %s:12:1; the first "
                    "one applies, as in ProFTPD, not this one" % (path, path),
                    "wardftpd: warning: %s:5:1: User root: wardftpd never parses network bytes as root, so pre-auth "
                    "workers run as 'nobody' instead" % path,
                ]
                self.assertEqual(warnings_of(check.stderr), expected)
                # Off values that ask for what wardftpd does anyway (IdentLookups off, UseReverseDNS off) and
                # durations (TimeoutIdle 20m) need no warning.
                ftp = ftplib.FTP()
                self.assertTrue(ftp.connect(wardtest.LOOPBACK, port, timeout=10).startswith("220"))
                ftp.quit()
                self.assertEqual(warnings_of(daemon.log()), expected)


if __name__ == "__main__":
    unittest.main()
