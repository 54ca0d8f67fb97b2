"""DefaultRoot with %u: each user is confined to the directory named after them, not to a literal '%u'."""
import ftplib
import io
import os
import tempfile
import unittest

import wardftpd_backend
import wardtest


class DefaultRootPerUser(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-droot-")
        self.base = os.path.join(self.tmp.name, "srv")
        for name in ("alice", "bob", "%u", "home"):
            os.makedirs(os.path.join(self.base, name))
        self.original = wardftpd_backend.make_config

        def per_user_root(server, port):
            text = self.original(server, port)
            return text.replace("DefaultRoot ~\n", "DefaultRoot %s/%%u\n" % self.base)

        wardftpd_backend.make_config = per_user_root

    def tearDown(self):
        wardftpd_backend.make_config = self.original
        self.tmp.cleanup()

    def test_files_land_in_the_users_own_root(self):
        home = os.path.join(self.base, "home")
        users = {name: wardtest.Account("pw", os.getuid(), os.getgid(), home) for name in ("alice", "bob")}
        with wardtest.ftp_server(home, users=users) as server:
            for name in ("alice", "bob"):
                ftp = ftplib.FTP()
                ftp.connect(server.host, server.port, timeout=10)
                ftp.login(name, "pw")
                self.assertEqual(ftp.pwd(), "/")
                ftp.storbinary("STOR mine.txt", io.BytesIO(name.encode()))
                ftp.quit()
        for name in ("alice", "bob"):
            with open(os.path.join(self.base, name, "mine.txt"), "rb") as f:
                self.assertEqual(f.read(), name.encode())
        self.assertEqual(os.listdir(os.path.join(self.base, "%u")), [])
        self.assertEqual(os.listdir(os.path.join(self.base, "home")), [])


if __name__ == "__main__":
    unittest.main()
