"""The README's run command starts a daemon on its embedded default configuration that a client can
talk to: banner, NOOP, QUIT (Foundation acceptance)."""
import ftplib
import unittest

import wardtest


class EmbeddedDefaultServes(unittest.TestCase):
    def test_banner_noop_quit(self):
        with wardtest.Daemon(port=2121) as daemon:
            ftp = ftplib.FTP()
            banner = ftp.connect(wardtest.LOOPBACK, daemon.port, timeout=10)
            self.assertTrue(banner.startswith("220 "), banner)
            self.assertTrue(ftp.voidcmd("NOOP").startswith("200"))
            self.assertEqual(ftp.quit()[:3], "221")
            self.assertIn("Connect with:  curl ftp://127.0.0.1:2121/", daemon.log())

    def test_overlong_line_gets_500_and_session_continues(self):
        with wardtest.Daemon(port=2121) as daemon:
            sock, f = wardtest.control_session(daemon.port)
            with sock:
                self.assertEqual(wardtest.read_reply(f)[0], 220)
                sock.sendall(b"NOOP " + b"A" * 100000 + b"\r\nNOOP\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 500)
                self.assertEqual(wardtest.read_reply(f)[0], 200)


if __name__ == "__main__":
    unittest.main()
