"""Listings name owners the way ProFTPD does, also for users added after the daemon started: the names a
confined worker shows are read again, before confinement, when a user or group file changed."""
import crypt
import ftplib
import os
import tempfile
import unittest

import wardtest

NEW_UID = 4242
NEW_GID = 4343


@unittest.skipUnless(os.geteuid() == 0, "giving a file to another uid needs root")
class NamesOfLaterUsers(unittest.TestCase):
    def test_user_added_after_start_is_listed_by_name(self):
        with tempfile.TemporaryDirectory(prefix="ftp-names-") as root:
            path = os.path.join(root, "theirs.txt")
            with open(path, "w") as f:
                f.write("x")
            os.chown(path, NEW_UID, NEW_GID)
            with wardtest.ftp_server(root, users={"alice": "pw"}) as server:
                before = self.listing(server)
                self.assertRegex(before, r" %d +%d +1 .* theirs.txt" % (NEW_UID, NEW_GID))
                with open(os.path.join(server.dir, "ftpd.passwd"), "a") as f:
                    f.write("latecomer:%s:%d:%d::%s:/bin/sh\n" % (crypt.crypt("pw2", crypt.mksalt(crypt.METHOD_SHA512)),
                                                                  NEW_UID, NEW_GID, root))
                after = self.listing(server)
                self.assertRegex(after, r" latecomer +%d +1 .* theirs.txt" % NEW_GID)

    def listing(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        ftp.login("alice", "pw")
        lines = []
        ftp.retrlines("LIST", lines.append)
        ftp.quit()
        return "\n".join(lines)


if __name__ == "__main__":
    unittest.main()
