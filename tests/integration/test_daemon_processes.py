"""The running daemon's processes, read from /proc (issue 5): master -> session monitor -> worker.

While a user is logged in, the post-auth worker runs as that user's uid, chrooted to its home, with no
capabilities, no_new_privs and a seccomp filter; before login the worker runs as the configured User (nobody)
in the empty chroot; the session monitor holds exactly the mod_cap set SECURITY.md states. kill -9 of a worker
or of a monitor ends only that session: the master and the other sessions carry on.

Run as root (as CI does), the two users get real, distinct uids (2001, 2002) that own their files, so "the
worker's uid is the user's" cannot be satisfied by the test's own uid.
"""
import contextlib
import ftplib
import hashlib
import os
import pwd
import re
import shutil
import signal
import stat
import struct
import subprocess
import tempfile
import unittest

import wardtest

ROOT = os.geteuid() == 0
ALICE_UID, BOB_UID = (2001, 2002) if ROOT else (os.getuid(), os.getuid())
ALICE_GID, BOB_GID = (2001, 2002) if ROOT else (os.getgid(), os.getgid())
BIG = 24 * 1024 * 1024


def security_md_capability_sets():
    """SECURITY.md's generated 'capabilities:mod_cap' table: {configuration: monitor CapEff as int}."""
    with open(os.path.join(wardtest.SOURCE_DIR, "SECURITY.md"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("<!-- capabilities:mod_cap -->", 1)[1].split("<!-- /capabilities -->", 1)[0]
    sets = {}
    for row in re.finditer(r"^\| `([^`]*)` \|[^|]*\| `([0-9a-f]{16})` \|$", block, re.M):
        sets[row.group(1)] = int(row.group(2), 16)
    return sets


def security_md_role_capabilities():
    """SECURITY.md's generated 'capabilities:roles' table: {role: CapEff as int}."""
    with open(os.path.join(wardtest.SOURCE_DIR, "SECURITY.md"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("<!-- capabilities:roles -->", 1)[1].split("<!-- /capabilities -->", 1)[0]
    return {row.group(1): int(row.group(2), 16)
            for row in re.finditer(r"^\| ([^|]+?) \| `([0-9a-f]{16})` \|", block, re.M)}


class DaemonProcesses(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="daemon-proc-")
        os.chmod(self.tmp.name, 0o755)
        self.homes = {}
        for name, uid, gid in (("alice", ALICE_UID, ALICE_GID), ("bob", BOB_UID, BOB_GID)):
            home = os.path.join(self.tmp.name, name)
            os.makedirs(home)
            with open(os.path.join(home, name + ".txt"), "w") as f:
                f.write("%s's file\n" % name)
            os.chown(home, uid, gid)
            os.chown(os.path.join(home, name + ".txt"), uid, gid)
            os.chmod(home, 0o700)
            self.homes[name] = home
        self.users = {
            "alice": wardtest.Account("alice-pw", ALICE_UID, ALICE_GID, self.homes["alice"]),
            "bob": wardtest.Account("bob-pw", BOB_UID, BOB_GID, self.homes["bob"]),
        }

    def tearDown(self):
        self.tmp.cleanup()

    def server(self, **settings):
        return wardtest.ftp_server(self.homes["alice"], users=self.users, **settings)

    def login(self, server, name):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        self.assertEqual(ftp.login(name, name + "-pw"), "230 User %s logged in" % name)
        self.assertTrue(ftp.voidcmd("NOOP").startswith("200"))
        return ftp

    def processes(self, server, ftp, uid=None):
        return wardtest.session_processes(server.proc.pid, server.port, ftp.sock, worker_uid=uid)

    def assertConfined(self, status):
        self.assertEqual(int(status["CapEff"], 16), 0)
        self.assertEqual(int(status["CapPrm"], 16), 0)
        self.assertEqual(int(status["CapInh"], 16), 0)
        self.assertEqual(int(status["CapAmb"], 16), 0)
        self.assertEqual(status["NoNewPrivs"], "1")
        self.assertEqual(status["Seccomp"], "2")
        if ROOT:
            self.assertEqual(int(status["CapBnd"], 16), 0)

    def test_postauth_worker_runs_as_the_user_chrooted_without_privileges(self):
        with self.server() as server:
            alice = self.login(server, "alice")
            bob = self.login(server, "bob")
            for ftp, name, uid, gid in ((alice, "alice", ALICE_UID, ALICE_GID), (bob, "bob", BOB_UID, BOB_GID)):
                monitor, worker = self.processes(server, ftp, uid)
                status = wardtest.proc_status(worker)
                self.assertEqual(status["Uid"], [uid] * 4, name)
                self.assertEqual(status["Gid"], [gid] * 4, name)
                self.assertConfined(status)
                if ROOT:
                    self.assertEqual(status["Groups"], str(gid), name)
                    # chroot: the worker's "/" is the user's home (DefaultRoot ~)
                    self.assertEqual(os.readlink("/proc/%d/root" % worker), self.homes[name])
                self.assertEqual(ftp.nlst(), [name + ".txt"])
            self.assertNotEqual(self.processes(server, alice)[1], self.processes(server, bob)[1])
            alice.quit()
            bob.quit()

    def test_preauth_worker_is_unprivileged_and_confined(self):
        with self.server() as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            monitor, worker = self.processes(server, ftp)
            status = wardtest.proc_status(worker)
            expected = pwd.getpwnam("nobody").pw_uid if ROOT else os.getuid()
            self.assertEqual(status["Uid"], [expected] * 4)
            self.assertNotEqual(status["Uid"][0], 0)
            self.assertConfined(status)
            if ROOT:
                self.assertEqual(os.readlink("/proc/%d/root" % worker), "/run/wardftpd/empty")
            # USER alone does not change the worker
            self.assertTrue(ftp.sendcmd("USER alice").startswith("331"))
            self.assertEqual(self.processes(server, ftp), (monitor, worker))
            ftp.close()

    def test_session_processes_start_from_default_signal_dispositions(self):
        # Started the way nohup starts it: SIGHUP and SIGUSR1 ignored. The master resets what it inherited once,
        # and no session process keeps the master's handlers (SigCgt) or an ignored signal but SIGPIPE (SigIgn:
        # a peer that goes away must not kill the monitor or the worker).
        with contextlib.ExitStack() as stack:
            previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGHUP, signal.SIGUSR1)}
            try:
                server = stack.enter_context(self.server())
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            master = wardtest.proc_status(server.proc.pid)
            self.assertEqual(int(master["SigIgn"], 16), 0)
            ftp = self.login(server, "alice")
            monitor, worker = self.processes(server, ftp, ALICE_UID)
            pipe = 1 << (signal.SIGPIPE - 1)
            for pid in (monitor, worker):
                status = wardtest.proc_status(pid)
                self.assertEqual(int(status["SigCgt"], 16), 0, status["Name"])
                self.assertEqual(int(status["SigIgn"], 16), pipe, status["Name"])
                self.assertEqual(int(status["SigBlk"], 16) & ~((1 << signal.SIGTERM - 1) | (1 << signal.SIGINT - 1)),
                                 0, status["Name"])
            ftp.quit()

    def test_session_monitor_holds_the_mod_cap_set(self):
        if not ROOT:
            self.skipTest("capabilities are only held when the daemon runs as root")
        sets = security_md_capability_sets()
        for configuration in ("(none)", "CapabilitiesSet +CAP_DAC_OVERRIDE +CAP_FSETID"):
            directives = [] if configuration == "(none)" else [configuration]
            with self.server(directives=directives) as server:
                ftp = self.login(server, "alice")
                monitor, _ = self.processes(server, ftp, ALICE_UID)
                status = wardtest.proc_status(monitor)
                self.assertEqual(status["Uid"], [0] * 4)
                self.assertEqual(int(status["CapEff"], 16), sets[configuration], configuration)
                self.assertEqual(int(status["CapPrm"], 16), sets[configuration], configuration)
                self.assertEqual(int(status["CapBnd"], 16), sets[configuration], configuration)
                self.assertEqual(status["NoNewPrivs"], "1")
                self.assertEqual(status["Seccomp"], "2")
                ftp.quit()

    def assert_role(self, status, role):
        """Seccomp filter, no_new_privs and the role's documented capability sets (root runs only)."""
        self.assertEqual(status["Seccomp"], "2", role)
        self.assertEqual(status["NoNewPrivs"], "1", role)
        if ROOT:
            documented = security_md_role_capabilities()[role]
            for field in ("CapEff", "CapPrm", "CapBnd"):
                self.assertEqual(int(status[field], 16), documented, "%s %s" % (role, field))
            self.assertEqual(int(status["CapInh"], 16), 0, role)
            self.assertEqual(int(status["CapAmb"], 16), 0, role)

    def test_master_confines_itself_and_its_hook_helper_and_still_reloads(self):
        # The running master: seccomp, no_new_privs and SECURITY.md's master set, read from /proc. Its mod_exec
        # helper (ExecOnRestart, fired by SIGHUP) reports its parent's status, which is the helper's own. The
        # reload itself, new sessions and hooks still work under that confinement.
        from test_exec_directives import ExecSetup
        setup = ExecSetup()
        self.addCleanup(setup.cleanup)
        port = wardtest.free_port()
        daemon = wardtest.Daemon(setup.config(port, ["ExecEngine on",
                                                     "ExecOnRestart %s" % setup.hook("restart")]), port=port)
        daemon.start()
        self.addCleanup(daemon.stop)
        self.assert_role(wardtest.proc_status(daemon.proc.pid), "master")
        os.kill(daemon.proc.pid, signal.SIGHUP)
        event = setup.wait_for(lambda e: e["point"] == "restart")
        helper = event["parent_proc"]
        self.assertEqual(helper["Seccomp"], "2")
        self.assertEqual(helper["NoNewPrivs"], "1")
        if ROOT:
            self.assertEqual(helper["Uid"].split(), ["0"] * 4)
            documented = security_md_role_capabilities()["exec_helper (master's hooks)"]
            for field in ("CapEff", "CapPrm", "CapBnd"):
                self.assertEqual(int(helper[field], 16), documented, field)
        wardtest.wait_for(lambda: "configuration reloaded from" in daemon.log(), 10, "the reload")
        self.assertIsNone(daemon.proc.poll())
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, port, timeout=10)
        self.assertTrue(ftp.login("alice", "pw").startswith("230"))
        self.assertEqual(ftp.nlst(), ["hello.txt", "private"])
        ftp.quit()
        self.assert_role(wardtest.proc_status(daemon.proc.pid), "master")

    def test_a_reload_needing_a_capability_the_master_gave_up_is_refused(self):
        if not ROOT:
            self.skipTest("capabilities are only held when the daemon runs as root")
        from test_exec_directives import ExecSetup
        setup = ExecSetup()
        self.addCleanup(setup.cleanup)
        port = wardtest.free_port()
        daemon = wardtest.Daemon(setup.config(port, []), port=port)
        daemon.start()
        self.addCleanup(daemon.stop)
        with open(daemon.command()[-1], "a", encoding="utf-8") as f:
            f.write("CapabilitiesSet +CAP_FOWNER\n")
        os.kill(daemon.proc.pid, signal.SIGHUP)
        wardtest.wait_for(lambda: "CAP_FOWNER, which the running master gave up after start-up" in daemon.log(), 10,
                          "the refused reload")
        self.assertIsNone(daemon.proc.poll())
        self.assert_role(wardtest.proc_status(daemon.proc.pid), "master")

    # ---- without DefaultRoot: a Landlock fence (issue 13 item 6) ----

    def test_postauth_worker_without_default_root_cannot_reach_proc_sys_or_the_daemons_files(self):
        from test_exec_directives import ExecSetup
        setup = ExecSetup()
        self.addCleanup(setup.cleanup)
        system_log = os.path.join(setup.base, "system.log")
        port = wardtest.free_port()
        config = "".join(line + "\n" for line in setup.config(port, ["SystemLog " + system_log]).splitlines()
                         if not line.startswith("DefaultRoot"))
        daemon = wardtest.Daemon(config, port=port)
        daemon.start()
        self.addCleanup(daemon.stop)
        wardtest.wait_for(lambda: os.path.exists(system_log), 10, "the SystemLog")
        os.chmod(system_log, 0o644)  # readable by the user's uid: only the fence keeps it out
        config_file = daemon.command()[-1]
        os.chmod(config_file, 0o644)
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, port, timeout=10)
        self.assertTrue(ftp.login("alice", "pw").startswith("230"))
        self.assertEqual(ftp.pwd(), setup.home)  # no chroot: the real path

        def fetch(path):
            got = []
            ftp.retrbinary("RETR " + path, got.append)
            return b"".join(got)

        self.assertEqual(fetch(os.path.join(setup.home, "hello.txt")), b"hello\n")  # the user's files
        self.assertTrue(fetch("/etc/passwd").startswith(b"root:"))  # what the uid may read elsewhere
        for path in ("/proc/self/status", "/proc/1/environ", "/sys/kernel/security/lsm", system_log, config_file,
                     setup.passwd):
            with self.subTest(path), self.assertRaises(ftplib.error_perm):
                fetch(path)
        with self.assertRaises((ftplib.error_perm, ftplib.error_temp)):  # 450 /proc: Permission denied
            ftp.nlst("/proc")
        ftp.quit()

    # ---- the password does not stay in the monitor's memory (issue 13 item 9) ----

    def test_the_password_does_not_stay_in_the_session_monitors_memory(self):
        if not ROOT:
            self.skipTest("reading another process's memory needs root here")
        if wardtest.SANITIZER_BUILD:
            # ASan's shadow and allocator mappings span terabytes; the release build reads the whole monitor.
            self.skipTest("a sanitizer build's mappings are too large to read whole")
        secret = "Wr0ng-p4ssw0rd-%d-never-kept" % os.getpid()
        with self.server() as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            monitor, _ = self.processes(server, ftp)
            ftp.sendcmd("USER alice")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("PASS " + secret)  # a failed login: the monitor's channel buffer held it
            self.assertFalse(wardtest.memory_holds(monitor, secret.encode()))
            self.assertEqual(ftp.login("alice", "alice-pw"), "230 User alice logged in")
            self.assertEqual(self.processes(server, ftp, ALICE_UID)[0], monitor)
            self.assertFalse(wardtest.memory_holds(monitor, b"alice-pw"))
            ftp.quit()

    # ---- Landlock missing (issue 13 item 8) ----

    def test_t_names_each_roles_confinement_and_missing_landlock_is_a_start_up_warning(self):
        roles = ("master: ", "mod_exec helper (ExecOnEvent, ExecOnRestart): ", "session monitor (", "pre-auth worker: ",
                 "post-auth worker: ", "hooks: ")
        checked = subprocess.run([wardtest.WARDFTPD, "-t"], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        for role in roles:
            self.assertIn("wardftpd: confinement: " + role, checked.stderr)
        with open("/sys/kernel/security/lsm") if os.path.exists("/sys/kernel/security/lsm") else open(os.devnull) as f:
            if "landlock" in f.read():
                self.assertIn("Landlock ABI ", checked.stderr)
                self.assertNotIn("warning: Landlock is not available", checked.stderr)
        # The same daemon on a kernel without Landlock (its calls answer ENOSYS), run by an ordinary user: -t and
        # the start-up log both say so at warning level, and the daemon still serves.
        tmp = tempfile.mkdtemp(prefix="no-landlock-")
        self.addCleanup(shutil.rmtree, tmp, True)
        os.chmod(tmp, 0o755)
        wrapper = os.path.join(tmp, "wardftpd")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec %s %s "$@"\n' % (os.path.join(wardtest.BIN_DIR, "without_landlock"),
                                                     wardtest.WARDFTPD))
        os.chmod(wrapper, 0o755)
        warning = ("Landlock is not available on this kernel and the daemon runs without root: workers get no "
                   "file-system fence (no chroot either)")
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] if ROOT else []
        # Its own configuration: the embedded default's demo account lives in the build tree, which a root run
        # leaves readable by root only (and -t as that user rightly refuses an AuthUserFile it cannot stat).
        conf = os.path.join(tmp, "wardftpd.conf")
        with open(conf, "w") as f:
            f.write('ServerName "no landlock"\nPort 2121\n' + ("User nobody\nGroup nogroup\n" if ROOT else ""))
        os.chmod(conf, 0o644)
        checked = subprocess.run(as_user + [wrapper, "-t", "-c", conf], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("wardftpd: warning: " + warning, checked.stderr)
        self.assertIn("pre-auth worker: the launching uid, no chroot, no Landlock;", checked.stderr)
        real = wardtest.WARDFTPD
        wardtest.WARDFTPD = wrapper
        try:
            settings = {"run_as": ("nobody", "nogroup")} if ROOT else {}
            with self.server(system_log=True, **settings) as server:
                server.wait_for_log("warning (master): " + warning)
                # Written after the warning: wait for it too (a loaded machine may not have logged it yet).
                server.wait_for_log("confinement: pre-auth worker: the launching uid, no chroot, no Landlock;")
                sock, f = wardtest.control_session(server.port)
                with sock:
                    self.assertEqual(wardtest.read_reply(f)[0], 220)
        finally:
            wardtest.WARDFTPD = real

    # ---- logging through the monitor (issue 13 item 2) ----

    def assert_holds_no_log(self, server, pid, role):
        """No descriptor of `pid` is a log: no writable regular file at all (so no SystemLog, TransferLog or
        foreground stderr log to write, ftruncate or clear O_APPEND on), no datagram socket (/dev/log), and
        its only sockets are its control connection and its monitor channel."""
        # Sanitizer builds keep a worker's stderr (the foreground log here) for the sanitizers' own reports.
        kept_stderr = wardtest.SANITIZER_BUILD
        logs = {os.path.realpath(p) for p in (server.system_log, server.transfer_log,
                                              None if kept_stderr else server._stderr_path) if p}
        sockets = []
        for fd in os.listdir("/proc/%d/fd" % pid):
            path = "/proc/%d/fd/%s" % (pid, fd)
            target = os.readlink(path)
            self.assertNotIn(target, logs, "%s fd %s" % (role, fd))
            if target.startswith("socket:"):
                sockets.append(target)
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                flags = int(f.readline().split()[1], 8)
            if stat.S_ISREG(os.stat(path).st_mode) and not (kept_stderr and fd == "2"):
                self.assertEqual(flags & os.O_ACCMODE, os.O_RDONLY, "%s fd %s -> %s is writable" % (role, fd, target))
        self.assertEqual(len(sockets), 2, "%s sockets: %r" % (role, sockets))
        inodes = {s[len("socket:["):-1] for s in sockets}
        with open("/proc/%d/net/unix" % pid) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[6] in inodes:
                    self.assertEqual(fields[4], "0005", "%s holds a non-SEQPACKET unix socket (syslog?)" % role)

    def test_workers_hold_no_log_descriptor_and_their_lines_arrive_through_the_monitor(self):
        with self.server(system_log=True, transfer_log=True) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            _, preauth = self.processes(server, ftp)
            self.assert_holds_no_log(server, preauth, "pre-auth worker")
            self.assertEqual(ftp.login("alice", "alice-pw"), "230 User alice logged in")
            _, postauth = self.processes(server, ftp, ALICE_UID)
            self.assert_holds_no_log(server, postauth, "post-auth worker")
            got = []
            ftp.retrbinary("RETR alice.txt", got.append)
            self.assertEqual(b"".join(got), b"alice's file\n")
            ftp.quit()
            # The post-auth worker's own line (its pid and role), written by its monitor; the xferlog line too.
            server.wait_for_log("wardftpd[%d] (127.0.0.1[127.0.0.1]): RETR " % postauth)
            wardtest.wait_for(lambda: any(line.endswith(" alice ftp 0 * c") and "/alice.txt " in line
                                          for line in server.transfer_log_lines()), 10, "the xferlog line")

    def test_a_forged_log_record_stays_one_escaped_line_and_a_forged_transfer_line_ends_the_session(self):
        if not ROOT:
            self.skipTest("taking a worker's descriptor needs CAP_SYS_PTRACE")
        from test_adversarial import Adversarial

        def record(kind, level, text):
            body = struct.pack("<BBI", kind, level, len(text)) + text
            return struct.pack("<BBHI", 1, 6, 0, len(body)) + body

        with self.server(system_log=True, transfer_log=True) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            _, worker = self.processes(server, ftp)
            forged = b"forged\n2026-01-01 00:00:00,000 wardftpd[1] master notice: root logged in\x1b[2J\r"
            with Adversarial.steal_channel(self, worker) as channel:
                channel.send(record(0, 2, forged))
                server.wait_for_log("forged")
                line = [l for l in server.system_log_text().splitlines() if "forged" in l]
                self.assertEqual(len(line), 1, line)
                self.assertTrue(line[0].endswith("wardftpd[%d] (127.0.0.1[127.0.0.1]): forged\\x0a2026-01-01 "
                                                 "00:00:00,000 wardftpd[1] master notice: root logged in\\x1b[2J"
                                                 "\\x0d" % worker), line[0])
                self.assertNotIn("root logged in", "".join(l for l in server.system_log_text().splitlines()
                                                           if l.startswith("2026-01-01")))
                self.assertTrue(ftp.sendcmd("NOOP").startswith("200"))  # a log record is not a violation
                channel.send(record(1, 3, b"Thu Jan  1 00:00:00 2026 1 10.0.0.1 1 /etc/shadow b _ o r root ftp 0 * c"))
            self.assertEqual(ftp.file.readline(), "421 Service not available, closing control connection\n")
            ftp.close()
            server.wait_for_log("worker sent a TransferLog line before login; ending the session")
            self.assertEqual(server.transfer_log_lines(), [])

    def start_download(self, ftp, name):
        """Starts RETR of `name`, reads its first MiB; returns (data socket, running digest, bytes read)."""
        ftp.voidcmd("TYPE I")
        conn = ftp.transfercmd("RETR " + name)
        digest = hashlib.sha256()
        got = 0
        while got < 1 << 20:
            chunk = conn.recv(65536)
            self.assertTrue(chunk)
            digest.update(chunk)
            got += len(chunk)
        return conn, digest, got

    def finish_download(self, ftp, conn, digest, got):
        while True:
            chunk = conn.recv(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            got += len(chunk)
        conn.close()
        self.assertEqual(ftp.voidresp(), "226 Transfer complete")
        return digest.hexdigest(), got

    def check_kill(self, which):
        path, sha = wardtest.test_data_file(BIG)
        big = os.path.join(self.homes["alice"], "big.bin")
        shutil.copyfile(path, big)
        os.chown(big, ALICE_UID, ALICE_GID)
        with self.server() as server:
            alice = self.login(server, "alice")
            bob = self.login(server, "bob")
            bob_monitor, bob_worker = self.processes(server, bob, BOB_UID)
            conn, digest, got = self.start_download(alice, "big.bin")
            victim = bob_worker if which == "worker" else bob_monitor
            os.kill(victim, signal.SIGKILL)
            # alice's transfer goes on to the last byte, on the same connection
            self.assertEqual(self.finish_download(alice, conn, digest, got), (sha, BIG))
            self.assertEqual(alice.nlst(), ["alice.txt", "big.bin"])
            # new connections are still served, by a new session
            carol = self.login(server, "bob")
            self.assertEqual(carol.nlst(), ["bob.txt"])
            carol.quit()
            alice.quit()
            self.assertTrue(server.alive())
            if which == "worker":
                # bob's monitor saw its worker die, said so in the log and closed bob's connection with a 421
                self.assertEqual(bob.file.readline(),
                                 "421 Service not available, closing control connection\n")  # ftplib reads text
                server.wait_for_log("worker %d killed by signal 9 (SIGKILL)" % bob_worker)
            else:
                server.wait_for_log("session process %d killed by signal 9" % bob_monitor)
                # the orphaned worker does not outlive its monitor
                wardtest.wait_for(lambda: wardtest.process_ended(bob_worker), 5, "bob's worker to end with its monitor")
                self.assertEqual(bob.file.readline(), "")  # nothing left holds bob's connection
            bob.close()

    def test_kill_9_of_a_worker_harms_no_other_session(self):
        self.check_kill("worker")

    def test_kill_9_of_a_monitor_harms_no_other_session(self):
        self.check_kill("monitor")


if __name__ == "__main__":
    unittest.main()
