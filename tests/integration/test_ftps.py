"""FTPS (ProFTPD mod_tls, issue 14) against the real daemon. FTPS is not served by this build yet: mod_tls is
built in (`wardftpd -l`), its <IfModule> sections are read, and what asks for TLS (`TLSEngine on`, a
`TLSRequired` form that requires it) is refused by -t and by start-up with the same file:line message, so a
configuration meant to encrypt logins never runs in clear text. The other mod_tls settings start with a warning
naming their line, and the server then offers no TLS on the wire (AUTH TLS is not answered 234)."""
import ftplib
import os
import subprocess
import tempfile
import unittest

import wardtest


def run(*args, timeout=60):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return subprocess.run([wardtest.WARDFTPD, *args], capture_output=True, text=True, timeout=timeout, env=env)


HEADER = "ServerName ftps-test\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPort %d\n"


class ModTlsIsBuiltIn(unittest.TestCase):
    def test_listed_by_dash_l(self):
        listed = run("-l")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("mod_tls.c", [line.strip() for line in listed.stdout.splitlines()])


class WhatAsksForTlsIsRefused(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="wardtest-ftps-")
        self.port = wardtest.free_port()
        self.path = os.path.join(self.tmp.name, "wardftpd.conf")

    def tearDown(self):
        self.tmp.cleanup()

    def assert_refused(self, body, line, expected):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(HEADER % self.port + body)
        check = run("-t", "-c", self.path)
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        self.assertNotIn("Syntax OK", check.stdout)
        start = run("-n", "-c", self.path)
        self.assertEqual(start.returncode, 1, start.stderr)
        message = "wardftpd: %s:%d:" % (self.path, line)
        refusal = [l for l in check.stderr.splitlines() if l.startswith(message)]
        self.assertEqual(len(refusal), 1, check.stderr)
        self.assertIn(expected, refusal[0])
        self.assertIn(refusal[0], start.stderr.splitlines())

    def test_tls_engine_on(self):
        self.assert_refused("<IfModule mod_tls.c>\n  TLSEngine on\n  TLSRequired off\n</IfModule>\n", 6,
                            "TLSEngine on is refused: FTPS is not served by this build yet")

    def test_tls_required_forms_that_ask_for_tls(self):
        for form in ("on", "auth", "ctrl", "data", "auth+data"):
            with self.subTest(form=form):
                self.assert_refused("<IfModule mod_tls.c>\n  TLSRequired %s\n</IfModule>\n" % form, 6,
                                    "TLSRequired %s is refused" % form)


class OtherTlsSettingsStartWithAWarning(unittest.TestCase):
    def test_settings_are_warned_about_and_no_tls_is_offered(self):
        port = wardtest.free_port()
        config = (HEADER % port + "<IfModule mod_tls.c>\n  TLSEngine off\n  TLSRequired off\n"
                  "  TLSProtocol TLSv1.2 TLSv1.3\n  TLSLog /var/log/proftpd/tls.log\n</IfModule>\n")
        with wardtest.Daemon(config=config, port=port) as daemon:
            path = os.path.join(daemon.dir, "wardftpd.conf")
            check = run("-t", "-c", path)
            self.assertEqual(check.returncode, 0, check.stderr)
            warnings = [l for l in check.stderr.splitlines() if l.startswith("wardftpd: warning: ")]
            self.assertEqual(len(warnings), 2, check.stderr)
            self.assertIn("%s:8:3: TLSProtocol" % path, warnings[0] + warnings[1])
            self.assertIn("%s:9:3: TLSLog" % path, warnings[0] + warnings[1])
            for warning in warnings:
                self.assertIn("FTPS is not served by this build yet", warning)
                self.assertIn(warning, daemon.log())
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=10)
            with self.assertRaises(ftplib.error_perm) as refused:
                ftp.sendcmd("AUTH TLS")
            self.assertFalse(str(refused.exception).startswith("234"))
            ftp.close()


if __name__ == "__main__":
    unittest.main()
