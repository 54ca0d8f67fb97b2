"""The verb table on the wire: <Limit> checks every command under its own name and group as ProFTPD does
(data-channel set-up, PWD, SITE CHMOD/CHGRP, MFMT, MFF, RNFR under WRITE), and the commands a ProFTPD
client expects: CLNT, LANG, HOST, MFMT, MFF, SITE CHGRP, SITE CPFR/CPTO, mod_site_misc's SITE commands."""
import calendar
import ftplib
import os
import stat
import tempfile
import unittest

import wardtest


def denied(directives):
    return {"directives": directives}


class Verbs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-verbs-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(os.path.join(self.root, "ro"))
        os.makedirs(os.path.join(self.root, "rw"))
        for name in ("ro/f.txt", "rw/f.txt", "top.txt"):
            with open(os.path.join(self.root, name), "wb") as f:
                f.write(b"hello verbs\n")

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        ftp.login("alice", "pw")
        return ftp

    def refused(self, ftp, line, prefix):
        with self.assertRaises(ftplib.Error) as caught:
            ftp.sendcmd(line)
        self.assertTrue(str(caught.exception).startswith(prefix), "%s -> %s" % (line, caught.exception))
        return str(caught.exception)

    # ---- <Limit> on every command ----

    def test_limit_on_data_channel_commands_answers_501(self):
        for verb in ("EPSV", "PASV", "PORT", "EPRT"):
            with self.subTest(verb=verb):
                limit = ["<Limit %s>" % verb, "  DenyAll", "</Limit>"]
                with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
                    ftp = self.session(server)
                    args = {"EPSV": "EPSV", "PASV": "PASV", "PORT": "PORT 127,0,0,1,200,10",
                            "EPRT": "EPRT |1|127.0.0.1|51210|"}
                    self.assertEqual(self.refused(ftp, args[verb], "501"), "501 %s: Operation not permitted" % verb)
                    ftp.sendcmd("NOOP")  # the session goes on
                    ftp.quit()

    def test_limit_all_leaves_data_channel_commands_alone(self):
        limit = ["<Limit ALL>", "  DenyAll", "</Limit>", "<Limit LOGIN>", "  AllowAll", "</Limit>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
            ftp = self.session(server)
            self.assertTrue(ftp.sendcmd("EPSV").startswith("229"))  # outside ALL, as in ProFTPD
            self.refused(ftp, "PWD", "550")
            self.refused(ftp, "TYPE I", "550")
            self.refused(ftp, "RETR top.txt", "550")
            ftp.quit()

    def test_limit_pwd_and_other_verbs_by_name(self):
        limit = ["<Limit PWD SYST MDTM FEAT>", "  DenyAll", "</Limit>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
            ftp = self.session(server)
            self.assertEqual(self.refused(ftp, "PWD", "550"), "550 PWD: Permission denied")
            self.assertEqual(self.refused(ftp, "XPWD", "550"), "550 XPWD: Permission denied")  # the twin
            self.refused(ftp, "SYST", "550")
            self.refused(ftp, "FEAT", "550")
            self.refused(ftp, "MDTM top.txt", "550")
            self.assertTrue(ftp.sendcmd("NOOP").startswith("200"))
            ftp.quit()

    def test_limit_write_covers_site_chmod_chgrp_mfmt_mff_and_cpto(self):
        limit = ["<Limit WRITE>", "  DenyAll", "</Limit>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
            ftp = self.session(server)
            before = os.stat(os.path.join(self.root, "top.txt"))
            self.refused(ftp, "SITE CHMOD 777 top.txt", "550")
            self.refused(ftp, "SITE CHGRP %d top.txt" % os.getgid(), "550")
            self.refused(ftp, "MFMT 20010203040506 top.txt", "550")
            self.refused(ftp, "MFF modify=20010203040506; top.txt", "550")
            self.assertTrue(ftp.sendcmd("SITE CPFR top.txt").startswith("350"))  # CPFR is READ
            self.refused(ftp, "SITE CPTO copy.txt", "550")
            self.refused(ftp, "RNFR top.txt", "550")
            after = os.stat(os.path.join(self.root, "top.txt"))
            self.assertEqual((before.st_mode, before.st_mtime), (after.st_mode, after.st_mtime))
            self.assertFalse(os.path.exists(os.path.join(self.root, "copy.txt")))
            ftp.quit()

    def test_limit_site_chmod_by_its_own_name(self):
        limit = ["<Limit SITE_CHMOD>", "  DenyAll", "</Limit>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
            ftp = self.session(server)
            self.refused(ftp, "SITE CHMOD 600 top.txt", "550")
            self.assertTrue(ftp.sendcmd("MFMT 20010203040506 top.txt").startswith("213"))
            ftp.quit()

    def test_rnfr_out_of_a_write_limited_directory_is_denied(self):
        limit = ["<Directory %s/ro>" % self.root, "  <Limit WRITE>", "    DenyAll", "  </Limit>", "</Directory>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=limit) as server:
            ftp = self.session(server)
            self.assertEqual(self.refused(ftp, "RNFR ro/f.txt", "550"), "550 ro/f.txt: Operation not permitted")
            self.refused(ftp, "RNTO rw/moved.txt", "503")  # nothing pending
            self.assertTrue(os.path.exists(os.path.join(self.root, "ro", "f.txt")))
            self.assertTrue(ftp.sendcmd("RNFR rw/f.txt").startswith("350"))
            self.assertTrue(ftp.sendcmd("RNTO rw/g.txt").startswith("250"))
            ftp.quit()

    # ---- new commands ----

    def test_feat_lists_the_table_lines(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            feat = ftp.sendcmd("FEAT").splitlines()
            for line in (" CLNT", " HOST", " LANG en-US*", " MFMT", " MFF modify;", " MDTM", " SIZE", " EPSV",
                         " UTF8", " REST STREAM", " TVFS"):
                self.assertIn(line, feat)
            ftp.close()

    def test_clnt_and_lang_before_and_after_login(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            self.assertEqual(ftp.sendcmd("CLNT wardtest 1.0"), "200 OK")
            self.assertEqual(ftp.sendcmd("LANG"), "200 Using default language en-US")
            self.assertEqual(ftp.sendcmd("LANG en-US"), "200 Using language en-US")
            self.assertEqual(self.refused(ftp, "LANG fr", "504"), "504 Language fr not supported")
            ftp.login("alice", "pw")
            self.assertEqual(ftp.sendcmd("CLNT again"), "200 OK")
            ftp.quit()

    def test_host_before_user_only(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            self.refused(ftp, "HOST bad/name", "501")
            self.assertEqual(ftp.sendcmd("HOST ftp.example.org"), "220 HOST command successful")
            self.refused(ftp, "HOST ftp.example.org", "503")  # once
            ftp.login("alice", "pw")
            ftp.quit()
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            resp = ftp.sendcmd("USER alice")
            self.assertTrue(resp.startswith("331"))
            self.assertEqual(self.refused(ftp, "HOST ftp.example.org", "503"), "503 Bad sequence of commands")
            ftp.close()

    def test_host_with_virtual_hosts_must_name_this_server(self):
        vhost = ["<VirtualHost 127.0.0.2>", '  ServerName "other"', "  Port %d" % wardtest.free_port(),
                 "</VirtualHost>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=vhost) as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            self.assertEqual(self.refused(ftp, "HOST other.example", "504"),
                             "504 other.example: Unknown hostname provided")
            ftp.close()

    def test_mfmt_and_mff_set_the_modification_time(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            expected = calendar.timegm((2001, 2, 3, 4, 5, 6))
            self.assertEqual(ftp.sendcmd("MFMT 20010203040506 top.txt"), "213 Modify=20010203040506; top.txt")
            self.assertEqual(os.stat(os.path.join(self.root, "top.txt")).st_mtime, expected)
            self.assertEqual(ftp.sendcmd("MDTM top.txt"), "213 20010203040506")
            self.assertEqual(ftp.sendcmd("MFF modify=20020304050607; rw/f.txt"), "213 modify=20020304050607; rw/f.txt")
            self.assertEqual(os.stat(os.path.join(self.root, "rw", "f.txt")).st_mtime,
                             calendar.timegm((2002, 3, 4, 5, 6, 7)))
            self.refused(ftp, "MFF UNIX.mode=0777; top.txt", "504")
            self.refused(ftp, "MFMT 20010231000000 top.txt", "501")
            self.refused(ftp, "MFMT 20010203040506", "501")
            self.refused(ftp, "MFMT 20010203040506 missing.txt", "550")
            self.refused(ftp, "MFMT 20010203040506 ../../../etc/passwd", "550")
            ftp.quit()

    def test_site_chgrp(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            gid = os.getgid()
            self.assertEqual(ftp.sendcmd("SITE CHGRP %d top.txt" % gid), "200 SITE CHGRP command successful")
            self.assertEqual(os.stat(os.path.join(self.root, "top.txt")).st_gid, gid)
            self.refused(ftp, "SITE CHGRP no-such-group-here top.txt", "550")
            self.refused(ftp, "SITE CHGRP 0", "501")
            help_lines = ftp.sendcmd("SITE HELP").splitlines()
            for line in (" CHGRP", " CHMOD", " CPFR", " CPTO", " HELP"):
                self.assertIn(line, help_lines)
            ftp.quit()

    def test_site_cpfr_cpto_copies_a_file(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            self.refused(ftp, "SITE CPTO x.txt", "503")
            self.assertEqual(ftp.sendcmd("SITE CPFR top.txt"),
                             "350 File or directory exists, ready for destination name")
            self.assertEqual(ftp.sendcmd("SITE CPTO rw/copy.txt"), "250 Copy successful")
            with open(os.path.join(self.root, "rw", "copy.txt"), "rb") as f:
                self.assertEqual(f.read(), b"hello verbs\n")
            ftp.sendcmd("SITE CPFR top.txt")
            self.refused(ftp, "SITE CPTO rw/copy.txt", "550")  # AllowOverwrite off
            ftp.sendcmd("SITE CPFR ro")
            self.refused(ftp, "SITE CPTO ro2", "550")  # directories: not copied here
            self.refused(ftp, "SITE CPFR missing.txt", "550")
            ftp.quit()


class DirectoryUmask(unittest.TestCase):
    def test_mkd_follows_the_second_umask_argument(self):
        with tempfile.TemporaryDirectory(prefix="ftp-umask-") as root:
            with wardtest.ftp_server(root, users={"alice": "pw"}, directives=["Umask 022 077"]) as server:
                ftp = ftplib.FTP()
                ftp.connect(server.host, server.port, timeout=10)
                ftp.login("alice", "pw")
                ftp.mkd("private")
                ftp.storbinary("STOR shared.txt", __import__("io").BytesIO(b"x"))
                ftp.quit()
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, "private")).st_mode), 0o700)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, "shared.txt")).st_mode), 0o644)


if __name__ == "__main__":
    unittest.main()
