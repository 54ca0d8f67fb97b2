"""FTP data transfers with real clients (ftplib, curl, lftp): 100 MiB both ways with checksums, REST resume
both ways, a sparse file read past 4 GiB, ASCII mode, passive and active mode, STOU, APPE, TransferLog and
transfer hook events."""
import ftplib
import hashlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

import wardtest

BIG = 100 * 1024 * 1024


class FtpTransfer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.big_path, cls.big_sha = wardtest.test_data_file(BIG)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-xfer-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(self.root)
        self.local = os.path.join(self.tmp.name, "local")
        os.makedirs(self.local)

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server, passive=True):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=30)
        ftp.login("alice", "pw")
        ftp.set_pasv(passive)
        return ftp

    def download_sha(self, ftp, command, rest=None):
        digest = hashlib.sha256()
        ftp.retrbinary(command, digest.update, blocksize=1 << 20, rest=rest)
        return digest.hexdigest()

    def test_100_mib_upload_and_download_keep_every_byte(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, transfer_log=True) as server:
            ftp = self.session(server)
            with open(self.big_path, "rb") as f:
                self.assertEqual(ftp.storbinary("STOR big.bin", f, blocksize=1 << 20), "226 Transfer complete")
            self.assertEqual(wardtest.sha256_file(os.path.join(self.root, "big.bin")), self.big_sha)
            self.assertEqual(ftp.size("big.bin"), BIG)
            self.assertEqual(self.download_sha(ftp, "RETR big.bin"), self.big_sha)
            ftp.quit()
            log = server.transfer_log_lines()
            self.assertEqual(len(log), 2, log)
            upload, download = (line.split() for line in log)
            # "Www Mmm dd hh:mm:ss yyyy secs host bytes file type _ direction access user ftp 0 * status"
            self.assertEqual(upload[6:10], ["127.0.0.1", str(BIG), os.path.join(self.root, "big.bin"), "b"])
            self.assertEqual((upload[11], upload[12], upload[13], upload[-1]), ("i", "r", "alice", "c"))
            self.assertEqual((download[11], download[-1]), ("o", "c"))

    def test_rest_resumes_downloads_and_uploads(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, allow_store_restart=True) as server:
            shutil.copy(self.big_path, os.path.join(self.root, "big.bin"))
            ftp = self.session(server)
            ftp.voidcmd("TYPE I")
            offset = 60 * 1024 * 1024 + 7
            with open(self.big_path, "rb") as f:
                f.seek(offset)
                expected = hashlib.sha256(f.read()).hexdigest()
            self.assertEqual(self.download_sha(ftp, "RETR big.bin", rest=offset), expected)
            # Upload: the first 10 MiB arrive, then the client resumes from the server's size.
            with open(self.big_path, "rb") as f:
                ftp.storbinary("STOR up.bin", io.BytesIO(f.read(10 * 1024 * 1024)))
            have = ftp.size("up.bin")
            self.assertEqual(have, 10 * 1024 * 1024)
            with open(self.big_path, "rb") as f:
                f.seek(have)
                ftp.storbinary("STOR up.bin", f, blocksize=1 << 20, rest=have)
            self.assertEqual(wardtest.sha256_file(os.path.join(self.root, "up.bin")), self.big_sha)
            self.assertEqual(ftp.sendcmd("REST 0"), "350 Restarting at 0. Send STORE or RETRIEVE to initiate transfer")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("REST -5")
            ftp.voidcmd("TYPE A")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("REST 10")
            self.assertEqual(str(caught.exception), "501 REST: Resuming transfers not allowed in ASCII mode")
            ftp.quit()

    def test_store_restart_is_refused_unless_allowed(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.storbinary("STOR f.bin", io.BytesIO(b"12345"))
            with self.assertRaises(ftplib.Error):
                ftp.storbinary("STOR f.bin", io.BytesIO(b"678"), rest=5)
            with open(os.path.join(self.root, "f.bin"), "rb") as f:
                self.assertEqual(f.read(), b"12345")
            ftp.quit()

    def test_sparse_file_over_4_gib_read_past_4_gib(self):
        path = os.path.join(self.root, "sparse.img")
        size = 5 * 1024 * 1024 * 1024 + 123
        marker = b"past the 4 GiB line"
        with open(path, "wb") as f:
            f.truncate(size)
            f.seek(4 * 1024 * 1024 * 1024 + 1000)
            f.write(marker)
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.voidcmd("TYPE I")
            self.assertEqual(ftp.size("sparse.img"), size)
            ftp.sendcmd("REST %d" % (4 * 1024 * 1024 * 1024 + 1000))
            conn, expected = ftp.ntransfercmd("RETR sparse.img")
            self.assertEqual(expected, size)
            head = b""
            while len(head) < len(marker):
                chunk = conn.recv(len(marker) - len(head))
                self.assertTrue(chunk)
                head += chunk
            self.assertEqual(head, marker)
            conn.close()
            ftp.getmultiline()  # 226 or 426, whichever came first
            ftp.sendcmd("REST %d" % (size - 23))
            tail = io.BytesIO()
            ftp.retrbinary("RETR sparse.img", tail.write)
            self.assertEqual(tail.getvalue(), b"\0" * 23)
            ftp.quit()

    def test_ascii_mode_converts_line_ends_both_ways(self):
        with open(os.path.join(self.root, "unix.txt"), "wb") as f:
            f.write(b"one\ntwo\r\nthree\n\n")
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.voidcmd("TYPE A")
            raw = io.BytesIO()
            conn = ftp.transfercmd("RETR unix.txt")
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                raw.write(chunk)
            conn.close()
            ftp.voidresp()
            self.assertEqual(raw.getvalue(), b"one\r\ntwo\r\nthree\r\n\r\n")
            conn = ftp.transfercmd("STOR dos.txt")
            conn.sendall(b"alpha\r\nbeta\r\nlone\rcr\r\n")
            conn.close()
            ftp.voidresp()
            with open(os.path.join(self.root, "dos.txt"), "rb") as f:
                self.assertEqual(f.read(), b"alpha\nbeta\nlone\rcr\n")
            ftp.quit()

    def test_active_mode_with_ftplib(self):
        with open(os.path.join(self.root, "a.bin"), "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024))
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server, passive=False)
            data = io.BytesIO()
            ftp.retrbinary("RETR a.bin", data.write)
            with open(os.path.join(self.root, "a.bin"), "rb") as f:
                self.assertEqual(data.getvalue(), f.read())
            ftp.storbinary("STOR b.bin", io.BytesIO(data.getvalue()))
            self.assertEqual(os.path.getsize(os.path.join(self.root, "b.bin")), 3 * 1024 * 1024)
            self.assertIn("a.bin", ftp.nlst())
            # EPRT, as ftplib sends it for IPv6; here with the IPv4 form.
            listener = socket.create_server((wardtest.LOOPBACK, 0))
            port = listener.getsockname()[1]
            self.assertEqual(ftp.sendcmd("EPRT |1|127.0.0.1|%d|" % port), "200 EPRT command successful")
            ftp.sendcmd("TYPE I")
            ftp.putcmd("RETR a.bin")
            conn, _ = listener.accept()
            self.assertTrue(ftp.getresp().startswith("150"))
            received = b""
            while True:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                received += chunk
            conn.close()
            listener.close()
            self.assertEqual(ftp.voidresp(), "226 Transfer complete")
            self.assertEqual(received, data.getvalue())
            ftp.quit()

    def test_curl_passive_and_active(self):
        source = os.path.join(self.local, "src.bin")
        with open(source, "wb") as f:
            f.write(os.urandom(2 * 1024 * 1024 + 5))
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            url = "ftp://%s:%d/" % (server.host, server.port)
            subprocess.run(["curl", "-sS", "-u", "alice:pw", "-T", source, url + "up.bin"], check=True, timeout=60)
            out = os.path.join(self.local, "down.bin")
            subprocess.run(["curl", "-sS", "-u", "alice:pw", "-P", "127.0.0.1", "-o", out, url + "up.bin"],
                           check=True, timeout=60)
            with open(source, "rb") as a, open(out, "rb") as b:
                self.assertEqual(a.read(), b.read())
            listing = subprocess.run(["curl", "-sS", "-u", "alice:pw", "--disable-epsv", url], check=True,
                                     timeout=60, capture_output=True).stdout.decode()
            self.assertIn("up.bin", listing)
            ranged = subprocess.run(["curl", "-sS", "-u", "alice:pw", "-C", "2097152", "-o", "-", url + "up.bin"],
                                    check=True, timeout=60, capture_output=True).stdout
            self.assertEqual(len(ranged), 5)

    def test_lftp_passive_and_active(self):
        source = os.path.join(self.local, "lftp.bin")
        with open(source, "wb") as f:
            f.write(os.urandom(1024 * 1024))
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            for passive in ("on", "off"):
                script = ("set ftp:passive-mode %s; set net:max-retries 1; set net:timeout 20; "
                          "put %s -o lftp-%s.bin; get lftp-%s.bin -o %s/back-%s.bin; mkdir d-%s; ls; bye"
                          % (passive, source, passive, passive, self.local, passive, passive))
                result = subprocess.run(["lftp", "-u", "alice,pw", "-p", str(server.port), server.host, "-e", script],
                                        timeout=60, capture_output=True, stdin=subprocess.DEVNULL)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(b"lftp-%s.bin" % passive.encode(), result.stdout)
                with open(source, "rb") as a, open(os.path.join(self.local, "back-%s.bin" % passive), "rb") as b:
                    self.assertEqual(a.read(), b.read())
                self.assertTrue(os.path.isdir(os.path.join(self.root, "d-" + passive)))

    def test_stou_and_appe(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.storbinary("STOR log.txt", io.BytesIO(b"first\n"))
            ftp.storbinary("APPE log.txt", io.BytesIO(b"second\n"))
            with open(os.path.join(self.root, "log.txt"), "rb") as f:
                self.assertEqual(f.read(), b"first\nsecond\n")
            conn = ftp.transfercmd("STOU")
            opening = ftp.lastresp
            conn.sendall(b"unique")
            conn.close()
            ftp.voidresp()
            names = sorted(os.listdir(self.root))
            self.assertEqual(len(names), 2)
            unique = [n for n in names if n != "log.txt"][0]
            self.assertTrue(unique.startswith("ftp."), unique)
            with open(os.path.join(self.root, unique), "rb") as f:
                self.assertEqual(f.read(), b"unique")
            self.assertEqual(opening, "150")
            ftp.quit()

    def test_transfer_hook_events(self):
        with open(os.path.join(self.root, "h.bin"), "wb") as f:
            f.write(b"z" * 4096)
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hooks=True, hook_output=["hooked"]) as server:
            ftp = self.session(server)
            ftp.voidcmd("TYPE I")
            ftp.sendcmd("REST 96")
            conn = ftp.transfercmd("RETR h.bin")
            while conn.recv(65536):
                pass
            conn.close()
            final = ftp.getmultiline()
            self.assertEqual(final.splitlines(), ["226-hooked", "226 Transfer complete"])
            ftp.quit()
            retr = server.wait_for_hook(lambda e: e["point"] == "on_command" and e["command"] == "RETR")
            self.assertEqual(retr["bytes"], 4000)
            self.assertEqual(retr["file_offset"], 96)
            self.assertEqual(retr["file_size"], 4096)
            self.assertEqual(retr["transfer_status"], "success")
            self.assertEqual(retr["path"], "/h.bin")
            self.assertTrue(retr["transfer_binary"])
            self.assertGreater(retr["transfer_port"], 0)


if __name__ == "__main__":
    unittest.main()
