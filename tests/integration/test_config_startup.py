"""-t says exactly what start-up says (issue 12 item 5): every refusal that stops the daemon fails -t with the
same message, and every warning start-up prints (a directive of no effect here, a repeated directive, User root)
-t prints too. Each case runs the real binary twice on one file: `wardftpd -t -c FILE`, then `wardftpd -n -c FILE`."""
import ftplib
import os
import signal
import subprocess
import tempfile
import time
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

    # Issue 18: what passed -t and then could not serve.
    def test_missing_auth_user_file(self):
        self.assert_same_refusal("AuthUserFile %s/ftpd.passwd\n" % self.dir,
                                 "%(path)s:5:1: AuthUserFile: open %(dir)s/ftpd.passwd: No such file or directory; "
                                 "create it (for example with ftpasswd --passwd) or remove the directive")

    def test_missing_auth_group_file(self):
        self.assert_same_refusal("AuthGroupFile %s/ftpd.group\n" % self.dir,
                                 "%(path)s:5:1: AuthGroupFile: open %(dir)s/ftpd.group: No such file or directory")

    def test_controls_socket_in_a_missing_directory(self):
        self.assert_same_refusal("ControlsEngine on\nControlsSocket %s/a/b/ctl.sock\n" % self.dir,
                                 "%(path)s:6:1: ControlsSocket %(dir)s/a/b/ctl.sock: the directory %(dir)s/a/b does "
                                 "not exist and neither does %(dir)s/a; create it (mkdir -p %(dir)s/a/b)")

    def test_pid_file_in_a_missing_directory(self):
        self.assert_same_refusal("PidFile %s/a/b/wardftpd.pid\n" % self.dir,
                                 "%(path)s:5:1: PidFile %(dir)s/a/b/wardftpd.pid: the directory %(dir)s/a/b does not "
                                 "exist")

    def test_runtime_directory_is_created_at_start_with_a_safe_mode(self):
        # One missing level (as /run/wardftpd after a reboot): -t passes, start-up creates it, 0755, not group- or
        # world-writable, and the pid file and control socket are in it.
        os.chmod(self.dir, 0o755)
        run_dir = os.path.join(self.dir, "run")
        path = self.config("PidFile %s/wardftpd.pid\nControlsEngine on\nControlsSocket %s/wardftpd.sock\n"
                           % (run_dir, run_dir))
        check = run("-t", "-c", path)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertFalse(os.path.exists(run_dir), "-t creates nothing")
        with open(path, encoding="utf-8") as f:
            daemon = wardtest.Daemon(config=f.read(), port=self.port)
        with daemon:
            mode = os.stat(run_dir).st_mode & 0o7777
            self.assertEqual(mode, 0o755)
            self.assertTrue(os.path.exists(os.path.join(run_dir, "wardftpd.pid")))
            self.assertTrue(os.path.exists(os.path.join(run_dir, "wardftpd.sock")))

    def hook(self, mode):
        os.chmod(self.dir, 0o755)
        program = os.path.join(self.dir, "hook.sh")
        with open(program, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(program, mode)
        return program

    @unittest.skipUnless(os.geteuid() == 0, "hooks run as another identity only when started as root")
    def test_connect_hook_the_server_user_cannot_execute(self):
        program = self.hook(0o700)
        self.assert_same_refusal("User nobody\nExecEngine on\nExecOnConnect %s\n" % program,
                                 "%(path)s:7:1: ExecOnConnect: %(dir)s/hook.sh: not executable by uid ")
        os.chmod(program, 0o755)
        self.assertEqual(run("-t", "-c", os.path.join(self.dir, "wardftpd.conf")).returncode, 0)

    @unittest.skipUnless(os.geteuid() == 0, "hooks run as another identity only when started as root")
    def test_command_hook_only_root_can_execute(self):
        program = self.hook(0o744)
        self.assert_same_refusal("ExecEngine on\nExecOnCommand STOR %s\n" % program,
                                 "%(path)s:6:1: ExecOnCommand: %(dir)s/hook.sh: only root may execute it, and command "
                                 "hooks run as the logged-in user; make it executable by the users")

    def test_transfer_log_through_a_symlink(self):
        os.symlink("/etc/passwd", os.path.join(self.dir, "xfer.log"))
        self.assert_same_refusal("TransferLog %s/xfer.log\n" % self.dir,
                                 "%(path)s:5:1: TransferLog: unable to use %(dir)s/xfer.log: it is a symbolic link")

    def test_two_servers_on_one_address(self):
        self.assert_same_refusal("<VirtualHost 10.0.0.1>\n</VirtualHost>\n<VirtualHost 10.0.0.1>\n</VirtualHost>\n",
                                 "10.0.0.1 port 21 is already served by the server at %(path)s:5:1")

    def test_a_refused_directive(self):
        self.assert_same_refusal("SQLRatios on\n",
                                 "%(path)s:5:1: SQLRatios is refused by wardftpd: ratios (mod_ratio) are not implemented")

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
                self.assertIn("\nSyntax OK\nVerified: ", check.stdout)
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


class RelativeConfigPath(unittest.TestCase):
    """Issue 18: `wardftpd -c bg.conf` from the file's directory detaches (cwd /) and still reads it on SIGHUP."""

    def test_reload_after_daemonizing_finds_a_relative_config(self):
        with tempfile.TemporaryDirectory(prefix="wardtest-relative-") as tmp:
            os.chmod(tmp, 0o755)
            port = wardtest.free_port()
            log = os.path.join(tmp, "system.log")
            pid_file = os.path.join(tmp, "wardftpd.pid")
            text = ("ServerName relative\nServerType standalone\nDefaultAddress 127.0.0.1\nSocketBindTight on\n"
                    "UseIPv6 off\nPort %d\nSystemLog %s\nPidFile %s\nServerIdent on \"%s\"\n")
            with open(os.path.join(tmp, "bg.conf"), "w", encoding="utf-8") as f:
                f.write(text % (port, log, pid_file, "before reload"))
            env = dict(os.environ)
            env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
            started = subprocess.run([wardtest.WARDFTPD, "-c", "bg.conf"], cwd=tmp, capture_output=True, text=True,
                                     timeout=30, env=env)
            self.assertEqual(started.returncode, 0, started.stderr)
            with open(pid_file, encoding="utf-8") as f:
                pid = int(f.read())
            try:
                self.assertEqual(os.readlink("/proc/%d/cwd" % pid), "/")
                with open(os.path.join(tmp, "bg.conf"), "w", encoding="utf-8") as f:
                    f.write(text % (port, log, pid_file, "after reload"))
                os.kill(pid, signal.SIGHUP)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    with open(log, encoding="utf-8") as f:
                        logged = f.read()
                    if "configuration reloaded" in logged or "reload failed" in logged:
                        break
                    time.sleep(0.05)
                self.assertIn("configuration reloaded from %s/bg.conf" % tmp, logged)
                self.assertNotIn("reload failed", logged)
                ftp = ftplib.FTP()
                ftp.connect(wardtest.LOOPBACK, port, timeout=10)
                self.assertIn("after reload", ftp.getwelcome())
                ftp.close()
            finally:
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
                    time.sleep(0.05)

    def test_an_unreadable_config_names_no_0_0_location(self):
        result = run("-t", "-c", "no-such-dir/bg.conf")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn(":0:0", result.stderr)
        self.assertIn("no-such-dir/bg.conf: open", result.stderr)

if __name__ == "__main__":
    unittest.main()
