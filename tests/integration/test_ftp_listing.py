"""Directory listings: LIST (ls -l lines, -a, -d, globs, symlinks), NLST, MLSD and MLST facts with OPTS MLST,
STAT of a path, and a 10,000-entry directory listed quickly and completely."""
import ftplib
import os
import re
import tempfile
import time
import unittest

import wardtest


class FtpListing(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-list-")
        self.root = self.tmp.name
        os.makedirs(os.path.join(self.root, "dir"))
        with open(os.path.join(self.root, "a.txt"), "wb") as f:
            f.write(b"12345")
        os.chmod(os.path.join(self.root, "a.txt"), 0o640)
        os.utime(os.path.join(self.root, "a.txt"), (1262304000, 1262304000))  # 2010-01-01 00:00:00 UTC
        with open(os.path.join(self.root, ".hidden"), "w") as f:
            f.write("h")
        os.symlink("a.txt", os.path.join(self.root, "link"))

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=30)
        ftp.login("alice", "pw")
        return ftp

    def list_lines(self, ftp, command):
        lines = []
        ftp.retrlines(command, lines.append)
        return lines

    def test_list_lines_look_like_ls(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            lines = self.list_lines(ftp, "LIST")
            names = [line.split()[-1] if " -> " not in line else line.split(" -> ")[0].split()[-1] for line in lines]
            self.assertEqual(names, ["a.txt", "dir", "link"])
            a_line = [line for line in lines if line.endswith(" a.txt")][0]
            self.assertRegex(a_line, r"^-rw-r-----\s+1 \S+\s+\S+\s+5 Jan  1  2010 a.txt$")
            self.assertTrue([line for line in lines if line.startswith("d") and line.endswith(" dir")])
            self.assertTrue([line for line in lines if line.startswith("l") and line.endswith("link -> a.txt")])
            self.assertIn(".hidden", " ".join(self.list_lines(ftp, "LIST -a")))
            self.assertEqual(len(self.list_lines(ftp, "LIST a.txt")), 1)
            self.assertEqual([line.split()[-1] for line in self.list_lines(ftp, "LIST *.txt")], ["a.txt"])
            dir_line = self.list_lines(ftp, "LIST -d dir")
            self.assertEqual(len(dir_line), 1)
            self.assertTrue(dir_line[0].startswith("d"))
            self.assertEqual(ftp.nlst(), ["a.txt", "dir", "link"])
            self.assertEqual(ftp.nlst("dir"), [])
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.nlst("missing")
            self.assertEqual(str(caught.exception), "450 missing: No such file or directory")
            ftp.quit()

    def test_mlsd_and_mlst_facts(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            entries = dict(ftp.mlsd())
            self.assertEqual(entries["."]["type"], "cdir")
            self.assertEqual(entries[".."]["type"], "pdir")
            a = entries["a.txt"]
            self.assertEqual(a["type"], "file")
            self.assertEqual(a["size"], "5")
            self.assertEqual(a["modify"], "20100101000000")
            self.assertEqual(a["unix.mode"], "0640")
            self.assertEqual(a["unix.owner"], str(os.getuid()))
            self.assertEqual(a["unix.group"], str(os.getgid()))
            self.assertIn("r", a["perm"])
            self.assertRegex(a["unique"], r"^[0-9A-F]+U[0-9A-F]+$")
            self.assertEqual(entries["dir"]["type"], "dir")
            self.assertIn("e", entries["dir"]["perm"])
            self.assertEqual(entries["link"]["type"], "file")  # followed inside the root
            self.assertIn(".hidden", entries)
            reply = ftp.sendcmd("MLST a.txt")
            lines = reply.splitlines()
            self.assertEqual(lines[0], "250-Start of list for a.txt")
            self.assertTrue(lines[1].startswith(" modify=20100101000000;perm="), lines[1])
            self.assertTrue(lines[1].endswith(" /a.txt"))
            self.assertEqual(lines[2], "250 End of list")
            self.assertEqual(ftp.sendcmd("OPTS MLST size;Type;bogus;"), "200 OPTS MLST size;type;")
            self.assertIn("MLST modify;perm;size*;type*;", ftp.sendcmd("FEAT"))
            self.assertEqual(ftp.sendcmd("MLST a.txt").splitlines()[1], " size=5;type=file; /a.txt")
            self.assertEqual(dict(ftp.mlsd())["a.txt"], {"type": "file", "size": "5"})
            with self.assertRaises(ftplib.error_perm) as caught:
                list(ftp.mlsd("a.txt"))
            self.assertEqual(str(caught.exception), "550 'a.txt' is not a directory")
            ftp.quit()

    def test_stat_of_a_path_lists_over_the_control_connection(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            lines = ftp.sendcmd("STAT .").splitlines()
            self.assertEqual(lines[0], "212-Status of .:")
            self.assertEqual(lines[-1], "212 End of status")
            self.assertTrue(any(line.endswith(" a.txt") for line in lines[1:-1]))
            lines = ftp.sendcmd("STAT a.txt").splitlines()  # a file's status is 213, as ProFTPD answers
            self.assertEqual(lines[0], "213-Status of a.txt:")
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.sendcmd("STAT missing.txt")
            self.assertEqual(str(caught.exception), "450 missing.txt: No such file or directory")
            ftp.quit()

    def test_ten_thousand_entries(self):
        big = os.path.join(self.root, "big")
        os.makedirs(big)
        for i in range(10000):
            with open(os.path.join(big, "file-%05d.dat" % i), "wb"):
                pass
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            start = time.monotonic()
            lines = self.list_lines(ftp, "LIST big")
            list_seconds = time.monotonic() - start
            self.assertEqual(len(lines), 10000)
            self.assertTrue(lines[0].endswith("file-00000.dat") and lines[-1].endswith("file-09999.dat"))
            start = time.monotonic()
            entries = [name for name, _ in ftp.mlsd("big") if name not in (".", "..")]
            mlsd_seconds = time.monotonic() - start
            self.assertEqual(len(entries), 10000)
            self.assertEqual(len(ftp.nlst("big")), 10000)
            # Generous bounds: the sanitizer build is slow; a per-entry system-call storm is slower still.
            self.assertLess(list_seconds, 10)
            self.assertLess(mlsd_seconds, 10)
            ftp.quit()

    def test_show_symlinks_off_shows_the_target(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, show_symlinks=False) as server:
            ftp = self.session(server)
            link_line = [line for line in self.list_lines(ftp, "LIST") if line.endswith(" link")][0]
            self.assertTrue(link_line.startswith("-rw-r-----"), link_line)
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
