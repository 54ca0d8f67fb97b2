"""Attacks on the running daemon (issues 8, 12, 13): slowloris, connection floods past MaxInstances /
MaxClientsPerHost / MaxConnectionsPerHost / MaxConnectionRate, logins past MaxClients / MaxClientsPerUser /
MaxHostsPerUser (counted by the master), passive-port exhaustion, kill -9 of monitors and workers during
HiddenStores uploads, SIGHUP reloads (broken and good), one user reaching for another's files, binary
garbage, what the logs may and must say, the daemon run as an ordinary user, and a compromised worker
forging requests to its monitor (past MaxLoginAttempts and TimeoutLogin, pre-auth hooks, the port-20 socket).

Every test asserts what an observer sees (reply codes and texts, files, /proc fields, log lines).
FTP bounce, data-connection theft, overlong and NUL lines are in test_ftp_security.py; the process
confinement read from /proc and kill -9 during downloads in test_daemon_processes.py; scripted hostile
workers (every out-of-phase, malformed, oversized, replayed request) in tests/daemon/monitor_test.cpp
(MonitorViolations.*); forbidden system calls in tests/sandbox/ (PrivilegeDrop.*, WorkerPolicies.*).
"""
import contextlib
import ctypes
import errno
import ftplib
import io
import os
import random
import re
import signal
import socket
import struct
import tempfile
import time
import unittest

import wardftpd_backend
import wardtest

ROOT = os.geteuid() == 0
ALICE_UID, BOB_UID = (2001, 2002) if ROOT else (os.getuid(), os.getuid())
ALICE_GID, BOB_GID = (2001, 2002) if ROOT else (os.getgid(), os.getgid())
REFUSED_BUSY = "421 Too many connections; try again later"


def recv_all(sock, timeout=10):
    """Everything the peer sends until it closes."""
    sock.settimeout(timeout)
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def connect(server, source=wardtest.LOOPBACK):
    sock = socket.socket()
    sock.settimeout(10)
    sock.bind((source, 0))
    sock.connect((server.host, server.port))
    return sock


class Adversarial(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="adversarial-")
        os.chmod(self.tmp.name, 0o755)
        self.homes = {}
        for name, uid, gid in (("alice", ALICE_UID, ALICE_GID), ("bob", BOB_UID, BOB_GID)):
            home = os.path.join(self.tmp.name, name)
            os.makedirs(home)
            with open(os.path.join(home, name + ".txt"), "w") as f:
                f.write("%s's private file\n" % name)
            os.makedirs(os.path.join(home, "sub"))
            for path in (home, os.path.join(home, name + ".txt"), os.path.join(home, "sub")):
                os.chown(path, uid, gid)
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

    def login(self, server, name="alice", source=None):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10, source_address=(source, 0) if source else None)
        self.assertEqual(ftp.login(name, name + "-pw"), "230 User %s logged in" % name)
        return ftp

    def assertServes(self, server, name="alice"):
        ftp = self.login(server, name)
        self.assertIn(name + ".txt", ftp.nlst())
        ftp.quit()
        self.assertTrue(server.alive())

    # ---- slowloris and floods ----

    def test_slowloris_half_open_connections_do_not_starve_a_client(self):
        login_timeout = 8
        with self.server(timeout_login=login_timeout) as server:
            hanging = []
            for i in range(40):
                sock = connect(server)
                sock.sendall(b"USER ali" if i % 2 else b"U")  # a partial line, never finished
                hanging.append(sock)
            started = time.monotonic()
            ftp = self.login(server)
            self.assertEqual(ftp.nlst(), ["alice.txt", "sub"])
            ftp.quit()
            self.assertLess(time.monotonic() - started, login_timeout,
                            "a normal client waited behind the half-open ones")
            # TimeoutLogin ends every half-open connection with its reply
            for sock in hanging[:5]:
                data = recv_all(sock, 15).decode()
                self.assertRegex(data, r"^220 .*\r\n421 Login timeout \(8 seconds\): closing control connection\r\n$")
            for sock in hanging:
                sock.close()
            server.wait_for_log("TimeoutLogin for")
            self.assertServes(server)

    def test_flood_past_max_instances(self):
        with self.server(directives=["MaxInstances 3"]) as server:
            self.wait_until_idle(server)
            admitted = [connect(server) for _ in range(3)]
            for sock in admitted:
                banner = sock.recv(1024)
                self.assertTrue(banner.startswith(b"220 "), banner)
            for _ in range(5):
                self.assertEqual(recv_all(connect(server)).decode(), REFUSED_BUSY + "\r\n")
            server.wait_for_log("MaxInstances (3) reached, new connection denied")
            admitted.pop().close()
            # once the master has reaped that session, a new client is served again
            ftp = wardtest.wait_for(lambda: self.try_login(server), 10, "a free instance")
            ftp.quit()
            for sock in admitted:
                sock.close()

    def wait_until_idle(self, server):
        """Waits for wardtest.wait_for_port's probe session to end and be reaped by the master (which is when
        it stops counting against the limits). The probe may still wait in the listen backlog when
        wait_for_port returns, so first its end must be in the log."""
        server.wait_for_log("session ended: client disconnected")
        wardtest.wait_for(lambda: not wardtest.children(server.proc.pid, zombies=True), 10,
                          "the probe session to be reaped")

    def test_flood_past_max_clients_per_host(self):
        with self.server(directives=["MaxClientsPerHost 2"]) as server:
            self.wait_until_idle(server)
            admitted = [connect(server) for _ in range(2)]
            for sock in admitted:
                banner = sock.recv(1024)
                self.assertTrue(banner.startswith(b"220 "), banner)
            refused = recv_all(connect(server)).decode()
            self.assertEqual(refused, "530 Sorry, the maximum number of clients (2) from your host are already "
                                      "connected.\r\n")
            server.wait_for_log("MaxClientsPerHost (2) reached, new connection denied")
            # another host is not affected
            ftp = self.login(server, source="127.0.0.2")
            self.assertEqual(ftp.nlst(), ["alice.txt", "sub"])
            ftp.quit()
            for sock in admitted:
                sock.close()

    def test_flood_past_max_connection_rate(self):
        with self.server(directives=["MaxConnectionRate 3 60"]) as server:
            self.wait_until_idle(server)  # wait_for_port's probe connection was the first of the three
            socks = [connect(server) for _ in range(4)]
            replies = [sock.recv(1024).decode() for sock in socks]
            self.assertTrue(all(r.startswith("220 ") for r in replies[:2]), replies)
            self.assertEqual(replies[2:], [REFUSED_BUSY + "\r\n"] * 2)
            self.assertEqual([recv_all(sock) for sock in socks[2:]], [b"", b""])  # and closed
            for sock in socks:
                sock.close()
            server.wait_for_log("MaxConnectionRate (3/60 secs) reached, new connection denied")
            self.assertTrue(server.alive())

    def test_flood_past_max_connections_per_host(self):
        with self.server(directives=["MaxConnectionsPerHost 2"]) as server:
            self.wait_until_idle(server)
            admitted = [connect(server) for _ in range(2)]
            for sock in admitted:
                self.assertTrue(sock.recv(1024).startswith(b"220 "))
            self.assertEqual(recv_all(connect(server)).decode(), "530 Sorry, the maximum number of connections (2) "
                                                                 "for your host are already connected.\r\n")
            server.wait_for_log("MaxConnectionsPerHost (2) reached, new connection denied")
            ftp = self.login(server, source="127.0.0.2")
            ftp.quit()
            for sock in admitted:
                sock.close()

    # ---- login limits: counted by the master, asked by the monitor after the password (issue 12 item 4) ----

    def refused_login(self, server, name, source=None):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10, source_address=(source, 0) if source else None)
        with self.assertRaises(ftplib.error_perm) as refused:
            ftp.login(name, name + "-pw")
        self.assertEqual(ftp.file.readline(), "")  # and the connection closed
        ftp.close()
        return str(refused.exception)

    def test_max_clients_per_user(self):
        with self.server(directives=["MaxClientsPerUser 1"]) as server:
            first = self.login(server)
            self.assertEqual(self.refused_login(server, "alice"),
                             "530 Sorry, the maximum number of clients (1) for this user are already connected.")
            server.wait_for_log("Connection refused (MaxClientsPerUser) for alice")
            other = self.login(server, "bob")  # another user is not affected
            other.quit()
            first.quit()
            # once the master has reaped the first session, alice logs in again
            ftp = wardtest.wait_for(lambda: self.try_login(server), 10, "alice's session to be reaped")
            ftp.quit()

    def try_login(self, server):
        try:
            return self.login(server)
        except (ftplib.error_temp, ftplib.error_perm, EOFError, ConnectionResetError):
            return None

    def test_max_clients_per_user_with_its_own_message(self):
        with self.server(directives=['MaxClientsPerUser 1 "Only %m session per account"']) as server:
            first = self.login(server)
            self.assertEqual(self.refused_login(server, "alice"), "530 Only 1 session per account")
            first.quit()

    def test_max_clients(self):
        with self.server(directives=["MaxClients 1"]) as server:
            first = self.login(server)
            self.assertEqual(self.refused_login(server, "bob"),
                             "530 Sorry, the maximum number of allowed clients (1) are already connected.")
            server.wait_for_log("Connection refused (MaxClients) for bob")
            first.quit()

    def test_max_hosts_per_user(self):
        with self.server(directives=["MaxHostsPerUser 1"]) as server:
            first = self.login(server)
            self.assertEqual(self.refused_login(server, "alice", source="127.0.0.2"),
                             "530 Sorry, the maximum number of hosts (1) for this user are already connected.")
            second = self.login(server)  # the same host again is fine
            second.quit()
            first.quit()

    # ---- passive ports ----

    def test_passive_port_exhaustion(self):
        first = wardtest.free_port()
        with self.server(passive_ports=(first, first + 1)) as server:
            # one session, many PASV: each replaces the last listener, so the range is never used up
            ftp = self.login(server)
            for _ in range(30):
                host, port = ftp.makepasv()
                self.assertIn(port, (first, first + 1))
            holders = [ftp]
            # two sessions hold both ports; a third session's PASV falls back to a kernel-chosen port, as
            # ProFTPD's does, and says so in the log; its transfer works
            second = self.login(server)
            self.assertIn(second.makepasv()[1], (first, first + 1))
            holders.append(second)
            third = self.login(server)
            host, port = third.makepasv()
            self.assertNotIn(port, (first, first + 1))
            server.wait_for_log("PassivePorts %d-%d exhausted" % (first, first + 1))
            self.assertEqual(third.nlst(), ["alice.txt", "sub"])
            third.quit()
            for ftp in holders:
                ftp.quit()
            self.assertServes(server)

    # ---- kill -9 during HiddenStores uploads ----

    def session_pids(self, server, ftp):
        ftp.voidcmd("NOOP")  # answered by the post-auth worker
        return wardtest.session_processes(server.proc.pid, server.port, ftp.sock, worker_uid=ALICE_UID)

    def test_kill_9_during_hidden_stores_uploads_leaves_no_partial_file(self):
        seed = int(os.environ.get("WARD_TEST_SEED", time.time()))
        rng = random.Random(seed)
        payload = rng.randbytes(3 * 1024 * 1024)
        old = os.path.join(self.homes["alice"], "existing.bin")
        with open(old, "wb") as f:
            f.write(b"old content\n")
        os.chown(old, ALICE_UID, ALICE_GID)
        with self.server(hidden_stores=True, allow_overwrite=True) as server:
            for round_ in range(6):
                which = ("worker", "monitor")[round_ % 2]
                target = "existing.bin" if round_ % 3 == 2 else "new%d.bin" % round_
                cut = rng.choice([0, len(payload), rng.randrange(len(payload))])
                msg = "seed %d round %d: kill -9 of the %s after %d bytes to %s" % (seed, round_, which, cut, target)
                ftp = self.login(server)
                monitor, worker = self.session_pids(server, ftp)
                ftp.voidcmd("TYPE I")
                conn = ftp.transfercmd("STOR " + target)
                conn.sendall(payload[:cut])
                time.sleep(rng.random() * 0.2)
                os.kill(worker if which == "worker" else monitor, signal.SIGKILL)
                for pid in (monitor, worker):  # the whole session ends, the half not killed too
                    wardtest.wait_for(lambda: wardtest.process_ended(pid), 10,
                                      msg + ": session process %d to end" % pid)
                # Only now does the client close the data connection, cleanly: in stream mode that is how an
                # upload says "complete", so a worker that outlived its monitor would commit the part it had.
                conn.close()
                ftp.close()
                time.sleep(0.05)
                # under the final name: what was there before, never a part of the upload
                final = os.path.join(self.homes["alice"], target)
                before = b"old content\n" if target == "existing.bin" else None
                content = None
                if os.path.exists(final):
                    with open(final, "rb") as f:
                        content = f.read()
                self.assertEqual(content, before, msg)
                # A kill -9 can leave the hidden file behind (as in ProFTPD); it never carries the final name,
                # and it blocks only that name until removed. The master keeps serving.
                hidden = ".in.%s." % target
                leftovers = [f for f in os.listdir(self.homes["alice"]) if f.startswith(".in.")]
                self.assertLessEqual(set(leftovers), {hidden}, msg)
                ftp = self.login(server)
                if leftovers:
                    with self.assertRaises(ftplib.error_perm, msg=msg) as caught:
                        ftp.storbinary("STOR " + target, io.BytesIO(payload))
                    self.assertEqual(str(caught.exception),
                                     "550 %s: Temporary hidden file %s already exists" % (target, hidden))
                    ftp.delete(hidden)
                ftp.storbinary("STOR " + target, io.BytesIO(payload))
                with open(final, "rb") as f:
                    self.assertEqual(f.read(), payload, msg)
                if target == "existing.bin":
                    with open(final, "wb") as f:
                        f.write(before)
                ftp.storbinary("STOR ok%d.bin" % round_, io.BytesIO(payload[:1000]))
                ftp.quit()
                with open(os.path.join(self.homes["alice"], "ok%d.bin" % round_), "rb") as f:
                    self.assertEqual(f.read(), payload[:1000], msg)
            self.assertTrue(server.alive())

    # ---- SIGHUP ----

    def test_reload_with_a_broken_config_keeps_the_old_one(self):
        with self.server(directives=['ServerIdent on "before reload"']) as server:
            good = wardftpd_backend.make_config(server, server.port)
            wardftpd_backend.write_config(server, good + "NoSuchDirective on\n")
            server.proc.send_signal(signal.SIGHUP)
            log = server.wait_for_log("reload failed, the current configuration stays in force")
            self.assertRegex(log, r"reload failed, the current configuration stays in force: "
                                  r".*/wardftpd\.conf:\d+:\d+: unknown directive 'NoSuchDirective'")
            ftp = self.login(server)
            self.assertEqual(ftp.getwelcome(), "220 before reload")
            ftp.quit()

    def test_reload_with_a_good_config_applies_to_new_sessions(self):
        with self.server(directives=['ServerIdent on "before reload"']) as server:
            old = self.login(server)
            changed = wardftpd_backend.make_config(server, server.port).replace("before reload", "after reload")
            wardftpd_backend.write_config(server, changed)
            server.proc.send_signal(signal.SIGHUP)
            server.wait_for_log("configuration reloaded from")
            new = self.login(server)
            self.assertEqual(new.getwelcome(), "220 after reload")
            self.assertEqual(old.getwelcome(), "220 before reload")
            self.assertEqual(old.nlst(), ["alice.txt", "sub"])  # the running session carries on
            old.quit()
            new.quit()

    # ---- one user reaching for another's files ----

    def test_user_cannot_reach_another_users_files(self):
        bob_home = self.homes["bob"]
        alice_home = self.homes["alice"]
        os.symlink(bob_home, os.path.join(alice_home, "to-bob"))  # as if alice had made them elsewhere
        os.symlink("../bob/bob.txt", os.path.join(alice_home, "bob-file"))
        os.symlink(os.path.join(bob_home, "sub"), os.path.join(alice_home, "sub", "deeper"))
        for link in ("to-bob", "bob-file", "sub/deeper"):
            os.lchown(os.path.join(alice_home, link), ALICE_UID, ALICE_GID)
        before = sorted(os.listdir(bob_home))
        with self.server() as server:
            ftp = self.login(server, "alice")
            for path in ("../bob/bob.txt", "/../bob/bob.txt", "../../bob/bob.txt", bob_home + "/bob.txt",
                         "to-bob/bob.txt", "bob-file", "sub/deeper/../bob.txt", "sub/../../bob/bob.txt"):
                with self.assertRaises(ftplib.error_perm, msg=path) as caught:
                    ftp.retrbinary("RETR " + path, lambda data: self.fail("read %r: %r" % (path, data)))
                self.assertTrue(str(caught.exception).startswith("550"), (path, str(caught.exception)))
                with self.assertRaises(ftplib.error_perm, msg=path):
                    ftp.size(path)
            for path in ("to-bob/planted.txt", "sub/deeper/planted.txt", bob_home + "/planted.txt",
                         "../bob/planted.txt"):
                with self.assertRaises(ftplib.error_perm, msg=path):
                    ftp.storbinary("STOR " + path, io.BytesIO(b"planted"))
            for path in ("to-bob", "sub/deeper", "../bob", "/../bob", bob_home):
                with self.assertRaises(ftplib.error_perm, msg=path):
                    ftp.cwd(path)
                self.assertEqual(ftp.pwd(), "/")
            self.assertEqual(ftp.sendcmd("CWD .."), "250 CWD command successful")  # ".." of "/" is "/"
            self.assertEqual(ftp.pwd(), "/")
            self.assertEqual(ftp.nlst(), ["alice.txt", "bob-file", "sub", "to-bob"])
            for command in ("LIST to-bob", "NLST to-bob", "MLSD to-bob", "LIST sub/deeper"):
                with self.assertRaises((ftplib.error_perm, ftplib.error_temp), msg=command):
                    ftp.retrlines(command, lambda line: self.fail("%s listed %r" % (command, line)))
            for command in ("RNFR ../bob/bob.txt", "DELE ../bob/bob.txt", "RMD ../bob/sub",
                            "SITE CHMOD 777 ../bob/bob.txt", "MDTM ../bob/bob.txt"):
                with self.assertRaises(ftplib.error_perm, msg=command):
                    ftp.sendcmd(command)
            ftp.quit()
        self.assertEqual(sorted(os.listdir(bob_home)), before)
        self.assertEqual(os.listdir(os.path.join(bob_home, "sub")), [])
        with open(os.path.join(bob_home, "bob.txt")) as f:
            self.assertEqual(f.read(), "bob's private file\n")

    # ---- garbage ----

    def test_binary_garbage_gets_500_or_421_and_the_daemon_serves_on(self):
        rng = random.Random(8)
        with self.server() as server:
            for attempt in range(3):
                sock = connect(server)
                self.assertTrue(sock.recv(1024).startswith(b"220 "))
                garbage = rng.randbytes(64 * 1024) + b"\0" * 8192 + b"\r\n" + b"\xff" * 4096 + b"\r\nQUIT\r\n"
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                    sock.sendall(garbage)
                replies = recv_all(sock, 20).split(b"\r\n")
                sock.close()
                self.assertEqual(replies[-1], b"")
                codes = {line[:4] for line in replies[:-1]}
                # every line is a complete reply: a 500-class refusal, or the end of the session
                self.assertTrue(codes <= {b"500 ", b"501 ", b"502 ", b"530 ", b"421 ", b"221 "}, codes)
                self.assertTrue(replies[-2].startswith((b"221 ", b"421 ")), replies[-3:])
            self.assertNotIn("killed by signal", server.log())
            self.assertServes(server)

    # ---- logs ----

    def test_logs_never_hold_a_password_and_transfer_log_is_xferlog(self):
        secret, wrong = "Sup3r-s3cret-Pa55", "Wr0ng-gue55-pa55"
        self.users["alice"].password = secret
        with self.server(system_log=True, transfer_log=True, args=["-d", "10"]) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            with self.assertRaises(ftplib.error_perm):
                ftp.login("alice", wrong)
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("pass " + wrong)  # PASS out of sequence, lower case
            ftp.sendcmd("USER alice")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("PASS " + wrong * 2000)  # overlong
            self.assertTrue(ftp.login("alice", secret).startswith("230"))
            ftp.storbinary("STOR up.txt", io.BytesIO(b"x" * 1234))
            self.assertEqual(ftp.retrbinary("RETR alice.txt", lambda data: None), "226 Transfer complete")
            ftp.quit()
            self.assertTrue(server.wait_for_log("alice: Login successful."))
            log = server.system_log_text()
            self.assertIn("USER alice (Login failed)", log)
            self.assertIn("command from", log)  # debug level 10 logs every command
            for text in (log, server.log()):
                self.assertNotIn(secret, text)
                self.assertNotIn(wrong, text)
            # The monitor writes the worker's xferlog lines as they arrive: wait for RETR's after its 226.
            wardtest.wait_for(lambda: len(server.transfer_log_lines()) >= 2, what="both transfers in the TransferLog")
            xfer = server.transfer_log_lines()
        self.assertEqual(len(xfer), 2, xfer)
        # current-time transfer-time remote-host file-size filename transfer-type special-action-flag
        # direction access-mode username service-name authentication-method authenticated-user-id status
        pattern = (r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} \d+ 127\.0\.0\.1 (\d+) (\S+) b _ ([io]) "
                   r"r alice ftp 0 \* c$")
        upload, download = (re.match(pattern, line) for line in xfer)
        self.assertIsNotNone(upload, xfer[0])
        self.assertIsNotNone(download, xfer[1])
        self.assertEqual(upload.groups(), ("1234", os.path.join(self.homes["alice"], "up.txt"), "i"))
        self.assertEqual(download.groups(), (str(len("alice's private file\n")),
                                             os.path.join(self.homes["alice"], "alice.txt"), "o"))

    # ---- an ordinary user runs the daemon ----

    def test_daemon_run_as_an_ordinary_user(self):
        if not ROOT:
            self.skipTest("the tests already run as an ordinary user; every other test shows it works")
        import grp
        import pwd
        nobody, nogroup = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
        home = self.homes["alice"]
        for dirpath, dirnames, filenames in os.walk(home):
            for name in dirnames + filenames + ["."]:
                os.chown(os.path.join(dirpath, name), nobody, nogroup)
        self.users = {"alice": wardtest.Account("alice-pw", nobody, nogroup, home)}
        with self.server(run_as=("nobody", "nogroup"), system_log=True) as server:
            log = server.wait_for_log("protections:")
            self.assertIn("protections: running unprivileged (uid %d): every session keeps this uid, so only "
                          "virtual users make sense; no chroot, DefaultRoot is enforced by Landlock" % nobody, log)
            master = wardtest.proc_status(server.proc.pid)
            self.assertEqual(master["Uid"], [nobody] * 4)
            self.assertEqual(int(master["CapEff"], 16), 0)
            ftp = self.login(server)
            ftp.voidcmd("NOOP")
            monitor, worker = wardtest.session_processes(server.proc.pid, server.port, ftp.sock)
            for pid in (monitor, worker):
                status = wardtest.proc_status(pid)
                self.assertEqual(status["Uid"], [nobody] * 4)
                self.assertEqual(int(status["CapEff"], 16), 0)
                self.assertEqual(status["NoNewPrivs"], "1")
                self.assertEqual(status["Seccomp"], "2")
            ftp.storbinary("STOR up.bin", io.BytesIO(b"u" * 5000))
            self.assertEqual(os.stat(os.path.join(home, "up.bin")).st_uid, nobody)
            self.assertEqual(ftp.nlst(), ["alice.txt", "sub", "up.bin"])
            # without chroot, Landlock and the resolver still keep the session inside DefaultRoot
            for path in ("../bob/bob.txt", self.homes["bob"] + "/bob.txt", "/etc/passwd", "../../../etc/passwd"):
                with self.assertRaises(ftplib.error_perm, msg=path):
                    ftp.retrbinary("RETR " + path, lambda data: None)
            ftp.quit()

    # ---- a compromised worker ----
    # The forged messages are built byte for byte as daemon/ipc/wire.hpp lays them out.

    def steal_channel(self, worker):
        """A duplicate of the worker's end of its monitor channel (the one SOCK_SEQPACKET socket it holds), as
        code running inside a compromised worker would have it. Needs CAP_SYS_PTRACE (pidfd_getfd)."""
        seqpacket = set()
        with open("/proc/%d/net/unix" % worker) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[4] == "0005":
                    seqpacket.add("socket:[%s]" % fields[6])
        fds = [int(fd) for fd in os.listdir("/proc/%d/fd" % worker)
               if os.readlink("/proc/%d/fd/%s" % (worker, fd)) in seqpacket]
        self.assertEqual(len(fds), 1, fds)
        libc = ctypes.CDLL(None, use_errno=True)
        pidfd = os.pidfd_open(worker)
        try:
            fd = libc.syscall(438, pidfd, fds[0], 0)  # pidfd_getfd
            if fd < 0:
                raise OSError(ctypes.get_errno(), "pidfd_getfd")
        finally:
            os.close(pidfd)
        return socket.socket(fileno=fd)

    def forge(self, server, login, message, expected_log):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        if login:
            ftp.login("alice", "alice-pw")
            ftp.voidcmd("NOOP")
        monitor, worker = wardtest.session_processes(server.proc.pid, server.port, ftp.sock,
                                                     worker_uid=ALICE_UID if login else None)
        with self.steal_channel(worker) as channel:
            channel.send(message)
        self.assertEqual(ftp.file.readline(), "421 Service not available, closing control connection\n")
        self.assertEqual(ftp.file.readline(), "")
        ftp.close()
        server.wait_for_log(expected_log)
        for pid in (monitor, worker):
            wardtest.wait_for(lambda: wardtest.process_ended(pid), 10, "session process %d to end" % pid)

    def test_compromised_worker_forging_requests_ends_only_its_session(self):
        if not ROOT:
            self.skipTest("taking a worker's descriptor needs CAP_SYS_PTRACE")

        with self.server() as server:
            bystander = self.login(server, "bob")
            cases = [
                # before login: ask for a privileged data socket (port 20)
                (False, message(4, data_connection(20, b"127.0.0.1", 40000)),
                 "worker sent data_socket_request in the pre-auth phase, which is not allowed"),
                # before login: claim the login succeeded by handing over
                (False, message(2, text(b"TYPE I\r\n") + b"\x01\x01" + struct.pack("<QQ", 40, 80)
                                + struct.pack("<H", 1) + text(b"welcome")),
                 "worker sent handover_request in the pre-auth phase"),
                # after login: log in again as someone else
                (True, message(1, text(b"bob") + text(b"bob-pw")),
                 "worker sent auth_request in the post-auth phase, which is not allowed"),
                # after login: forge one of the monitor's own answers
                (True, message(64, b"\x00" + text(b"")), "worker sent auth_answer in the post-auth phase"),
                # after login: a privileged port that is not control port - 1
                (True, message(4, data_connection(25, b"127.0.0.1", 40000)),
                 "worker asked for a data socket on port 25"),
                # malformed: a body length past the message
                (True, b"\x01\x01\x00\x00\xff\xff\xff\xff", "worker sent a malformed message"),
            ]
            for login, forged, expected in cases:
                with self.subTest(expected):
                    self.forge(server, login, forged, expected)
            self.assertEqual(bystander.nlst(), ["bob.txt", "sub"])
            bystander.quit()
            self.assertServes(server)


    def stopped_worker(self, server, ftp, login):
        """The session's (monitor, worker), the worker stopped so that the test alone speaks on its channel."""
        monitor, worker = wardtest.session_processes(server.proc.pid, server.port, ftp.sock,
                                                     worker_uid=ALICE_UID if login else None)
        os.kill(worker, signal.SIGSTOP)
        return monitor, worker

    def assertSessionEnded(self, server, ftp, monitor, worker, expected_log, reply=None):
        self.assertEqual(ftp.file.readline(),
                         (reply or "421 Service not available, closing control connection") + "\n")
        self.assertEqual(ftp.file.readline(), "")
        ftp.close()
        server.wait_for_log(expected_log)
        for pid in (monitor, worker):
            wardtest.wait_for(lambda: wardtest.process_ended(pid), 10, "session process %d to end" % pid)

    def test_compromised_worker_cannot_pass_max_login_attempts(self):
        """Issue 13 item 1: MaxLoginAttempts is the monitor's. A worker that keeps asking after the third
        failure is refused and its session ended, even when the fourth guess is right: no post-auth worker."""
        if not ROOT:
            self.skipTest("taking a worker's descriptor needs CAP_SYS_PTRACE")
        with self.server(directives=["MaxLoginAttempts 3"]) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            monitor, worker = self.stopped_worker(server, ftp, login=False)
            with self.steal_channel(worker) as channel:
                channel.settimeout(10)
                statuses = []
                for _ in range(3):
                    channel.send(message(1, text(b"alice") + text(b"wrong")))
                    answer = channel.recv(65536)
                    self.assertEqual(answer[1], 64, answer)  # auth_answer
                    statuses.append(answer[8])
                self.assertEqual(statuses, [1, 1, 2])  # denied, denied, closing
                channel.send(message(1, text(b"alice") + text(b"alice-pw")))
                self.assertEqual(channel.recv(65536), b"")  # no answer: the monitor has ended the session
            self.assertSessionEnded(server, ftp, monitor, worker,
                                    "worker sent auth_request after MaxLoginAttempts (3) was reached")
            self.assertNotIn("alice: Login successful", server.log())
            self.assertServes(server)

    def test_compromised_worker_cannot_outlast_timeout_login(self):
        """TimeoutLogin is the monitor's too: a worker that never answers the client cannot keep the session."""
        with self.server(timeout_login=1) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=15)
            monitor, worker = self.stopped_worker(server, ftp, login=False)
            self.assertSessionEnded(server, ftp, monitor, worker,
                                    "TimeoutLogin (1 seconds) passed without a login; the monitor ends the session",
                                    reply="421 Login timeout (1 seconds): closing control connection")

    def test_compromised_worker_preauth_stor_hook_is_refused(self):
        """Issue 13 item 5: before login only the verbs that can run then fire hooks, with no chosen path."""
        if not ROOT:
            self.skipTest("taking a worker's descriptor needs CAP_SYS_PTRACE")
        with self.server() as server:
            cases = [
                (hook_request(2, b"STOR", b"/etc/passwd", 226), "worker asked for STOR hooks with a path before login"),
                (hook_request(2, b"STOR", b"", 226), "worker asked for STOR hooks before login, when STOR cannot run"),
                (hook_request(1, b"DELE", b"", 0), "worker asked for DELE hooks before login, when DELE cannot run"),
                (hook_request(2, b"USER", b"/srv/chosen", 331), "worker asked for USER hooks with a path before login"),
            ]
            for forged, expected in cases:
                with self.subTest(expected):
                    self.forge(server, False, message(3, forged), expected)
            self.assertServes(server)

    def test_compromised_worker_cannot_aim_the_port_20_socket_elsewhere(self):
        """Issue 13 item 4: the monitor connects the privileged data socket itself, to the client's address
        and a port >= 1024 only, and hands over a connected socket that can neither move nor listen."""
        if not ROOT:
            self.skipTest("taking a worker's descriptor needs CAP_SYS_PTRACE")
        from test_ftp_security import free_privileged_port
        control = free_privileged_port()
        with self.server(port=control) as server, socket.socket() as client_port, socket.socket() as third:
            client_port.bind((wardtest.LOOPBACK, 0))
            client_port.listen(4)
            third.bind(("127.0.0.2", 0))
            third.listen(4)
            third.settimeout(1)
            # a forged request toward another host: refused, the session ended, nothing reaches that host
            ftp = self.login(server)
            monitor, worker = self.stopped_worker(server, ftp, login=True)
            with self.steal_channel(worker) as channel:
                channel.send(message(4, data_connection(control - 1, b"127.0.0.2", third.getsockname()[1])))
            self.assertSessionEnded(server, ftp, monitor, worker, "worker asked for a privileged data connection to "
                                    "127.0.0.2 port %d, not the client" % third.getsockname()[1])
            with self.assertRaises(socket.timeout):
                third.accept()
            # a request toward the client: the answer carries a socket already connected there from L-1
            ftp = self.login(server)
            monitor, worker = self.stopped_worker(server, ftp, login=True)
            with self.steal_channel(worker) as channel:
                channel.settimeout(10)
                channel.send(message(4, data_connection(control - 1, b"127.0.0.1", client_port.getsockname()[1])))
                answer, fds, _, _ = socket.recv_fds(channel, 65536, 4)
            self.assertEqual(answer[1], 66, answer)  # data_socket_answer
            self.assertEqual(answer[8], 1, answer)   # ok
            self.assertEqual(len(fds), 1)
            accepted, _ = client_port.accept()
            accepted.close()
            with socket.socket(fileno=fds[0]) as data:
                self.assertEqual(data.getsockname(), (wardtest.LOOPBACK, control - 1))
                self.assertEqual(data.getpeername(), (wardtest.LOOPBACK, client_port.getsockname()[1]))
                with self.assertRaises(OSError) as moved:
                    data.connect(("127.0.0.2", third.getsockname()[1]))
                self.assertEqual(moved.exception.errno, errno.EISCONN)
                with self.assertRaises(OSError) as listened:
                    data.listen(1)
                self.assertEqual(listened.exception.errno, errno.EINVAL)
            with self.assertRaises(socket.timeout):
                third.accept()
            os.kill(worker, signal.SIGCONT)
            ftp.quit()
            # and real active-mode transfers from L-1 still work
            ftp = self.login(server)
            ftp.set_pasv(False)
            self.assertEqual(ftp.nlst(), ["alice.txt", "sub"])
            ftp.quit()


def message(mtype, body):
    return struct.pack("<BBHI", 1, mtype, 0, len(body)) + body


def text(s):
    return struct.pack("<I", len(s)) + s


def data_connection(port, target, target_port):
    return struct.pack("<H", port) + text(target) + struct.pack("<H", target_port)


def hook_request(point, verb, path, code):
    """A hook_request body: the point, then exec::CommandEvent's fields in ipc/messages.cpp's order."""
    body = struct.pack("<B", point)
    body += text(verb) + text(b"x") + text(verb + b" x") + text(path) + text(b"") + text(b"/")
    body += struct.pack("<H", code) + text(b"")
    body += struct.pack("<QQ", 0, 0) + b"\x00" + struct.pack("<Q", 0) + b"\x00" + struct.pack("<Q", 0) + b"\x00"
    body += text(b"") + b"\x00" + struct.pack("<H", 0) + struct.pack("<QQQ", 0, 0, 0)
    return body


if __name__ == "__main__":
    unittest.main()
