"""Logs reopen on SIGHUP, driven by the shipped logrotate file (dist/logrotate/wardftpd) with its paths pointed
at a test directory: after `logrotate -f`, the rotated files keep the old lines and new SystemLog and
TransferLog lines go to fresh files, while the daemon keeps serving."""
import ftplib
import io
import os
import subprocess
import unittest

import servicetest
from servicetest import wardtest


def shipped_logrotate(workdir):
    with open(os.path.join(wardtest.SOURCE_DIR, "dist", "logrotate", "wardftpd"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("/var/log/wardftpd/", workdir + "/").replace("/run/wardftpd/wardftpd.pid",
                                                                     os.path.join(workdir, "wardftpd.pid"))
    path = os.path.join(workdir, "logrotate.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class LogsReopenOnRotation(unittest.TestCase):
    def test_logrotate_then_sighup_moves_logging_to_new_files(self):
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port)
        workdir = daemon.dir
        daemon.config = servicetest.write_config(workdir, port, [
            "TransferLog %s" % os.path.join(workdir, "xferlog"),
            "PidFile %s" % os.path.join(workdir, "wardftpd.pid")])
        with daemon:
            def upload(name):
                ftp = ftplib.FTP()
                ftp.connect(wardtest.LOOPBACK, port, timeout=10)
                ftp.login("alice", servicetest.PASSWORD)
                ftp.storbinary("STOR " + name, io.BytesIO(b"data\n"))
                ftp.quit()

            upload("before.txt")
            servicetest.wait_for_log(workdir, "before.txt", name="xferlog")
            conf = shipped_logrotate(workdir)
            rotated = subprocess.run(["logrotate", "-f", "-s", os.path.join(workdir, "logrotate.state"), conf],
                                     capture_output=True, text=True, timeout=60)
            self.assertEqual(rotated.returncode, 0, rotated.stdout + rotated.stderr)
            self.assertTrue(os.path.exists(os.path.join(workdir, "system.log.1")))
            self.assertTrue(os.path.exists(os.path.join(workdir, "xferlog.1")))
            # postrotate sent SIGHUP: the reload is logged in the new file, not the rotated one.
            servicetest.wait_for_log(workdir, "configuration reloaded")
            upload("after.txt")
            servicetest.wait_for_log(workdir, "after.txt", name="xferlog")
            servicetest.wait_for_log(workdir, "USER alice: Login successful.")
            old_system = servicetest.system_log(workdir, "system.log.1")
            old_xfer = servicetest.system_log(workdir, "xferlog.1")
            self.assertIn("before.txt", old_xfer)
            self.assertNotIn("after.txt", old_xfer)
            self.assertNotIn("configuration reloaded", old_system)
            self.assertNotIn("before.txt", servicetest.system_log(workdir, "xferlog"))
            self.assertIsNone(daemon.proc.poll())


if __name__ == "__main__":
    unittest.main()
