"""Hostile input: FTP bounce (PORT/EPRT to a third address or a privileged port), data-connection theft
(a passive port reached from another address), malformed control lines (overlong, NULs, a half line then a
disconnect), EPSV ALL, PassivePorts and MasqueradeAddress, and ProFTPD's L-1 source port for active data."""
import ftplib
import io
import os
import re
import socket
import tempfile
import unittest

import wardtest


def free_privileged_port():
    for port in range(1023, 900, -1):
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind((wardtest.LOOPBACK, port))
                b.bind((wardtest.LOOPBACK, port - 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no free pair of privileged ports")


class FtpSecurity(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-sec-")
        self.root = self.tmp.name
        with open(os.path.join(self.root, "f.txt"), "wb") as f:
            f.write(b"payload" * 1000)

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        ftp.login("alice", "pw")
        return ftp

    def test_port_and_eprt_bounce_is_refused(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            for command in ("PORT 127,0,0,2,100,100", "PORT 127,0,0,1,0,21", "PORT 127,0,0,1,3,255",
                            "EPRT |1|127.0.0.2|25700|", "EPRT |1|127.0.0.1|80|", "EPRT |2|::1|25700|"):
                with self.assertRaises(ftplib.error_perm, msg=command) as caught:
                    ftp.sendcmd(command)
                self.assertRegex(str(caught.exception), r"^500 Illegal (PORT|EPRT) command$")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("PORT 1,2,3")
            self.assertTrue(str(caught.exception).startswith("501"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("EPRT |9|1.2.3.4|5000|")
            self.assertTrue(str(caught.exception).startswith("522"))
            # A refused PORT leaves no data connection behind.
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.sendcmd("RETR f.txt")
            self.assertTrue(str(caught.exception).startswith("425"))
            self.assertEqual(ftp.sendcmd("PORT 127,0,0,1,4,0"), "200 PORT command successful")
            ftp.quit()

    def test_passive_port_accepts_only_the_control_peer(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            host, port = ftp.makepasv()
            thief = socket.socket()
            thief.settimeout(5)
            thief.bind(("127.0.0.2", 0))
            thief.connect((host, port))
            self.assertEqual(thief.recv(100), b"")  # dropped by the server
            thief.close()
            conn = socket.create_connection((host, port), timeout=5)
            ftp.sendcmd("RETR f.txt")
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            conn.close()
            self.assertEqual(ftp.voidresp(), "226 Transfer complete")
            self.assertEqual(data, b"payload" * 1000)
            ftp.quit()

    def test_malformed_lines_leave_the_server_serving(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            sock, f = wardtest.control_session(server.port)
            with sock, f:
                self.assertEqual(wardtest.read_reply(f)[0], 220)
                sock.sendall(b"NOOP " + b"A" * 100000 + b"\r\nNOOP\r\n")
                self.assertEqual(wardtest.read_reply(f), (500, ["500 Command line too long"]))
                self.assertEqual(wardtest.read_reply(f)[0], 200)
                sock.sendall(b"\0" * 5000 + b"\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 500)
                sock.sendall(b"USER al\0ice\r\n\r\nNOOP\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 500)
                self.assertEqual(wardtest.read_reply(f)[0], 500)
                self.assertEqual(wardtest.read_reply(f)[0], 200)
                sock.sendall(b"\xff\xf4\xff\xf2NO\xff\xffOP\r\n")  # Telnet IP, DM and a doubled IAC
                self.assertEqual(wardtest.read_reply(f)[0], 500)
                sock.sendall(b"\x01\x02\x03 x\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 500)
            half = socket.create_connection((server.host, server.port), timeout=5)
            half.recv(100)
            half.sendall(b"USER half-a-li")
            half.close()
            ftp = self.session(server)
            self.assertEqual(ftp.nlst(), ["f.txt"])
            ftp.quit()
            self.assertTrue(server.alive())

    def test_epsv_all_refuses_other_data_commands(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            self.assertEqual(ftp.sendcmd("EPSV ALL"), "200 EPSV ALL command successful")
            for command in ("PASV", "PORT 127,0,0,1,100,100", "EPRT |1|127.0.0.1|25700|"):
                with self.assertRaises(ftplib.error_perm, msg=command):
                    ftp.sendcmd(command)
            self.assertTrue(ftp.sendcmd("EPSV").startswith("229 Entering Extended Passive Mode (|||"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("EPSV 2")
            self.assertEqual(str(caught.exception), "522 Network protocol not supported, use (1)")
            ftp.quit()

    def test_passive_ports_and_masquerade_address(self):
        first = wardtest.free_port()
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, passive_ports=(first, first + 3),
                                 masquerade_address="10.1.2.3") as server:
            ftp = self.session(server)
            reply = ftp.sendcmd("PASV")
            match = re.match(r"^227 Entering Passive Mode \((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)\.$", reply)
            self.assertIsNotNone(match, reply)
            numbers = [int(x) for x in match.groups()]
            self.assertEqual(numbers[:4], [10, 1, 2, 3])
            self.assertTrue(first <= numbers[4] * 256 + numbers[5] <= first + 3)
            port = int(re.search(r"\|\|\|(\d+)\|", ftp.sendcmd("EPSV")).group(1))
            self.assertTrue(first <= port <= first + 3)
            ftp.quit()

    def test_passive_ports_are_reused_after_transfers(self):
        # The server closes each data connection first, so its port sits in TIME_WAIT; a small range must
        # still serve many transfers in a row from inside the range.
        first = wardtest.free_port()
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, passive_ports=(first, first + 2)) as server:
            ftp = self.session(server)
            for _ in range(12):
                port = int(re.search(r"\|\|\|(\d+)\|", ftp.sendcmd("EPSV")).group(1))
                self.assertTrue(first <= port <= first + 2, port)
                conn = socket.create_connection((wardtest.LOOPBACK, port), timeout=10)
                ftp.putcmd("RETR f.txt")
                self.assertTrue(ftp.getresp().startswith("150"))
                while conn.recv(65536):
                    pass
                conn.close()
                self.assertEqual(ftp.voidresp(), "226 Transfer complete")
            ftp.quit()
            self.assertNotIn("exhausted", server.log())

    def active_source_port(self, server):
        ftp = self.session(server)
        listener = socket.create_server((wardtest.LOOPBACK, 0))
        ftp.sendcmd("EPRT |1|127.0.0.1|%d|" % listener.getsockname()[1])
        ftp.putcmd("RETR f.txt")
        conn, peer = listener.accept()
        while conn.recv(65536):
            pass
        conn.close()
        listener.close()
        self.assertTrue(ftp.getresp().startswith("150"))
        self.assertEqual(ftp.voidresp(), "226 Transfer complete")
        ftp.quit()
        return peer[1]

    def test_active_data_source_port(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            source = self.active_source_port(server)
            self.assertGreaterEqual(source, 1024)
            self.assertNotEqual(source, server.port - 1)
        control = free_privileged_port()
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, port=control) as server:
            self.assertEqual(self.active_source_port(server), control - 1)

    def test_large_upload_through_refused_then_good_port(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("PORT 127,0,0,2,200,200")
            ftp.storbinary("STOR ok.bin", io.BytesIO(b"k" * 300000))
            self.assertEqual(os.path.getsize(os.path.join(self.root, "ok.bin")), 300000)
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
