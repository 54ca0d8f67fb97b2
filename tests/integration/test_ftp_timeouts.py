"""Timeouts end a session with 421: TimeoutLogin (no login), TimeoutIdle (no command), TimeoutNoTransfer
(logged in, no transfer), TimeoutStalled (a transfer without progress). Zero means no limit."""
import ftplib
import os
import socket
import tempfile
import time
import unittest

import wardtest


class FtpTimeouts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-timeout-")
        self.root = self.tmp.name
        with open(os.path.join(self.root, "big.bin"), "wb") as f:
            f.truncate(64 * 1024 * 1024)

    def tearDown(self):
        self.tmp.cleanup()

    def expect_421(self, f, prefix):
        start = time.monotonic()
        code, lines = wardtest.read_reply(f)
        self.assertEqual(code, 421, lines)
        self.assertTrue(lines[-1].startswith("421 " + prefix), lines)
        self.assertEqual(f.read(), b"")  # and the server closed the connection
        return time.monotonic() - start

    def test_login_timeout(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, timeout_login=1, timeout_idle=0) as server:
            sock, f = wardtest.control_session(server.port)
            with sock, f:
                wardtest.read_reply(f)
                sock.sendall(b"NOOP\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 200)
                self.expect_421(f, "Login timeout (1 seconds)")

    def test_idle_timeout(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, timeout_idle=2, timeout_login=0) as server:
            sock, f = wardtest.control_session(server.port)
            with sock, f:
                wardtest.read_reply(f)
                for _ in range(3):  # commands keep an idle session alive
                    time.sleep(0.8)
                    sock.sendall(b"NOOP\r\n")
                    self.assertEqual(wardtest.read_reply(f)[0], 200)
                waited = self.expect_421(f, "Idle timeout (2 seconds)")
                self.assertGreater(waited, 1.0)

    def test_no_transfer_timeout(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, timeout_no_transfer=2, timeout_idle=0) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            ftp.login("alice", "pw")
            time.sleep(0.5)
            ftp.voidcmd("NOOP")  # commands do not count as transfers
            with self.assertRaises((ftplib.error_temp, EOFError, OSError)) as caught:
                time.sleep(2.5)
                ftp.voidcmd("NOOP")
            if isinstance(caught.exception, ftplib.error_temp):
                self.assertIn("No transfer timeout", str(caught.exception))

    def test_stalled_transfer(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, timeout_stalled=1, hooks=True) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            ftp.login("alice", "pw")
            ftp.voidcmd("TYPE I")
            conn = ftp.transfercmd("RETR big.bin")
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            conn.recv(1024)  # then never read again: the server's socket buffer fills up
            replies = []
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                line = ftp.file.readline()
                if not line:
                    break
                replies.append(line.rstrip("\r\n"))
            conn.close()
            self.assertIn("426 Transfer aborted. Data connection closed.", replies)
            self.assertEqual(replies[-1], "421 Data transfer stall timeout: 1 seconds")
            retr = server.wait_for_hook(lambda e: e["point"] == "on_error" and e["command"] == "RETR")
            self.assertEqual(retr["transfer_status"], "timeout")
            server.wait_for_hook(lambda e: e["point"] == "session_ended" and e["reason"] == "TimeoutStalled")

    def test_zero_means_no_limit(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, timeout_idle=0, timeout_login=0,
                                 timeout_no_transfer=0, timeout_stalled=0) as server:
            sock, f = wardtest.control_session(server.port)
            with sock, f:
                wardtest.read_reply(f)
                time.sleep(1.5)
                sock.sendall(b"NOOP\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 200)


if __name__ == "__main__":
    unittest.main()
