"""AllowFilter, DenyFilter, PathAllowFilter (mod_core) and DeleteAbortedStores (mod_xfer) as ProFTPD 1.3.8 applies
them: a command argument outside AllowFilter is "550 <arg>: Forbidden command argument"; inside a <Limit> the
filters decide the Limit (a match of AllowFilter allows the command past DenyAll); a path outside PathAllowFilter
is "550 <name>: Forbidden filename" for STOR, MKD, RNTO, DELE, RMD, RNFR, SITE CHMOD and SITE CPFR (MFMT:
"Permission denied", as mod_facts), per <Directory>, and "[NC]" matches without case; an upload that did not
complete (ABOR, a reset data connection, a stall) leaves no partial file with DeleteAbortedStores on, and keeps it with it
off (for a HiddenStores upload, its hidden file)."""
import ftplib
import io
import os
import socket
import struct
import tempfile
import unittest

import wardtest


class InRoot(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-filters-")
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()


class Filters(InRoot):
    def session(self, server):
        return wardtest.login(server)

    def refused(self, ftp, command, reply):
        with self.assertRaises(ftplib.error_perm) as caught:
            ftp.sendcmd(command)
        self.assertEqual(str(caught.exception), reply)

    def test_allow_filter_refuses_a_command_argument_that_does_not_match(self):
        # "" (PWD, NOOP) and "alice" match; PASS is never filtered.
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=[r'AllowFilter "^[a-z.]*$"']) as server:
            ftp = self.session(server)
            self.refused(ftp, "MKD Bad1", "550 Bad1: Forbidden command argument")
            self.assertFalse(os.path.exists(os.path.join(self.root, "Bad1")))
            ftp.mkd("good")
            self.assertEqual(ftp.pwd(), "/")
            ftp.quit()
        self.assertTrue(os.path.isdir(os.path.join(self.root, "good")))

    def test_deny_filter_refuses_a_matching_argument_nocase(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=[r'DenyFilter "secret" [NC]']) as server:
            ftp = self.session(server)
            self.refused(ftp, "MKD top-SECRET", "550 top-SECRET: Forbidden command argument")
            ftp.mkd("public")
            ftp.quit()
        self.assertEqual(sorted(os.listdir(self.root)), ["public"])

    def test_filters_inside_limit_decide_the_limit(self):
        directives = [
            "<Limit MKD>", r"  AllowFilter \.d$", "  DenyAll", "</Limit>",
            "<Limit STOR>", r"  DenyFilter \.exe$ [NC]", "</Limit>",
        ]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.session(server)
            ftp.mkd("ok.d")
            self.refused(ftp, "MKD plain", "550 plain: Permission denied")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR tool.EXE", io.BytesIO(b"x"))
            self.assertEqual(str(caught.exception), "550 tool.EXE: Operation not permitted")
            ftp.storbinary("STOR notes.txt", io.BytesIO(b"x"))
            ftp.quit()
        self.assertEqual(sorted(os.listdir(self.root)), ["notes.txt", "ok.d"])

    def test_path_allow_filter_on_stor_mkd_rnto_dele_rmd_rnfr(self):
        os.mkdir(os.path.join(self.root, "old.dir"))
        with open(os.path.join(self.root, "keep.bin"), "w") as f:
            f.write("k")
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=[r'PathAllowFilter "\.txt$"']) as server:
            ftp = self.session(server)
            ftp.storbinary("STOR a.txt", io.BytesIO(b"a"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR a.bin", io.BytesIO(b"a"))
            self.assertEqual(str(caught.exception), "550 a.bin: Forbidden filename")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR UPPER.TXT", io.BytesIO(b"a"))  # no [NC]: case matters
            self.assertEqual(str(caught.exception), "550 UPPER.TXT: Forbidden filename")
            self.refused(ftp, "MKD sub", "550 sub: Forbidden filename")
            ftp.sendcmd("RNFR a.txt")
            self.refused(ftp, "RNTO a.bin", "550 a.bin: Forbidden filename")
            ftp.sendcmd("RNFR a.txt")
            ftp.sendcmd("RNTO b.txt")
            for command, name in (("DELE", "keep.bin"), ("RMD", "old.dir"), ("RNFR", "keep.bin"),
                                  ("SITE CHMOD 600", "keep.bin"), ("SITE CPFR", "keep.bin")):
                self.refused(ftp, "%s %s" % (command, name), "550 %s: Forbidden filename" % name)
            self.refused(ftp, "MFMT 20200101000000 keep.bin", "550 keep.bin: Permission denied")  # mod_facts' text
            ftp.quit()
        self.assertEqual(sorted(os.listdir(self.root)), ["b.txt", "keep.bin", "old.dir"])

    def test_path_allow_filter_nocase_and_per_directory(self):
        os.mkdir(os.path.join(self.root, "docs"))
        directives = ["<Directory %s/docs>" % self.root, r'  PathAllowFilter "\.txt$" [NC]', "</Directory>"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.session(server)
            ftp.storbinary("STOR docs/UPPER.TXT", io.BytesIO(b"a"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.storbinary("STOR docs/tool.bin", io.BytesIO(b"a"))
            self.assertEqual(str(caught.exception), "550 docs/tool.bin: Forbidden filename")
            ftp.storbinary("STOR tool.bin", io.BytesIO(b"a"))  # outside docs/: no filter
            ftp.cwd("docs")
            self.refused(ftp, "MKD images", "550 images: Forbidden filename")
            ftp.quit()
        self.assertEqual(sorted(os.listdir(os.path.join(self.root, "docs"))), ["UPPER.TXT"])
        self.assertTrue(os.path.exists(os.path.join(self.root, "tool.bin")))


class DeleteAbortedStores(InRoot):
    def upload_then(self, how, directives, name="up.bin"):
        """Starts STOR of `name`, sends 1 MiB, then interrupts it: "abor" (ftplib's abort: urgent ABOR) or "reset"
        (the data connection closed with RST). Returns the names left in the root."""
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = wardtest.login(server)
            ftp.voidcmd("TYPE I")
            conn = ftp.transfercmd("STOR " + name)
            conn.sendall(b"p" * (1 << 20))
            wardtest.wait_for(lambda: len(os.listdir(self.root)) == 1, what="the upload's file")
            if how == "abor":
                self.assertEqual(ftp.abort(), "426 Transfer aborted. Data connection closed.")
                self.assertEqual(ftp.getresp(), "226 Abort successful")
                conn.close()
            else:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
                with self.assertRaises(ftplib.Error):
                    ftp.voidresp()
            self.assertEqual(ftp.voidcmd("NOOP"), "200 NOOP command successful")
            ftp.quit()
        return sorted(os.listdir(self.root))

    def test_on_removes_the_partial_file_after_abor(self):
        self.assertEqual(self.upload_then("abor", ["DeleteAbortedStores on"]), [])

    def test_on_removes_the_partial_file_after_a_reset_data_connection(self):
        self.assertEqual(self.upload_then("reset", ["DeleteAbortedStores on"]), [])

    def test_on_removes_the_partial_file_of_a_stalled_upload(self):
        directives = ["DeleteAbortedStores on", "TimeoutStalled 1"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = wardtest.login(server)
            ftp.voidcmd("TYPE I")
            conn = ftp.transfercmd("STOR slow.bin")
            conn.sendall(b"s" * 4096)
            wardtest.wait_for(lambda: os.listdir(self.root) == ["slow.bin"], what="the upload's file")
            with self.assertRaises(ftplib.error_temp) as caught:
                ftp.voidresp()  # the stall ends the transfer
            self.assertTrue(str(caught.exception).startswith("426 "), str(caught.exception))
            conn.close()
            self.assertEqual(os.listdir(self.root), [])
            ftp.close()  # TimeoutStalled ends the session too (421), as ProFTPD's

    def test_off_keeps_the_partial_file(self):
        self.assertEqual(self.upload_then("abor", ["DeleteAbortedStores off"]), ["up.bin"])
        self.assertGreater(os.path.getsize(os.path.join(self.root, "up.bin")), 0)

    def test_off_keeps_a_hidden_stores_file_and_default_removes_it(self):
        self.assertEqual(self.upload_then("reset", ["HiddenStores on", "DeleteAbortedStores off"]), [".in.up.bin."])
        os.unlink(os.path.join(self.root, ".in.up.bin."))
        self.assertEqual(self.upload_then("reset", ["HiddenStores on"]), [])


if __name__ == "__main__":
    unittest.main()
