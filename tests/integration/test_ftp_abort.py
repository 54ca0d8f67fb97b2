"""Interrupted transfers: ABOR during RETR and STOR (ftplib's abort(), sent as urgent data), STAT during a
transfer, commands queued behind a transfer, broken data connections, and HiddenStores when a client goes
away mid-upload: no file is ever half-visible and a broken transfer never reports success."""
import ftplib
import os
import socket
import struct
import tempfile
import time
import unittest

import wardtest

BIG = 100 * 1024 * 1024


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def reset(conn):
    """Closes with RST instead of FIN: the peer sees a broken connection."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class FtpAbort(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.big_path, cls.big_sha = wardtest.test_data_file(BIG)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-abort-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(self.root)
        # The shared test file is reached through a hard link when it can be (no copy), else copied.
        try:
            os.link(self.big_path, os.path.join(self.root, "big.bin"))
        except OSError:
            with open(self.big_path, "rb") as src, open(os.path.join(self.root, "big.bin"), "wb") as dst:
                while chunk := src.read(1 << 22):
                    dst.write(chunk)

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=20)
        ftp.login("alice", "pw")
        ftp.voidcmd("TYPE I")
        return ftp

    def test_abor_during_retr(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hooks=True) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("RETR big.bin")
            got = 0
            while got < 1024 * 1024:
                got += len(conn.recv(65536))
            self.assertEqual(ftp.abort(), "426 Transfer aborted. Data connection closed.")
            self.assertEqual(ftp.getresp(), "226 Abort successful")
            conn.close()
            self.assertEqual(ftp.voidcmd("NOOP"), "200 NOOP command successful")
            ftp.quit()
            retr = server.wait_for_hook(lambda e: e["point"] == "on_error" and e["command"] == "RETR")
            self.assertEqual(retr["transfer_status"], "cancelled")
            self.assertEqual(retr["reply_code"], 426)
            self.assertLess(retr["bytes"], BIG)

    def test_abor_after_telnet_ip_and_synch(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("RETR big.bin")
            conn.recv(65536)
            # RFC 959 4.1.3: Telnet IP, then Synch (IAC as normal data, DM as urgent data), then ABOR.
            ftp.sock.sendall(b"\xff\xf4\xff")
            ftp.sock.send(b"\xf2", socket.MSG_OOB)
            ftp.sock.sendall(b"ABOR\r\n")
            self.assertEqual(ftp.getmultiline(), "426 Transfer aborted. Data connection closed.")
            self.assertEqual(ftp.getresp(), "226 Abort successful")
            conn.close()
            self.assertEqual(ftp.voidcmd("NOOP"), "200 NOOP command successful")
            ftp.quit()

    def abort_stor(self, hidden):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hidden_stores=hidden) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("STOR up.bin")
            sent = 0
            with open(self.big_path, "rb") as f:
                while sent < 8 * 1024 * 1024:
                    chunk = f.read(1 << 20)
                    conn.sendall(chunk)
                    sent += len(chunk)
            if hidden:
                self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(self.root, ".in.up.bin."))))
                self.assertFalse(os.path.exists(os.path.join(self.root, "up.bin")))
            self.assertEqual(ftp.abort(), "426 Transfer aborted. Data connection closed.")
            self.assertEqual(ftp.getresp(), "226 Abort successful")
            conn.close()
            ftp.voidcmd("NOOP")
            ftp.quit()
            return sorted(os.listdir(self.root)), sent

    def test_abor_during_stor_keeps_the_partial_file_like_proftpd(self):
        names, sent = self.abort_stor(hidden=False)
        self.assertEqual(names, ["big.bin", "up.bin"])
        size = os.path.getsize(os.path.join(self.root, "up.bin"))
        self.assertLessEqual(size, sent)
        with open(self.big_path, "rb") as a, open(os.path.join(self.root, "up.bin"), "rb") as b:
            self.assertEqual(a.read(size), b.read())

    def test_abor_during_hidden_stor_leaves_nothing(self):
        names, _ = self.abort_stor(hidden=True)
        self.assertEqual(names, ["big.bin"])

    def test_hidden_store_is_renamed_only_when_complete(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hidden_stores=True) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("STOR done.bin")
            conn.sendall(b"a" * 100000)
            self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(self.root, ".in.done.bin."))))
            self.assertFalse(os.path.exists(os.path.join(self.root, "done.bin")))
            conn.sendall(b"b" * 100000)
            conn.close()
            self.assertEqual(ftp.voidresp(), "226 Transfer complete")
            self.assertEqual(sorted(os.listdir(self.root)), ["big.bin", "done.bin"])
            self.assertEqual(os.path.getsize(os.path.join(self.root, "done.bin")), 200000)
            ftp.quit()

    def test_client_vanishing_mid_upload_leaves_no_file(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hidden_stores=True) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("STOR gone.bin")
            conn.sendall(b"x" * (2 * 1024 * 1024))
            self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(self.root, ".in.gone.bin."))))
            # A client that dies closes its sockets in fd order: the control connection first.
            ftp.close()
            conn.close()
            self.assertTrue(wait_until(lambda: sorted(os.listdir(self.root)) == ["big.bin"]), os.listdir(self.root))
            self.assertTrue(server.alive())

    def test_broken_data_connection_never_reports_success(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hidden_stores=True) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("RETR big.bin")
            conn.recv(65536)
            reset(conn)
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.voidresp()
            self.assertTrue(str(caught.exception).startswith("426"), str(caught.exception))
            conn = ftp.transfercmd("STOR broken.bin")
            conn.sendall(b"y" * 1000000)
            time.sleep(0.2)
            reset(conn)
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.voidresp()
            self.assertTrue(str(caught.exception).startswith("426"), str(caught.exception))
            self.assertEqual(sorted(os.listdir(self.root)), ["big.bin"])
            ftp.quit()

    def test_stat_during_transfer_and_commands_queued_behind_it(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            conn = ftp.transfercmd("RETR big.bin")
            got = len(conn.recv(65536))
            status = ftp.sendcmd("STAT")
            self.assertTrue(status.startswith("213-"), status)
            self.assertIn("RETR big.bin", status)
            self.assertIn("bytes transferred", status)
            ftp.putcmd("PWD")
            while True:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
            conn.close()
            self.assertEqual(got, BIG)
            self.assertEqual(ftp.voidresp(), "226 Transfer complete")
            self.assertEqual(ftp.getresp(), '257 "/" is the current directory')
            ftp.quit()

    def test_abor_without_transfer(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.makepasv()
            self.assertEqual(ftp.sendcmd("ABOR"), "226 Abort successful")
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.sendcmd("RETR big.bin")
            self.assertTrue(str(caught.exception).startswith("425"))
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
