"""LIST -R / -a from the client and ListOptions (mod_ls): default options, '+' options a client cannot use,
strict, LISTOnly/NLSTOnly, maxdepth, NoErrorIfAbsent; a recursive listing respects <Limit> per directory."""
import ftplib
import os
import tempfile
import unittest

import wardtest


class ListOptions(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-listopts-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(os.path.join(self.root, "sub", "deeper"))
        os.makedirs(os.path.join(self.root, "closed"))
        for name in ("a.txt", ".hidden", "sub/b.txt", "sub/deeper/c.txt", "closed/secret.txt"):
            with open(os.path.join(self.root, name), "w") as f:
                f.write("x")

    def tearDown(self):
        self.tmp.cleanup()

    def lines(self, directives, command):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            ftp.login("alice", "pw")
            out = []
            ftp.retrlines(command, out.append)
            ftp.quit()
            return out

    def names(self, lines):
        return [line.split()[-1] for line in lines if line and not line.endswith(":")]

    def test_client_options_a_and_r(self):
        plain = self.lines([], "LIST")
        self.assertNotIn(".hidden", self.names(plain))
        self.assertNotIn("sub:", plain)
        everything = self.lines([], "LIST -a")
        self.assertIn(".hidden", self.names(everything))
        recursive = self.lines([], "LIST -R")
        self.assertIn("sub:", recursive)
        self.assertIn("sub/deeper:", recursive)
        self.assertIn("c.txt", self.names(recursive))
        self.assertEqual(recursive[recursive.index("sub:") - 1], "")  # a blank line before each header, as ls -R
        named = self.lines([], "LIST -R sub")
        self.assertIn("sub/deeper:", named)

    def test_list_options_default_and_forbidden_letters(self):
        self.assertIn(".hidden", self.names(self.lines(['ListOptions "-a"'], "LIST")))
        self.assertNotIn("sub:", self.lines(['ListOptions "+R"'], "LIST -R"))
        strict = self.lines(['ListOptions "-l" strict'], "LIST -a")
        self.assertNotIn(".hidden", self.names(strict))

    def test_list_only_and_nlst_only(self):
        self.assertNotIn(".hidden", self.names(self.lines(['ListOptions "-a" NLSTOnly'], "LIST")))
        self.assertIn(".hidden", self.lines(['ListOptions "-a" NLSTOnly'], "NLST"))
        self.assertNotIn(".hidden", self.lines(['ListOptions "-a" LISTOnly'], "NLST"))

    def test_maxdepth_bounds_recursion(self):
        shallow = self.lines(['ListOptions "-l" maxdepth 1'], "LIST -R")
        self.assertIn("sub:", shallow)
        self.assertNotIn("sub/deeper:", shallow)

    def test_no_error_if_absent(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            ftp.login("alice", "pw")
            with self.assertRaises(ftplib.error_temp):
                ftp.nlst("missing")
            ftp.quit()
        self.assertEqual(self.lines(['ListOptions "-l" NoErrorIfAbsent'], "NLST missing"), [])

    def test_recursion_skips_directories_limit_denies(self):
        limit = ["<Directory %s/closed>" % self.root, "  <Limit LIST>", "    DenyAll", "  </Limit>", "</Directory>"]
        lines = self.lines(limit, "LIST -R")
        self.assertIn("sub:", lines)
        self.assertNotIn("closed:", lines)
        self.assertNotIn("secret.txt", self.names(lines))


if __name__ == "__main__":
    unittest.main()
