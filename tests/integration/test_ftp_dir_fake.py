"""DirFakeUser, DirFakeGroup and DirFakeMode (mod_ls): LIST, STAT and MLSD/MLST show the configured owner, group
and mode instead of the real ones, per <Directory> like ProFTPD; "~" is the session's own user."""
import ftplib
import os
import tempfile
import unittest

import wardtest


class DirFake(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-dirfake-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(os.path.join(self.root, "sub", "inner"))
        for name in ("a.txt", "sub/b.txt"):
            with open(os.path.join(self.root, name), "w") as f:
                f.write("x")
            os.chmod(os.path.join(self.root, name), 0o600)

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, directives, commands):
        out = {}
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            ftp.login("alice", "pw")
            for command in commands:
                lines = []
                if command.startswith(("LIST", "MLSD")):
                    ftp.retrlines(command, lines.append)
                else:
                    lines = ftp.sendcmd(command).splitlines()
                out[command] = lines
            ftp.quit()
        return out

    @staticmethod
    def entry(lines, name):
        return next(line for line in lines if line.endswith(" " + name)).split()

    def test_list_shows_fake_owner_group_and_mode(self):
        out = self.session(["DirFakeUser on nobodyx", "DirFakeGroup on", "DirFakeMode 0644"], ["LIST", "STAT a.txt"])
        a = self.entry(out["LIST"], "a.txt")
        self.assertEqual(a[0], "-rw-r--r--")  # the real mode is 0600
        self.assertEqual(a[2:4], ["nobodyx", "ftp"])  # DirFakeGroup's default name is "ftp"
        sub = self.entry(out["LIST"], "sub")
        self.assertEqual(sub[0], "drwxr-xr-x")  # a directory gets x wherever the fake mode gives r
        self.assertIn("nobodyx", " ".join(out["STAT a.txt"]))

    def test_tilde_is_the_session_user_and_off_shows_the_real_owner(self):
        out = self.session(["DirFakeUser on ~", "DirFakeGroup off"], ["LIST"])
        a = self.entry(out["LIST"], "a.txt")
        self.assertEqual(a[2], "alice")
        self.assertNotEqual(a[3], "ftp")
        self.assertEqual(a[0], "-rw-------")

    def test_per_directory_and_mlsx(self):
        sub = os.path.join(self.root, "sub")
        out = self.session(["<Directory %s>" % sub, "DirFakeUser on subowner", "DirFakeMode 0604", "</Directory>"],
                           ["LIST", "LIST sub", "MLSD sub", "MLST sub/b.txt"])
        self.assertNotEqual(self.entry(out["LIST"], "a.txt")[2], "subowner")
        b = self.entry(out["LIST sub"], "b.txt")
        self.assertEqual((b[0], b[2]), ("-rw----r--", "subowner"))
        self.assertEqual(self.entry(out["LIST sub"], "inner")[0], "drwx---r-x")
        mlsd = next(line for line in out["MLSD sub"] if line.endswith(" b.txt"))
        self.assertIn("UNIX.ownername=subowner;", mlsd)
        self.assertIn("UNIX.mode=0604;", mlsd)
        self.assertIn("UNIX.ownername=subowner;", " ".join(out["MLST sub/b.txt"]))


if __name__ == "__main__":
    unittest.main()
