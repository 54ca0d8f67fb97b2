"""FTP file and directory commands: PWD CWD CDUP MKD RMD DELE RNFR/RNTO SIZE MDTM SITE CHMOD STAT, Umask,
AllowOverwrite, UTF-8 names, DenyFilter and PathDenyFilter, and paths that try to leave the root."""
import ftplib
import io
import os
import stat
import tempfile
import unittest

import wardtest


class FtpFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-files-")
        self.root = os.path.join(self.tmp.name, "root")
        os.makedirs(os.path.join(self.root, "docs"))
        with open(os.path.join(self.root, "docs", "readme.txt"), "wb") as f:
            f.write(b"0123456789")
        os.utime(os.path.join(self.root, "docs", "readme.txt"), (1000000000, 1000000000))
        with open(os.path.join(self.tmp.name, "outside-secret.txt"), "w") as f:
            f.write("secret outside the root\n")

    def tearDown(self):
        self.tmp.cleanup()

    def session(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        ftp.login("alice", "pw")
        return ftp

    def test_directory_operations(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            self.assertEqual(ftp.sendcmd("PWD"), '257 "/" is the current directory')
            self.assertEqual(ftp.sendcmd("MKD new"), '257 "/new" - Directory successfully created')
            self.assertTrue(os.path.isdir(os.path.join(self.root, "new")))
            self.assertEqual(ftp.cwd("new"), "250 CWD command successful")
            self.assertEqual(ftp.pwd(), "/new")
            self.assertEqual(ftp.sendcmd("XMKD sub"), '257 "/new/sub" - Directory successfully created')
            self.assertEqual(ftp.sendcmd("XCWD sub"), "250 XCWD command successful")
            self.assertEqual(ftp.sendcmd("XPWD"), '257 "/new/sub" is the current directory')
            self.assertEqual(ftp.sendcmd("CDUP"), "250 CDUP command successful")
            self.assertEqual(ftp.pwd(), "/new")
            self.assertEqual(ftp.sendcmd("XCUP"), "250 XCUP command successful")
            self.assertEqual(ftp.pwd(), "/")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.rmd("new")
            self.assertEqual(str(caught.exception), "550 new: Directory not empty")
            self.assertEqual(ftp.sendcmd("RMD new/sub"), "250 RMD command successful")
            self.assertEqual(ftp.sendcmd("XRMD /new"), "250 RMD command successful")
            self.assertFalse(os.path.exists(os.path.join(self.root, "new")))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.cwd("missing")
            self.assertEqual(str(caught.exception), "550 missing: No such file or directory")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.cwd("docs/readme.txt")
            self.assertEqual(str(caught.exception), "550 docs/readme.txt: Not a directory")
            ftp.mkd('say "hi"')
            self.assertEqual(ftp.sendcmd('CWD say "hi"'), "250 CWD command successful")
            self.assertEqual(ftp.sendcmd("PWD"), '257 "/say ""hi""" is the current directory')
            ftp.quit()

    def test_file_commands(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.voidcmd("TYPE I")
            self.assertEqual(ftp.sendcmd("SIZE docs/readme.txt"), "213 10")
            self.assertEqual(ftp.sendcmd("MDTM docs/readme.txt"), "213 20010909014640")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SIZE docs")
            self.assertEqual(str(caught.exception), "550 docs: not a regular file")
            ftp.voidcmd("TYPE A")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SIZE docs/readme.txt")
            self.assertEqual(str(caught.exception), "550 SIZE not allowed in ASCII mode")
            self.assertEqual(ftp.sendcmd("RNFR docs/readme.txt"), "350 File or directory exists, ready for destination name")
            self.assertEqual(ftp.sendcmd("RNTO docs/renamed.txt"), "250 Rename successful")
            self.assertTrue(os.path.exists(os.path.join(self.root, "docs", "renamed.txt")))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("RNTO other")
            self.assertEqual(str(caught.exception), "503 Bad sequence of commands")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("RNFR nothing-here")
            self.assertEqual(str(caught.exception), "550 nothing-here: No such file or directory")
            self.assertEqual(ftp.sendcmd("SITE CHMOD 600 docs/renamed.txt"), "200 SITE CHMOD command successful")
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.root, "docs", "renamed.txt")).st_mode), 0o600)
            for setid in ("4755", "2755", "6777"):
                with self.assertRaises(ftplib.error_perm) as caught:
                    ftp.sendcmd("SITE CHMOD %s docs/renamed.txt" % setid)
                self.assertEqual(str(caught.exception),
                                 "550 docs/renamed.txt: setuid and setgid bits cannot be set over FTP")
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.root, "docs", "renamed.txt")).st_mode), 0o600)
            self.assertEqual(ftp.sendcmd("SITE CHMOD 1700 docs/renamed.txt"), "200 SITE CHMOD command successful")
            self.assertEqual(ftp.sendcmd("SITE CHMOD 600 docs/renamed.txt"), "200 SITE CHMOD command successful")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("SITE CHMOD 99x docs/renamed.txt")
            self.assertTrue(ftp.sendcmd("SITE HELP").startswith("214-"))
            self.assertEqual(ftp.delete("docs/renamed.txt"), "250 DELE command successful")
            self.assertEqual(os.listdir(os.path.join(self.root, "docs")), [])
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.delete("docs/renamed.txt")
            self.assertEqual(str(caught.exception), "550 docs/renamed.txt: No such file or directory")
            status = ftp.sendcmd("STAT docs")
            self.assertTrue(status.startswith("212-Status of docs:"), status)
            ftp.quit()

    def test_umask_applies_to_files_and_directories(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, umask=0o027) as server:
            ftp = self.session(server)
            ftp.mkd("private")
            ftp.storbinary("STOR private/f.bin", io.BytesIO(b"abc"))
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.root, "private")).st_mode), 0o750)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.root, "private", "f.bin")).st_mode), 0o640)
            ftp.quit()

    def test_allow_overwrite_off_refuses_replacing(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, allow_overwrite=False) as server:
            ftp = self.session(server)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR docs/readme.txt", io.BytesIO(b"replacement"))
            self.assertEqual(str(caught.exception), "550 docs/readme.txt: Overwrite permission denied")
            with open(os.path.join(self.root, "docs", "readme.txt"), "rb") as f:
                self.assertEqual(f.read(), b"0123456789")
            ftp.storbinary("STOR docs/new.txt", io.BytesIO(b"new"))
            ftp.sendcmd("RNFR docs/new.txt")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("RNTO docs/readme.txt")
            with open(os.path.join(self.root, "docs", "readme.txt"), "rb") as f:
                self.assertEqual(f.read(), b"0123456789")
            ftp.quit()
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, allow_overwrite=True) as server:
            ftp = self.session(server)
            ftp.storbinary("STOR docs/readme.txt", io.BytesIO(b"replacement"))
            with open(os.path.join(self.root, "docs", "readme.txt"), "rb") as f:
                self.assertEqual(f.read(), b"replacement")
            ftp.quit()

    def test_utf8_names(self):
        name = "Grüße – 日本語.txt"
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.encoding = "utf-8"
            self.assertIn("UTF8", ftp.sendcmd("FEAT"))
            ftp.sendcmd("OPTS UTF8 ON")
            ftp.storbinary("STOR " + name, io.BytesIO("ünïcödé".encode()))
            self.assertTrue(os.path.exists(os.path.join(self.root, name)))
            self.assertIn(name, ftp.nlst())
            self.assertIn(name, [n for n, _ in ftp.mlsd()])
            ftp.mkd("Ordner-ß")
            self.assertEqual(ftp.pwd(), "/")
            ftp.cwd("Ordner-ß")
            self.assertEqual(ftp.pwd(), "/Ordner-ß")
            ftp.quit()

    def test_dotdot_and_symlinks_cannot_leave_the_root(self):
        os.symlink("/etc", os.path.join(self.root, "abs-link"))
        os.symlink("../..", os.path.join(self.root, "rel-link"))
        os.symlink("/", os.path.join(self.root, "root-link"))
        os.symlink(os.path.join(self.tmp.name, "outside-secret.txt"), os.path.join(self.root, "file-link"))
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            ftp = self.session(server)
            ftp.cwd("../../..")
            self.assertEqual(ftp.pwd(), "/")
            self.assertEqual(sorted(os.path.basename(n) for n in ftp.nlst("../..")), sorted(ftp.nlst()))
            for path in ("../outside-secret.txt", "/../outside-secret.txt", "rel-link/outside-secret.txt",
                         "file-link", "abs-link/passwd", "docs/../../outside-secret.txt"):
                with self.assertRaises(ftplib.error_perm, msg=path):
                    ftp.retrbinary("RETR " + path, lambda data: self.fail("got data for " + path))
            # Absolute symlinks resolve inside the session root: "/etc" there does not exist, "/" is the root.
            with self.assertRaises(ftplib.error_perm):
                ftp.cwd("abs-link")
            ftp.cwd("root-link")
            self.assertEqual(ftp.pwd(), "/root-link")
            self.assertIn("docs", ftp.nlst())
            ftp.cwd("/rel-link")
            self.assertIn("docs", ftp.nlst())
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("SITE CHMOD 777 file-link")
            self.assertNotEqual(stat.S_IMODE(os.stat(os.path.join(self.tmp.name, "outside-secret.txt")).st_mode), 0o777)
            with self.assertRaises(ftplib.error_perm):
                ftp.storbinary("STOR abs-link/passwd", io.BytesIO(b"x"))
            self.assertFalse(os.path.exists(os.path.join(self.root, "passwd")))
            ftp.quit()

    def test_deny_filter_refuses_matching_lines(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, deny_filter=r"\*") as server:
            ftp = self.session(server)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("MKD a*b")
            self.assertEqual(str(caught.exception), "550 a*b: Forbidden command argument")
            self.assertFalse(os.path.exists(os.path.join(self.root, "a*b")))
            ftp.mkd("ab")
            ftp.quit()

    def test_path_deny_filter_refuses_names(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, path_deny_filter=r"\.exe$") as server:
            ftp = self.session(server)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR virus.exe", io.BytesIO(b"MZ"))
            self.assertEqual(str(caught.exception), "550 virus.exe: Forbidden filename")
            with self.assertRaises(ftplib.error_perm):
                ftp.mkd("dir.exe")
            ftp.storbinary("STOR fine.txt", io.BytesIO(b"ok"))
            ftp.sendcmd("RNFR fine.txt")
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("RNTO fine.exe")
            self.assertEqual(sorted(os.listdir(self.root)), ["docs", "fine.txt"])
            ftp.quit()

    def test_hook_events_carry_paths(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hooks=True) as server:
            ftp = self.session(server)
            ftp.cwd("docs")
            ftp.sendcmd("RNFR readme.txt")
            ftp.sendcmd("RNTO moved.txt")
            with self.assertRaises(ftplib.error_perm):
                ftp.delete("absent")
            ftp.quit()
            rnto = server.wait_for_hook(lambda e: e["point"] == "on_command" and e["command"] == "RNTO")
            self.assertEqual(rnto["rename_from"], "/docs/readme.txt")
            self.assertEqual(rnto["path"], "/docs/moved.txt")
            self.assertEqual(rnto["cwd"], "/docs")
            self.assertEqual(rnto["reply_code"], 250)
            dele = server.wait_for_hook(lambda e: e["point"] == "on_error" and e["command"] == "DELE")
            self.assertEqual(dele["path"], "/docs/absent")
            self.assertEqual(dele["reply_code"], 550)


if __name__ == "__main__":
    unittest.main()
