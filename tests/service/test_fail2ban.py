"""fail2ban's stock proftpd filter (Debian's fail2ban package, /etc/fail2ban/filter.d/proftpd.conf) reads our
SystemLog: a live daemon gets an unknown user, two wrong passwords (the third failure closes the connection,
MaxLoginAttempts 3), a root login refused by RootLogin off, and one good login; fail2ban-regex must match
exactly the five failure lines (four USER lines and "Maximum login attempts (3) exceeded") from 127.0.0.1, and
nothing else."""
import ftplib
import os
import re
import subprocess
import unittest

import servicetest
from servicetest import wardtest

FILTER = "/etc/fail2ban/filter.d/proftpd.conf"


def failed_login(ftp, user, password):
    ftp.sendcmd("USER " + user)
    try:
        ftp.sendcmd("PASS " + password)
    except (ftplib.error_perm, ftplib.error_temp) as e:
        return str(e)
    raise AssertionError("login as %s succeeded" % user)


class Fail2banReadsSystemLog(unittest.TestCase):
    def test_stock_proftpd_filter_matches_failed_logins(self):
        self.assertTrue(os.path.exists(FILTER), "fail2ban is not installed (scripts/setup installs it)")
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port)
        daemon.config = servicetest.write_config(daemon.dir, port, root_login=False)
        with daemon:
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=10)
            self.assertTrue(failed_login(ftp, "mallory", "x").startswith("530"))
            self.assertTrue(failed_login(ftp, "alice", "wrong").startswith("530"))
            self.assertTrue(failed_login(ftp, "alice", "wrong again").startswith("530"))  # the third: 530, then closed
            ftp.close()
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=10)
            # alice has uid 0 in this configuration: the right password, refused by RootLogin off.
            self.assertTrue(failed_login(ftp, "alice", servicetest.PASSWORD).startswith("530"))
            ftp.login("bob", servicetest.PASSWORD)
            ftp.quit()
            servicetest.wait_for_log(daemon.dir, "Maximum login attempts (3) exceeded")
            servicetest.wait_for_log(daemon.dir, "USER bob: Login successful.")
            log_path = os.path.join(daemon.dir, "system.log")
            log = servicetest.system_log(daemon.dir)
            self.assertIn("(127.0.0.1[127.0.0.1]): USER mallory (Login failed): No such user found", log)
            self.assertIn("(127.0.0.1[127.0.0.1]): USER alice (Login failed): Incorrect password", log)

            result = subprocess.run(["fail2ban-regex", "--print-all-matched", log_path, FILTER], capture_output=True,
                                    text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            out = result.stdout
            lines = re.search(r"^Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed", out, re.M)
            self.assertIsNotNone(lines, out)
            self.assertEqual(int(lines.group(3)), 5, out)
            section = out.split("|- Matched line(s):\n", 1)[1].split("`-", 1)[0]
            matched = [line for line in section.splitlines() if line.startswith("|  ")]
            self.assertEqual(len(matched), 5, out)
            self.assertEqual(sum("USER mallory (Login failed): No such user found" in m for m in matched), 1, out)
            self.assertEqual(sum("USER alice (Login failed): Incorrect password" in m for m in matched), 2, out)
            self.assertEqual(sum("Maximum login attempts (3) exceeded" in m for m in matched), 1, out)
            self.assertEqual(sum("USER alice (Login failed): User not authorized for login" in m for m in matched), 1,
                             out)
            self.assertNotIn("Login successful", "\n".join(matched))
            # Every match carries the client's address where the filter's <HOST> reads it.
            self.assertTrue(all(" (127.0.0.1[127.0.0.1]): " in m for m in matched), matched)


if __name__ == "__main__":
    unittest.main()
