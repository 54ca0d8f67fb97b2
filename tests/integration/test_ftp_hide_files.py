"""HideFiles, HideUser, HideGroup and HideNoAccess (mod_core) per <Directory>: LIST, NLST, MLSD and STAT leave
hidden entries out, as ProFTPD does; with IgnoreHidden on in the <Limit> for a command, a hidden name answers as
if it did not exist (RETR, CWD), and without it hiding is not access control (RETR still works)."""
import ftplib
import os
import tempfile
import unittest

import wardtest

ALICE = (4100, 4100)  # the session user: not root, so HideNoAccess has something to hide
BOB = (4242, 4343)    # another user, whose group the group file names "staffx"


@unittest.skipUnless(os.geteuid() == 0, "giving files to other users needs root")
class HideFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-hide-")
        os.chmod(self.tmp.name, 0o755)
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(os.path.join(self.root, "pub", "hide.dir"))
        os.makedirs(os.path.join(self.root, "pub", "open"))
        os.makedirs(os.path.join(self.root, "other"))
        files = {
            "pub/data.txt": (ALICE, 0o644),
            "pub/hide.me": (ALICE, 0o644),      # HideFiles ^hide\.
            "pub/bobs.txt": ((BOB[0], ALICE[1]), 0o644),  # HideUser bob
            "pub/grp.txt": ((ALICE[0], BOB[1]), 0o644),   # HideGroup staffx
            "pub/closed.txt": ((4300, 9999), 0o640),      # HideNoAccess: alice may not read it
            "pub/open/hide.too": (ALICE, 0o644),          # HideFiles none below pub
            "other/a.txt": (ALICE, 0o644),
            "other/b.bin": (ALICE, 0o644),                # HideFiles !\.txt$ user alice
        }
        for name, ((uid, gid), mode) in files.items():
            path = os.path.join(self.root, name)
            with open(path, "w") as f:
                f.write("content of %s\n" % name)
            os.chown(path, uid, gid)
            os.chmod(path, mode)
        for folder in ("", "pub", "pub/hide.dir", "pub/open", "other"):
            path = os.path.join(self.root, folder)
            os.chown(path, *ALICE)
            os.chmod(path, 0o755)
        self.groups = os.path.join(self.tmp.name, "ftpd.group")
        with open(self.groups, "w") as f:
            f.write("alicegrp:x:%d:\nstaffx:x:%d:\n" % (ALICE[1], BOB[1]))

    def tearDown(self):
        self.tmp.cleanup()

    def server(self):
        pub = os.path.join(self.root, "pub")
        directives = [
            "AuthGroupFile %s" % self.groups,
            "<Directory %s>" % pub,
            "  HideFiles ^hide\\.",
            "  HideUser bob",
            "  HideGroup staffx",
            "  HideNoAccess on",
            "  <Limit RETR CWD>",
            "    IgnoreHidden on",
            "  </Limit>",
            "</Directory>",
            "<Directory %s/open>" % pub,
            "  HideFiles none",
            "</Directory>",
            "<Directory %s/other>" % self.root,
            "  HideFiles !\\.txt$ user alice",
            "</Directory>",
        ]
        users = {"alice": wardtest.Account("pw", ALICE[0], ALICE[1], self.root),
                 "bob": wardtest.Account("pw", BOB[0], BOB[1], self.root)}
        return wardtest.ftp_server(self.root, users=users, directives=directives)

    @staticmethod
    def login(server, user="alice"):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        ftp.login(user, "pw")
        return ftp

    @staticmethod
    def names(ftp, command):
        lines = []
        ftp.retrlines(command, lines.append)
        if command.startswith("NLST"):
            return sorted(os.path.basename(line) for line in lines)
        return sorted(line.split(" ", 1)[1] if command.startswith("MLSD") else line.split()[-1] for line in lines)

    def test_listings_leave_hidden_entries_out(self):
        with self.server() as server:
            ftp = self.login(server)
            visible = ["data.txt", "open"]
            self.assertEqual(self.names(ftp, "LIST pub"), visible)
            self.assertEqual(self.names(ftp, "NLST pub"), visible)
            self.assertEqual([n for n in self.names(ftp, "MLSD pub") if n not in (".", "..")], visible)
            stat = ftp.sendcmd("STAT pub")
            self.assertIn("data.txt", stat)
            for hidden in ("hide.me", "hide.dir", "bobs.txt", "grp.txt", "closed.txt"):
                self.assertNotIn(hidden, stat)
            # STAT of a hidden name shows nothing (ProFTPD's mod_ls).
            self.assertEqual(ftp.sendcmd("STAT pub/hide.me").splitlines(),
                             ["213-Status of pub/hide.me:", "213 End of status"])
            # "HideFiles none" in a deeper <Directory> shows everything again.
            self.assertEqual(self.names(ftp, "LIST pub/open"), ["hide.too"])
            # "!regex user alice": for alice, only names that match are shown.
            self.assertEqual(self.names(ftp, "NLST other"), ["a.txt"])
            ftp.quit()

    def test_user_qualifier_applies_to_its_user_only(self):
        with self.server() as server:
            ftp = self.login(server, "bob")
            self.assertEqual(self.names(ftp, "NLST other"), ["a.txt", "b.bin"])
            ftp.quit()

    def test_ignore_hidden_refuses_hidden_names(self):
        with self.server() as server:
            ftp = self.login(server)
            for command in ("RETR pub/hide.me", "RETR pub/bobs.txt", "RETR pub/grp.txt"):
                with self.assertRaises(ftplib.error_perm) as refused:
                    ftp.retrbinary(command, lambda data: None)
                self.assertIn("No such file or directory", str(refused.exception), command)
            with self.assertRaises(ftplib.error_perm) as refused:
                ftp.cwd("pub/hide.dir")
            self.assertTrue(str(refused.exception).startswith("550"), refused.exception)
            self.assertIn("No such file or directory", str(refused.exception))
            # Visible names are served as before.
            data = []
            ftp.retrbinary("RETR pub/data.txt", data.append)
            self.assertEqual(b"".join(data), b"content of pub/data.txt\n")
            ftp.cwd("pub/open")
            ftp.quit()

    def test_hidden_without_ignore_hidden_is_still_reachable(self):
        with self.server() as server:
            ftp = self.login(server)
            self.assertNotIn("b.bin", self.names(ftp, "LIST other"))
            data = []
            ftp.retrbinary("RETR other/b.bin", data.append)  # hiding is not access control
            self.assertEqual(b"".join(data), b"content of other/b.bin\n")
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
