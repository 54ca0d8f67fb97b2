"""mod_exec against the running daemon: one test per directive, with a real hook program
(hook_recorder.py) that records its argv, environment, uid, gid, CapEff, NoNewPrivs and Seccomp.

When the tests run as root the session user is a virtual user with uid/gid 2001 (hooks of commands must
run as that user) and the server's User is nobody (connect, exit, event hooks run as it)."""
import ftplib
import io
import json
import os
import shutil
import signal
import socket
import tempfile
import time
import unittest

import wardtest
from wardftpd_backend import quote

ROOT = os.geteuid() == 0
USER_UID = 2001 if ROOT else os.getuid()
USER_GID = 2001 if ROOT else os.getgid()
NOBODY = 65534
RECORDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook_recorder.py")


class ExecSetup:
    """A home for alice, a passwd file, the recorder where every hook identity can run it, and a record."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="wardexec-")
        os.chmod(self.base, 0o755)
        self.home = os.path.join(self.base, "home")
        os.mkdir(self.home)
        os.mkdir(os.path.join(self.home, "private"))
        with open(os.path.join(self.home, "hello.txt"), "w") as f:
            f.write("hello\n")
        for path in (self.home, os.path.join(self.home, "private"), os.path.join(self.home, "hello.txt")):
            os.chown(path, USER_UID, USER_GID)
        self.recorder = os.path.join(self.base, "hook_recorder.py")
        shutil.copy(RECORDER, self.recorder)
        os.chmod(self.recorder, 0o755)
        self.record = os.path.join(self.base, "record.jsonl")
        open(self.record, "w").close()
        os.chmod(self.record, 0o666)
        self.exec_log = os.path.join(self.base, "exec.log")
        self.passwd = os.path.join(self.base, "ftpd.passwd")
        import crypt
        with open(self.passwd, "w") as f:
            f.write("alice:%s:%d:%d::%s:/bin/sh\n" % (crypt.crypt("pw", crypt.mksalt(crypt.METHOD_SHA512)),
                                                     USER_UID, USER_GID, self.home))
        os.chmod(self.passwd, 0o600)

    def hook(self, point, *args):
        """The program and arguments of a recorder hook."""
        return "/usr/bin/python3 %s %s %s %s" % (self.recorder, self.record, point,
                                                 " ".join(quote(a) for a in args))

    def config(self, port, lines):
        head = [
            'ServerName "exec test"', "ServerType standalone", "DefaultAddress 127.0.0.1", "SocketBindTight on",
            "UseIPv6 off", "Port %d" % port, "AuthOrder mod_auth_file.c", "AuthUserFile %s" % self.passwd,
            "RequireValidShell off", "UseFtpUsers off", "DefaultRoot ~", "MaxInstances 50",
            "ExecLog %s" % self.exec_log, "ExecTimeout 20",
        ]
        if ROOT:
            head += ["User nobody", "Group nogroup"]
        named = {line.split()[0] for line in lines if line.strip()}
        head = [line for line in head if line.split()[0] not in named]  # a test's own value replaces ours
        return "\n".join(head + list(lines)) + "\n"

    def events(self):
        with open(self.record, encoding="utf-8") as f:
            events = [json.loads(line) for line in f if line.strip()]
        for event in events:
            # python3 itself adds LC_CTYPE when it starts in the C locale (PEP 538): not from the daemon.
            if event["env"].get("LC_CTYPE") == "C.UTF-8":
                del event["env"]["LC_CTYPE"]
        return events

    def wait_for(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events():
                if predicate(event):
                    return event
            time.sleep(0.02)
        raise AssertionError("no matching hook run; recorded: %r" % self.events())

    def exec_log_text(self):
        if not os.path.exists(self.exec_log):
            return ""
        with open(self.exec_log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def cleanup(self):
        shutil.rmtree(self.base, ignore_errors=True)


class ExecDirectives(unittest.TestCase):
    def setUp(self):
        self.setup = ExecSetup()
        self.addCleanup(self.setup.cleanup)

    def daemon(self, *lines, env=None):
        port = wardtest.free_port()
        daemon = wardtest.Daemon(self.setup.config(port, lines), port=port, env=env)
        daemon.start()
        self.addCleanup(daemon.stop)
        return daemon

    def login(self, daemon):
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, daemon.port, timeout=30)
        ftp.login("alice", "pw")
        self.addCleanup(ftp.close)
        return ftp

    def assert_confined(self, event, uid, gid):
        proc = event["proc"]
        self.assertEqual(proc["Uid"].split(), [str(uid)] * 4, proc)
        self.assertEqual(proc["Gid"].split(), [str(gid)] * 4, proc)
        self.assertEqual(int(proc["CapEff"], 16), 0, proc)
        self.assertEqual(int(proc["CapPrm"], 16), 0, proc)
        self.assertEqual(proc["NoNewPrivs"], "1")
        self.assertEqual(proc["Seccomp"], "2")

    # -- ExecEngine --
    def test_exec_engine_off_by_default_and_on(self):
        daemon = self.daemon("ExecOnCommand NOOP %s" % self.setup.hook("off"))
        ftp = self.login(daemon)
        ftp.voidcmd("NOOP")
        ftp.quit()
        time.sleep(0.3)
        self.assertEqual(self.setup.events(), [])
        daemon.stop()
        daemon = self.daemon("ExecEngine on", "ExecOnCommand NOOP %s" % self.setup.hook("on"))
        ftp = self.login(daemon)
        ftp.voidcmd("NOOP")
        self.setup.wait_for(lambda e: e["point"] == "on")

    # -- ExecOnCommand: identity, sandbox, byte-exact client values --
    def test_exec_on_command_runs_as_the_user_with_hostile_file_name_as_one_argument(self):
        daemon = self.daemon("ExecEngine on",
                             "ExecOnCommand STOR %s" % self.setup.hook("stored", "%f", "%F", "%u", "%{uid}", "%m"))
        ftp = self.login(daemon)
        name = "a b;$(touch x)%u.txt"
        ftp.storbinary("STOR " + name, io.BytesIO(b"data"))
        event = self.setup.wait_for(lambda e: e["point"] == "stored")
        self.assertEqual(event["argv"], [os.path.join(self.setup.home, name), "/" + name, "alice", str(USER_UID),
                                         "STOR"])
        self.assert_confined(event, USER_UID, USER_GID)
        self.assertEqual(event["env"], {})  # nothing but ExecEnviron reaches a hook
        for where in (self.setup.home, self.setup.base, "/"):
            self.assertFalse(os.path.exists(os.path.join(where, "x")), where)
        with open(os.path.join(self.setup.home, name), "rb") as f:
            self.assertEqual(f.read(), b"data")

    def test_exec_before_command_runs_before_the_command(self):
        daemon = self.daemon("ExecEngine on", "ExecBeforeCommand MKD %s" % self.setup.hook("before", "%F", "%s"))
        ftp = self.login(daemon)
        ftp.mkd("newdir")
        event = self.setup.wait_for(lambda e: e["point"] == "before")
        self.assertEqual(event["argv"], ["/newdir", "-"])  # no reply yet
        self.assertTrue(os.path.isdir(os.path.join(self.setup.home, "newdir")))

    def test_exec_on_error_for_a_failed_command(self):
        daemon = self.daemon("ExecEngine on", "ExecOnError DELE %s" % self.setup.hook("error", "%F", "%s"),
                             "ExecOnCommand DELE %s" % self.setup.hook("ok"))
        ftp = self.login(daemon)
        with self.assertRaises(ftplib.error_perm):
            ftp.delete("absent.txt")
        event = self.setup.wait_for(lambda e: e["point"] == "error")
        self.assertEqual(event["argv"], ["/absent.txt", "550"])
        self.assertEqual([e["point"] for e in self.setup.events()], ["error"])

    # -- ExecOnConnect, sendStdout --
    def test_exec_on_connect_runs_as_the_server_user_and_sends_stdout_before_the_banner(self):
        daemon = self.daemon("ExecEngine on", "ExecOptions sendStdout",
                             'ExecEnviron WARD_HOOK_OUTPUT "[\\"welcome from the hook\\"]"',
                             "ExecOnConnect %s" % self.setup.hook("connect", "%a", "[%u]"))
        ftp = ftplib.FTP()
        welcome = ftp.connect(wardtest.LOOPBACK, daemon.port, timeout=30).splitlines()
        self.addCleanup(ftp.close)
        self.assertEqual(welcome[0], "220-welcome from the hook")
        self.assertTrue(welcome[-1].startswith("220 "))
        event = self.setup.wait_for(lambda e: e["point"] == "connect")
        self.assertEqual(event["argv"], ["127.0.0.1", "[]"])
        self.assert_confined(event, NOBODY if ROOT else os.getuid(), 65534 if ROOT else os.getgid())

    # -- ExecOnExit --
    def test_exec_on_exit_sees_the_end_reason(self):
        daemon = self.daemon("ExecEngine on", "ExecOnExit %s" % self.setup.hook("exit", "%E", "%u"))
        ftp = self.login(daemon)
        ftp.quit()
        # The readiness probe's connection ends first: "client disconnected", nobody logged in.
        event = self.setup.wait_for(lambda e: e["point"] == "exit" and e["argv"][1] == "alice")
        self.assertEqual(event["argv"], ["QUIT", "alice"])
        probe = self.setup.wait_for(lambda e: e["point"] == "exit" and e["argv"][1] == "")
        self.assertEqual(probe["argv"], ["client disconnected", ""])

    # -- ExecEnviron --
    def test_exec_environ_sets_expands_and_copies_only_what_it_names(self):
        env = dict(os.environ, WARD_FROM_DAEMON="inherited", WARD_SECRET="must not leak")
        daemon = self.daemon("ExecEngine on", "ExecEnviron WHO %u", "ExecEnviron WARD_FROM_DAEMON -",
                             "ExecOnCommand NOOP %s" % self.setup.hook("env"), env=env)
        ftp = self.login(daemon)
        ftp.voidcmd("NOOP")
        event = self.setup.wait_for(lambda e: e["point"] == "env")
        self.assertEqual(event["env"], {"WHO": "alice", "WARD_FROM_DAEMON": "inherited"})

    # -- ExecEnable --
    def test_exec_enable_off_in_a_directory(self):
        daemon = self.daemon("ExecEngine on", "ExecOnCommand MKD %s" % self.setup.hook("mkd", "%F"),
                             "<Directory %s/private>" % self.setup.home, "  ExecEnable off", "</Directory>")
        ftp = self.login(daemon)
        ftp.mkd("/private/quiet")
        ftp.mkd("/loud")
        self.setup.wait_for(lambda e: e["point"] == "mkd")
        time.sleep(0.3)
        self.assertEqual([e["argv"] for e in self.setup.events()], [["/loud"]])

    # -- ExecLog, ExecOptions logStdout logStderr useStdin --
    def test_exec_log_and_options(self):
        daemon = self.daemon("ExecEngine on", "ExecOptions logStdout logStderr useStdin",
                             'ExecEnviron WARD_HOOK_OUTPUT "[\\"printed\\"]"',
                             "ExecOnCommand NOOP %s" % self.setup.hook("opts", "--user", "%u"))
        ftp = self.login(daemon)
        ftp.voidcmd("NOOP")
        event = self.setup.wait_for(lambda e: e["point"] == "opts")
        lines = [self.setup.recorder, self.setup.record, "opts", "--user", "alice", "."]
        self.assertEqual(event["stdin"], "\n".join(lines) + "\n")
        deadline = time.monotonic() + 10
        while "terminated normally" not in self.setup.exec_log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        log = self.setup.exec_log_text()
        self.assertIn("preparing to execute '/usr/bin/python3' with uid %d (euid %d), gid %d (egid %d)"
                      % (USER_UID, USER_UID, USER_GID, USER_GID), log)
        self.assertIn(" + '/usr/bin/python3': argv[5] = alice", log)
        self.assertIn("'/usr/bin/python3' terminated normally, with exit status 0", log)
        self.assertIn("stdout from '/usr/bin/python3': 'printed'", log)

    # -- ExecTimeout --
    def test_exec_timeout_kills_a_hook_that_ignores_sigterm_and_the_session_carries_on(self):
        daemon = self.daemon("ExecEngine on", "ExecTimeout 1", "ExecEnviron WARD_HOOK_ACTION ignore_term_and_sleep",
                             "ExecOnCommand NOOP %s" % self.setup.hook("stubborn"))
        ftp = self.login(daemon)
        start = time.monotonic()
        ftp.voidcmd("NOOP")
        self.assertLess(time.monotonic() - start, 10)
        self.assertTrue(ftp.pwd() == "/")
        log = self.setup.exec_log_text()
        self.assertIn("did not finish within ExecTimeout (1s): sent SIGTERM, then SIGKILL", log)
        self.assertIn("'/usr/bin/python3' died from signal 9", log)

    # -- the hook seccomp policy --
    def test_a_hook_calling_ptrace_or_mount_is_killed_by_seccomp(self):
        # ptrace is LeakSanitizer's, allowed in sanitizer builds (wardtest.SANITIZER_BUILD).
        for action in ("mount",) if wardtest.SANITIZER_BUILD else ("ptrace", "mount"):
            with self.subTest(action=action):
                daemon = self.daemon("ExecEngine on", "ExecEnviron WARD_HOOK_ACTION %s" % action,
                                     "ExecOnCommand NOOP %s" % self.setup.hook(action))
                ftp = self.login(daemon)
                ftp.voidcmd("NOOP")
                self.assertEqual(ftp.pwd(), "/")
                self.setup.wait_for(lambda e, a=action: e["point"] == a)
                deadline = time.monotonic() + 10
                while "SIGSYS" not in daemon.log() and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertIn("died from signal 31 (SIGSYS: killed by seccomp)", daemon.log())
                self.assertIn("died from signal 31 (SIGSYS: killed by seccomp)", self.setup.exec_log_text())
                ftp.close()
                daemon.stop()

    # -- DefaultRoot: hooks run in the real root --
    def test_hook_through_usr_bin_env_works_with_default_root(self):
        daemon = self.daemon("ExecEngine on", "ExecEnviron PATH /usr/bin:/bin",
                             "ExecOnCommand STOR /usr/bin/env python3 %s %s envhook %%f"
                             % (self.setup.recorder, self.setup.record))
        ftp = self.login(daemon)
        ftp.storbinary("STOR up.bin", io.BytesIO(b"x" * 100))
        event = self.setup.wait_for(lambda e: e["point"] == "envhook")
        self.assertEqual(event["argv"], [os.path.join(self.setup.home, "up.bin")])
        self.assertTrue(os.path.exists(event["argv"][0]))

    # -- ExecOnEvent --
    def test_exec_on_event_max_instances(self):
        daemon = self.daemon("ExecEngine on", "MaxInstances 1",
                             "ExecOnEvent MaxInstances %s" % self.setup.hook("event", "%a"),
                             "ExecOnEvent MaxInstances* %s" % self.setup.hook("event_root"))
        # The readiness probe's session may still count as the one instance: wait until a session starts.
        deadline = time.monotonic() + 10
        while True:
            first = socket.create_connection((wardtest.LOOPBACK, daemon.port), timeout=10)
            self.addCleanup(first.close)
            if first.recv(1024).startswith(b"220") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.setup.wait_for(lambda e: e["point"] == "event")  # the probe's overlap may already have fired it
        open(self.setup.record, "w").close()
        second = socket.create_connection((wardtest.LOOPBACK, daemon.port), timeout=10)
        self.addCleanup(second.close)
        self.assertTrue(second.recv(1024).startswith(b"421"))
        event = self.setup.wait_for(lambda e: e["point"] == "event")
        self.assertEqual(event["argv"], ["127.0.0.1"])
        self.assert_confined(event, NOBODY if ROOT else os.getuid(), 65534 if ROOT else os.getgid())
        as_root = self.setup.wait_for(lambda e: e["point"] == "event_root")
        if ROOT:
            self.assertEqual(as_root["proc"]["Uid"].split(), ["0"] * 4)
            self.assertEqual(int(as_root["proc"]["CapEff"], 16), 0)
        self.assertIn("MaxInstances (1) reached", daemon.log())

    # -- wardftpd -t checks every hook program --
    def test_config_test_refuses_a_missing_hook_program(self):
        import subprocess
        conf = os.path.join(self.setup.base, "missing.conf")
        with open(conf, "w") as f:
            f.write(self.setup.config(wardtest.free_port(), ["ExecEngine on", "<Directory /srv>",
                                                              "  ExecOnCommand STOR /nonexistent/hook %f",
                                                              "</Directory>"]))
        run = subprocess.run([wardtest.WARDFTPD, "-t", "-c", conf], capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 1)
        self.assertRegex(run.stderr, r"missing\.conf:\d+:3: ExecOnCommand: /nonexistent/hook: No such file or directory")

    # -- ExecOnRestart --
    def test_exec_on_restart_fires_on_sighup(self):
        daemon = self.daemon("ExecEngine on", "ExecOnRestart %s" % self.setup.hook("restart", "%v"))
        daemon.proc.send_signal(signal.SIGHUP)
        event = self.setup.wait_for(lambda e: e["point"] == "restart")
        self.assertEqual(event["argv"], ["exec test"])
        ftp = self.login(daemon)  # still serving after the reload
        self.assertEqual(ftp.pwd(), "/")


if __name__ == "__main__":
    unittest.main()
