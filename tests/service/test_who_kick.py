"""wardctl who and kick (ProFTPD's ftpwho and ftpdctl kick) over the control socket: two sessions, one logged
in as alice and one still before login, are listed with their user (from the monitor's login count, never the
worker), client and state; ControlsACLs decides who may ask (a peer it does not allow is denied); kick by
session id, by user and by host ends exactly the matched sessions."""
import ftplib
import os
import re
import socket
import subprocess
import unittest

import servicetest
from servicetest import wardtest


def wardctl(sock, *words):
    return subprocess.run([wardtest.WARDCTL, "-s", sock, *words], capture_output=True, text=True, timeout=30)


def closed(ftp):
    try:
        ftp.voidcmd("NOOP")
    except (OSError, EOFError, ftplib.Error):
        return True
    return False


class WhoAndKick(unittest.TestCase):
    def start(self, acl):
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port)
        daemon.config = servicetest.write_config(daemon.dir, port, extra=acl)
        daemon.start()
        self.addCleanup(daemon.stop)
        return daemon, port, os.path.join(daemon.dir, "ctl.sock")

    def connect(self, port, source):
        ftp = ftplib.FTP(source_address=(source, 0))
        ftp.connect(wardtest.LOOPBACK, port, timeout=10)
        self.addCleanup(ftp.close)
        return ftp

    def test_who_lists_two_sessions_and_kick_ends_the_matched_ones(self):
        daemon, port, sock = self.start(["ControlsACLs who,kick allow user root,%s" % _me()])
        alice = self.connect(port, "127.0.0.1")
        alice.login("alice", servicetest.PASSWORD)
        anonymous = self.connect(port, "127.0.0.7")  # connected, not logged in

        def who():
            result = wardctl(sock, "who")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            return result.stdout.splitlines()

        lines = wardtest.wait_for(lambda: (lambda l: l if "ok: 2 sessions" in l else None)(who()),
                                  what="two sessions in wardctl who")
        logged_in = [line for line in lines if " user alice " in line]
        waiting = [line for line in lines if "client 127.0.0.7:" in line]
        self.assertEqual(len(logged_in), 1, lines)
        self.assertIn("client 127.0.0.1:%d" % alice.sock.getsockname()[1], logged_in[0])
        self.assertIn("state logged-in", logged_in[0])
        self.assertEqual(len(waiting), 1, lines)
        self.assertIn(" user - ", waiting[0])
        self.assertIn("state authenticating", waiting[0])
        alice_pid = int(logged_in[0].split()[2])

        # kick by session id ends that one session only
        result = wardctl(sock, "kick", "session", str(alice_pid))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("ok: kicked session %d" % alice_pid, result.stdout)
        wardtest.wait_for(lambda: closed(alice), what="alice's session ended")
        self.assertFalse(closed(anonymous))
        wardtest.wait_for(lambda: "ok: 1 session" in wardctl(sock, "who").stdout, what="one session left")

        # kick by host, then by user; unknown targets are errors
        result = wardctl(sock, "kick", "host", "127.0.0.7")
        self.assertIn("ok: kicked session", result.stdout)
        wardtest.wait_for(lambda: closed(anonymous), what="the 127.0.0.7 session ended")
        bob = self.connect(port, "127.0.0.1")
        bob.login("bob", servicetest.PASSWORD)
        wardtest.wait_for(lambda: " user bob " in wardctl(sock, "who").stdout, what="bob in who")
        result = wardctl(sock, "kick", "user", "bob")
        self.assertIn("ok: kicked session", result.stdout)
        wardtest.wait_for(lambda: closed(bob), what="bob's session ended")
        result = wardctl(sock, "kick", "user", "nobody-here")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no such session", result.stdout + result.stderr)
        result = wardctl(sock, "kick", "group", "x")
        self.assertNotEqual(result.returncode, 0)
        log = servicetest.system_log(daemon.dir)
        self.assertIn("kicked session %d" % alice_pid, log)

    def test_who_shows_the_command_and_a_slow_transfers_progress(self):
        daemon, port, sock = self.start(["ControlsACLs who,kick allow user root,%s" % _me()])
        size = 16 * 1024 * 1024
        with open(os.path.join(daemon.dir, "root", "big.bin"), "wb") as f:
            f.write(b"\0" * size)
        alice = self.connect(port, "127.0.0.1")
        alice.login("alice", servicetest.PASSWORD)
        alice.voidcmd("TYPE I")
        alice.sendcmd("NOOP")
        wardtest.wait_for(lambda: 'command "NOOP" (worker-reported)' in wardctl(sock, "who").stdout,
                          what="the last command in wardctl who")
        data = alice.transfercmd("RETR big.bin")
        received = 0

        def progress():
            nonlocal received
            received += len(data.recv(65536))  # a slow reader: 64 KiB per poll
            out = wardctl(sock, "who").stdout
            found = re.search(r'command "RETR big.bin" transfer (\d+)/%d bytes (\d+)%% (\d+) B/s '
                              r'\(worker-reported\)' % size, out)
            return found if found and int(found.group(1)) > 0 else None

        found = wardtest.wait_for(progress, timeout=20, what="RETR's progress in wardctl who")
        moved, percent = int(found.group(1)), int(found.group(2))
        self.assertLess(moved, size)  # still in progress: the client has not read it all
        self.assertEqual(percent, moved * 100 // size)
        self.assertGreater(int(found.group(3)), 0)
        data.close()
        with self.assertRaises((ftplib.Error, OSError, EOFError)):
            alice.voidresp()  # 426: the transfer was cut

    def test_controls_acls_deny_by_default(self):
        _, port, sock = self.start([])
        ftp = self.connect(port, "127.0.0.1")
        ftp.login("alice", servicetest.PASSWORD)
        for words in (["who"], ["kick", "user", "alice"]):
            result = wardctl(sock, *words)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("access denied", result.stdout + result.stderr)
            self.assertIn("(ControlsACLs)", result.stdout + result.stderr)
        self.assertFalse(closed(ftp))


def _me():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


if __name__ == "__main__":
    unittest.main()
