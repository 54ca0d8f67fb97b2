"""PathDenyFilter (mod_core) as ProFTPD 1.3.8 applies it: DELE, RMD and RNFR of a matching name are refused with
"Forbidden filename" before the file system is asked, and "[NC]" makes the match case-insensitive (STOR)."""
import ftplib
import io
import os
import tempfile
import unittest

import wardtest


class PathDenyFilter(unittest.TestCase):
    def test_dele_rmd_rnfr_refused_and_nocase(self):
        with tempfile.TemporaryDirectory(prefix="ftp-pathdeny-") as root:
            os.mkdir(os.path.join(root, "keep.tmp"))
            with open(os.path.join(root, "old.tmp"), "w") as f:
                f.write("x")
            with wardtest.ftp_server(root, users={"alice": "pw"}, directives=[r'PathDenyFilter "\.tmp$" [NC]']) as server:
                ftp = ftplib.FTP()
                ftp.connect(server.host, server.port, timeout=10)
                ftp.login("alice", "pw")
                for command in ("DELE old.tmp", "RMD keep.tmp", "RNFR old.tmp", "DELE missing.tmp"):
                    with self.assertRaises(ftplib.error_perm) as refused:
                        ftp.sendcmd(command)
                    self.assertRegex(str(refused.exception), r"^550 .*\.tmp: Forbidden filename$")
                with self.assertRaises(ftplib.error_perm) as refused:
                    ftp.storbinary("STOR UPPER.TMP", io.BytesIO(b"y"))
                self.assertIn("Forbidden filename", str(refused.exception))
                ftp.storbinary("STOR fine.txt", io.BytesIO(b"y"))
                ftp.quit()
            self.assertTrue(os.path.exists(os.path.join(root, "old.tmp")))
            self.assertTrue(os.path.isdir(os.path.join(root, "keep.tmp")))
            self.assertFalse(os.path.exists(os.path.join(root, "UPPER.TMP")))
            self.assertTrue(os.path.exists(os.path.join(root, "fine.txt")))


if __name__ == "__main__":
    unittest.main()
