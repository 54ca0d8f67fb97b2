"""wardftpd -t checks mod_tls's files as start-up does (daemon/master/tls_files.hpp): an expired or not yet valid
certificate, a key that does not belong to it, or a key other users can read fails -t with the directive's
file:line and what to do, and the "Verified" line lists the certificates checked. Debian 12's stock tls.conf
(tests/config/data/debian/tls.conf), its lines uncommented as its comments tell an admin and its paths pointed at
a test certificate, passes -t and serves an FTPS login. Certificates are made here with the openssl command.
-V, -t and start-up report kernel TLS (daemon/tls/ktls.hpp) alike."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import wardtest
from test_config_cli import ConfigFile, run
from test_debian_stock import FIXTURE, StockInstall


def ftps_not_served():
    """True while this build refuses TLSEngine on (FTPS not wired yet): the certificate checks then cannot be reached
    from a configuration, and integration.ftps shows the refusal itself."""
    with ConfigFile("TLSEngine on\n") as path:
        return "FTPS is not served by this build yet" in run("-t", "-c", path).stderr


FTPS_NOT_SERVED = ftps_not_served()


def data_tls_not_served():
    """True while this build refuses TLSRequired forms that ask for PROT P (TLS data connections not served yet):
    Debian's tls.conf says `TLSRequired on`, and integration.ftps shows that refusal with its file:line."""
    with ConfigFile("TLSRequired on\n") as path:
        return "TLS on data connections (PROT P) is not served by this build yet" in run("-t", "-c", path).stderr


DATA_TLS_NOT_SERVED = data_tls_not_served()
SKIP_REASON = ("this build refuses TLSEngine on until FTPS is wired (integration.ftps shows that refusal); "
               "unit.tls_files_test runs the same certificate checks on a hand-made configuration")


def openssl(*args, cwd=None):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd, timeout=60)


def make_certificate(directory, name, start=None, end=None):
    """A self-signed RSA certificate for CN=localhost and its key (mode 0600): valid for two days from now, or
    from start to end (openssl ca's YYYYMMDDHHMMSSZ dates). Returns (certificate path, key path)."""
    crt, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    if start is None:
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                "-subj", "/CN=localhost")
    else:
        ca = os.path.join(directory, name + ".ca")
        os.mkdir(ca)
        open(os.path.join(ca, "index.txt"), "w", encoding="utf-8").close()
        with open(os.path.join(ca, "serial"), "w", encoding="utf-8") as f:
            f.write("01\n")
        with open(os.path.join(ca, "ca.cnf"), "w", encoding="utf-8") as f:
            f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = ./index.txt\nnew_certs_dir = .\nserial = ./serial\n"
                    "default_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n")
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", "req.csr",
                "-subj", "/CN=localhost", cwd=ca)
        openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key, "-in", "req.csr", "-out", crt,
                "-startdate", start, "-enddate", end, cwd=ca)
    os.chmod(key, 0o600)
    return crt, key


@unittest.skipIf(FTPS_NOT_SERVED, SKIP_REASON)
class CertificateCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="wardtest-tls-")
        self.crt, self.key = make_certificate(self.tmp, "good")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check(self, crt, key):
        """-t of a server whose TLSRSACertificateFile is line 5 and TLSRSACertificateKeyFile line 6."""
        text = ('ServerName "tls check"\nDefaultAddress 127.0.0.1\nPort %d\nTLSEngine on\n'
                "TLSRSACertificateFile %s\nTLSRSACertificateKeyFile %s\n" % (wardtest.free_port(), crt, key))
        with ConfigFile(text) as path:
            return path, run("-t", "-c", path)

    def test_a_working_pair_is_listed_as_verified(self):
        path, result = self.check(self.crt, self.key)
        self.assertEqual(result.returncode, 0, result.stderr)
        verified = result.stdout.splitlines()[-1]
        self.assertTrue(verified.startswith("Verified: "), result.stdout)
        self.assertIn("1 TLS file(s) (TLSRSACertificateFile %s (CN = localhost, RSA 2048 bits, valid until "
                      % self.crt, verified)

    def test_expired_and_future_certificates_fail_at_their_line(self):
        for name, start, end, said in (("expired", "20200101000000Z", "20200102000000Z", "has expired"),
                                       ("future", "20990101000000Z", "20990102000000Z", "is not valid yet")):
            with self.subTest(name):
                crt, key = make_certificate(self.tmp, name, start, end)
                path, result = self.check(crt, key)
                self.assertEqual(result.returncode, 1, result.stdout)
                self.assertTrue(result.stderr.startswith(
                    "wardftpd: %s:5:1: TLSRSACertificateFile: certificate %s %s (" % (path, crt, said)),
                    result.stderr)
                self.assertIn("; renew the certificate (or correct the system clock) and name the new file",
                              result.stderr)
                self.assertNotIn("Syntax OK", result.stdout)

    def test_a_key_of_another_certificate_fails_at_the_key_line(self):
        _, other_key = make_certificate(self.tmp, "other")
        path, result = self.check(self.crt, other_key)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertTrue(result.stderr.startswith(
            "wardftpd: %s:6:1: TLSRSACertificateKeyFile: key %s does not belong to certificate %s; name the key "
            "the certificate was made for" % (path, other_key, self.crt)), result.stderr)

    def test_a_key_other_users_can_read_is_refused(self):
        os.chmod(self.key, 0o644)
        path, result = self.check(self.crt, self.key)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(result.stderr,
                         "wardftpd: %s:6:1: TLSRSACertificateKeyFile: the private key %s is open to other users "
                         "(mode 0644); chmod 600 %s (or 640 with group ssl-cert, as Debian's ssl-cert package "
                         "does)\n" % (path, self.key, self.key))

    def test_an_unreadable_certificate_fails(self):
        missing = os.path.join(self.tmp, "missing.crt")
        path, result = self.check(missing, self.key)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertTrue(result.stderr.startswith(
            "wardftpd: %s:5:1: TLSRSACertificateFile: certificate %s cannot be read" % (path, missing)),
            result.stderr)


@unittest.skipIf(FTPS_NOT_SERVED, SKIP_REASON)
@unittest.skipIf(DATA_TLS_NOT_SERVED, "Debian's tls.conf says TLSRequired on, which asks for PROT P data "
                 "connections; this build serves FTPS on the control connection only and refuses it")
class DebianStockTls(StockInstall):
    """What tls.conf's comments and proftpd.conf's "This is used for FTPS connections" tell a Debian admin:
    LoadModule mod_tls.c, Include /etc/proftpd/tls.conf, every TLS line of tls.conf uncommented, and a
    certificate at the paths it names."""

    def setUp(self):
        super().setUp()
        ssl = os.path.join(self.tmp, "ssl")
        os.mkdir(ssl)
        self.crt, key = make_certificate(ssl, "proftpd")
        with open(os.path.join(FIXTURE, "tls.conf"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^#(TLS\w+\s)", r"\1", text)
        text = (text.replace("/etc/ssl/certs/proftpd.crt", self.crt).replace("/etc/ssl/private/proftpd.key", key)
                .replace("/etc/ssl/certs/CA.pem", self.crt).replace("/var/log/proftpd/", self.tmp + "/log/"))
        with open(os.path.join(self.etc, "tls.conf"), "w", encoding="utf-8") as f:
            f.write(text)
        for name, line in (("modules.conf", "LoadModule mod_tls.c"),
                           ("proftpd.conf", "Include %s/tls.conf" % self.etc)):
            path = os.path.join(self.etc, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertIn("\n#%s\n" % line, text)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace("\n#%s\n" % line, "\n%s\n" % line))

    def test_check(self):
        result = run("-t", "-c", self.conf)
        self.assertEqual(result.returncode, 0, result.stderr)
        verified = result.stdout.splitlines()[-1]
        self.assertIn("TLSRSACertificateFile %s (CN = localhost" % self.crt, verified)
        self.assertIn("TLSCACertificateFile %s (1 CA certificate(s))" % self.crt, verified)

    def test_ftps_login(self):
        with wardtest.Daemon(args=["-c", self.conf], port=self.port):
            url = "ftp://%s:%d/hello.txt" % (wardtest.LOOPBACK, self.port)
            got = subprocess.run(["curl", "-sS", "--max-time", "20", "--ssl-reqd", "--insecure",
                                  "--user", "alice:s3cret", url], capture_output=True, text=True, timeout=30)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, "served from Debian's stock configuration\n")
            # TLSRequired on: the same login in clear text is refused.
            plain = subprocess.run(["curl", "-sS", "--max-time", "20", "--user", "alice:s3cret", url],
                                   capture_output=True, text=True, timeout=30)
            self.assertNotEqual(plain.returncode, 0, plain.stdout)


class KernelTlsReport(unittest.TestCase):
    """-V, -t and the start-up log say, in the same words, whether the kernel's tls ULP and OpenSSL's kTLS are
    there and which path RETR under PROT P takes; the answer follows this kernel's tcp_available_ulp."""

    def test_v_t_and_start_up_say_the_same(self):
        with open("/proc/sys/net/ipv4/tcp_available_ulp", encoding="utf-8") as f:
            listed = "tls" in f.read().split()
        settings = subprocess.run([wardtest.WARDFTPD, "-V"], capture_output=True, text=True, timeout=30)
        lines = [line[len("  + "):] for line in settings.stdout.splitlines() if line.startswith("  + kernel TLS: ")]
        self.assertEqual(len(lines), 1, settings.stdout)
        report = lines[0]
        self.assertIn("; OpenSSL with kTLS; ", report)
        if listed:
            self.assertTrue(report.startswith("kernel TLS: kernel tls ULP available; "), report)
            self.assertTrue(report.endswith("RETR under PROT P uses kTLS + sendfile"), report)
        else:
            self.assertTrue(report.startswith("kernel TLS: kernel tls ULP not available (tls is not in "
                                              "tcp_available_ulp ("), report)
            self.assertTrue(report.endswith("RETR under PROT P uses userspace TLS (read + SSL_write)"), report)

        port = wardtest.free_port()
        text = 'ServerName "ktls"\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPort %d\n' % port
        with ConfigFile(text) as path:
            checked = run("-t", "-c", path)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("wardftpd: %s\n" % report, checked.stderr)
        with wardtest.Daemon(text, port=port) as daemon:
            wardtest.wait_for(lambda: report in daemon.log(), what="the kernel TLS line in the start-up log")


if __name__ == "__main__":
    unittest.main()
