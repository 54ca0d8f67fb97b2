"""FTPS (ProFTPD mod_tls, issue 14) against the real daemon, with real clients on loopback.

Explicit FTPS on the control connection is served: AUTH TLS, the handshake signed through the monitor by the
key process (no worker holds the private key), USER/PASS under TLS, and after login the pre-auth worker staying
as the confined relay between the client's TLS and the post-auth worker (daemon/tls/control_relay.hpp). TLS on
data connections (PROT P) is not served yet: PROT P is answered 536, and every TLSRequired form that asks for
data protection is refused by -t and by start-up with the same file:line message."""
import ftplib
import io
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

import wardtest


ROOT = os.geteuid() == 0


def run(*args, timeout=60):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return subprocess.run([wardtest.WARDFTPD, *args], capture_output=True, text=True, timeout=timeout, env=env)


HEADER = "ServerName ftps-test\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPort %d\n"


def make_certificate(directory):
    """A throw-away self-signed RSA certificate for CN=localhost: (certificate path, key path)."""
    cert = os.path.join(directory, "server.crt")
    key = os.path.join(directory, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    os.chmod(directory, 0o755)
    os.chmod(cert, 0o644)
    os.chmod(key, 0o600)
    return cert, key


def private_exponent(key):
    """The RSA key's private exponent d as an int (openssl's text dump)."""
    text = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-text"], check=True, capture_output=True,
                          text=True).stdout
    block = text.split("privateExponent:", 1)[1].split("prime1:", 1)[0]
    return int(re.sub(r"[^0-9a-f]", "", block), 16)


def tls_directives(cert, key, *extra):
    return ["<IfModule mod_tls.c>", "  TLSEngine on", "  TLSRSACertificateFile " + cert,
            "  TLSRSACertificateKeyFile " + key, *("  " + line for line in extra), "</IfModule>"]


class WithCertificate(unittest.TestCase):
    """A throw-away certificate and key for the test class (cls.cert, cls.key)."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="wardtest-ftps-certs-")
        cls.cert, cls.key = make_certificate(cls.certs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)


class ModTlsIsBuiltIn(unittest.TestCase):
    def test_listed_by_dash_l(self):
        listed = run("-l")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("mod_tls.c", [line.strip() for line in listed.stdout.splitlines()])


class WhatCannotBeAppliedIsRefused(WithCertificate):
    """-t and start-up refuse, with the same file:line line, what this build would leave unapplied."""

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

    def test_tls_required_forms_that_ask_for_data_protection(self):
        for form in ("on", "data", "auth+data", "ctrl+data"):
            with self.subTest(form=form):
                self.assert_refused("<IfModule mod_tls.c>\n  TLSRequired %s\n</IfModule>\n" % form, 6,
                                    "TLSRequired %s is refused: TLS on data connections (PROT P) is not served"
                                    % form)

    def engine_on(self, *lines):
        return "\n".join(tls_directives(self.cert, self.key, *lines)) + "\n"

    def test_settings_that_would_be_unapplied_with_tls_engine_on(self):
        # HEADER is 4 lines, then <IfModule>, TLSEngine, the certificate and key: the extra line is line 9.
        self.assert_refused(self.engine_on("TLSVerifyClient on", "TLSCACertificateFile " + self.cert), 9,
                            "TLSVerifyClient: on is refused: client certificates are not requested")
        self.assert_refused(self.engine_on("TLSOptions UseImplicitSSL"), 9,
                            "TLSOptions: UseImplicitSSL is refused: implicit FTPS is not served")
        self.assert_refused(self.engine_on("TLSRequired !ctrl"), 9, "TLSRequired: !ctrl is refused with TLSEngine on")
        self.assert_refused(self.engine_on() + "<Directory /srv>\n  TLSRequired auth\n</Directory>\n", 11,
                            "TLSRequired: inside <Directory> or <Anonymous> is refused with TLSEngine on")


class TlsEngineOffOffersNoTls(unittest.TestCase):
    def test_settings_that_do_nothing_are_warned_about_and_no_tls_is_offered(self):
        port = wardtest.free_port()
        config = (HEADER % port + "<IfModule mod_tls.c>\n  TLSEngine off\n  TLSRequired off\n"
                  "  TLSProtocol TLSv1.2 TLSv1.3\n  TLSLog /var/log/proftpd/tls.log\n</IfModule>\n")
        with wardtest.Daemon(config=config, port=port) as daemon:
            path = os.path.join(daemon.dir, "wardftpd.conf")
            check = run("-t", "-c", path)
            self.assertEqual(check.returncode, 0, check.stderr)
            warnings = [l for l in check.stderr.splitlines() if l.startswith("wardftpd: warning: ")]
            self.assertEqual(len(warnings), 1, check.stderr)
            self.assertIn("%s:9:3: TLSLog" % path, warnings[0])
            self.assertIn(warnings[0], daemon.log())
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=10)
            with self.assertRaises(ftplib.error_perm) as refused:
                ftp.sendcmd("AUTH TLS")
            self.assertTrue(str(refused.exception).startswith("500"), refused.exception)
            ftp.close()


class ExplicitFtps(WithCertificate):
    """TLSEngine on: real clients log in under TLS and transfer over clear data connections (PROT C)."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="wardtest-ftps-root-")
        os.chmod(self.root, 0o755)
        self.content = b"secret file contents\n" * 1000
        with open(os.path.join(self.root, "file.txt"), "wb") as f:
            f.write(self.content)

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def server(self, *extra):
        return wardtest.ftp_server(self.root, users={"alice": "alice-pw"},
                                   directives=tls_directives(self.cert, self.key, *extra))

    def client(self, server, version=None):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(self.cert)
        context.check_hostname = False
        if version is not None:
            context.minimum_version = version
            context.maximum_version = version
        ftp = ftplib.FTP_TLS(context=context)
        ftp.connect(server.host, server.port, timeout=10)
        return ftp

    def login(self, server, version=None):
        ftp = self.client(server, version)
        self.assertEqual(ftp.auth(), "234 AUTH TLS successful")
        self.assertEqual(ftp.login("alice", "alice-pw"), "230 User alice logged in")
        return ftp

    def test_openssl_s_client_sees_the_certificate_after_auth_tls(self):
        with self.server() as server:
            shown = subprocess.run(["openssl", "s_client", "-starttls", "ftp", "-connect",
                                    "%s:%d" % (server.host, server.port), "-CAfile", self.cert, "-verify_return_error"],
                                   input="QUIT\r\n", capture_output=True, text=True, timeout=30)
            self.assertIn("Verify return code: 0 (ok)", shown.stdout, shown.stdout + shown.stderr)
            self.assertIn("subject=CN = localhost", shown.stdout)
            with open(self.cert) as f:
                served = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", shown.stdout, re.S)
                self.assertIsNotNone(served, shown.stdout)
                self.assertEqual(served.group(0).strip(), f.read().strip())

    def test_ftplib_login_list_and_retr_over_tls_1_2_and_1_3(self):
        with self.server() as server:
            for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
                with self.subTest(version=name):
                    ftp = self.login(server, version)
                    self.assertEqual(ftp.sock.version(), name)
                    self.assertEqual(ftp.sendcmd("PBSZ 0"), "200 PBSZ=0")
                    self.assertEqual(ftp.sendcmd("PROT C"), "200 Protection set to Clear")
                    with self.assertRaises(ftplib.error_perm) as prot_p:
                        ftp.sendcmd("PROT P")
                    self.assertTrue(str(prot_p.exception).startswith("536"), prot_p.exception)
                    self.assertEqual(ftp.nlst(), ["file.txt"])
                    listing = []
                    ftp.retrlines("LIST", listing.append)
                    self.assertTrue(any(line.endswith(" file.txt") for line in listing), listing)
                    got = io.BytesIO()
                    self.assertTrue(ftp.retrbinary("RETR file.txt", got.write).startswith("226"))
                    self.assertEqual(got.getvalue(), self.content)
                    self.assertTrue(ftp.quit().startswith("221"))

    def test_a_clear_text_login_still_works_without_tls_required(self):
        with self.server() as server:
            ftp = ftplib.FTP()
            ftp.connect(server.host, server.port, timeout=10)
            self.assertEqual(ftp.login("alice", "alice-pw"), "230 User alice logged in")
            with self.assertRaises(ftplib.error_perm) as pbsz:
                ftp.sendcmd("PBSZ 0")
            self.assertEqual(str(pbsz.exception), "503 PBSZ not allowed on insecure control connection")
            got = io.BytesIO()
            ftp.retrbinary("RETR file.txt", got.write)
            self.assertEqual(got.getvalue(), self.content)
            self.assertTrue(ftp.quit().startswith("221"))

    def test_tls_required_ctrl_refuses_user_before_auth_tls(self):
        for form in ("ctrl", "auth"):
            with self.subTest(form=form), self.server("TLSRequired " + form) as server:
                ftp = self.client(server)
                with self.assertRaises(ftplib.error_perm) as refused:
                    ftp.sendcmd("USER alice")
                self.assertEqual(str(refused.exception), "550 SSL/TLS required on the control channel")
                with self.assertRaises(ftplib.error_perm):
                    ftp.sendcmd("PASS alice-pw")
                self.assertEqual(ftp.auth(), "234 AUTH TLS successful")
                self.assertEqual(ftp.login("alice", "alice-pw"), "230 User alice logged in")
                self.assertEqual(ftp.nlst(), ["file.txt"])
                ftp.quit()

    def test_curl_logs_in_under_tls_and_downloads(self):
        with self.server() as server:
            got = subprocess.run(["curl", "--silent", "--show-error", "--ftp-ssl-control", "--cacert", self.cert,
                                  "--max-time", "30", "ftp://alice:alice-pw@%s:%d/file.txt" % (server.host, server.port)],
                                 capture_output=True, timeout=60)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, self.content)
            # --ssl-reqd asks for PROT P as well, which this build refuses: the transfer fails, never in clear.
            refused = subprocess.run(["curl", "--silent", "--show-error", "--ssl-reqd", "--cacert", self.cert,
                                      "--max-time", "30",
                                      "ftp://alice:alice-pw@%s:%d/file.txt" % (server.host, server.port)],
                                     capture_output=True, timeout=60)
            self.assertNotEqual(refused.returncode, 0)
            self.assertEqual(refused.stdout, b"")

    def test_lftp_forces_tls_on_the_login_and_downloads(self):
        with self.server("TLSRequired ctrl") as server:
            script = ("set ftp:ssl-force true; set ftp:ssl-protect-data false; set ssl:ca-file %s; "
                      "set net:max-retries 1; set net:timeout 20; open -u alice,alice-pw ftp://%s:%d; cat file.txt"
                      % (self.cert, server.host, server.port))
            got = subprocess.run(["lftp", "-c", script], capture_output=True, timeout=60)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, self.content)

    # ---- the processes of a TLS session ----

    def session(self, server, ftp):
        """(monitor, relay, post-auth worker) of a logged-in TLS session: the monitor is the master's child
        holding the TCP connection, the relay its child that holds it too, the worker its other child."""
        client_port = ftp.sock.getsockname()[1]

        def find():
            holders = wardtest.holders_of_connection(server.port, client_port)
            for pid in holders:
                status = wardtest.proc_status(pid)
                if status and status["PPid"] == str(server.proc.pid):
                    workers = wardtest.children(pid)
                    relays = [w for w in workers if w in holders]
                    others = [w for w in workers if w not in holders]
                    if len(relays) == 1 and len(others) == 1:
                        return pid, relays[0], others[0]
            return None
        return wardtest.wait_for(find, 10, "the monitor, relay and post-auth worker")

    def assert_confined(self, pid, what):
        status = wardtest.proc_status(pid)
        self.assertIsNotNone(status, what)
        for field in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
            self.assertEqual(int(status[field], 16), 0, "%s %s" % (what, field))
        if ROOT:
            self.assertEqual(int(status["CapBnd"], 16), 0, what)
        self.assertEqual(status["NoNewPrivs"], "1", what)
        self.assertEqual(status["Seccomp"], "2", what)

    def test_relay_and_post_auth_worker_hold_no_capability_and_are_seccomp_confined(self):
        with self.server() as server:
            ftp = self.login(server)
            self.assertEqual(ftp.nlst(), ["file.txt"])
            monitor, relay, worker = self.session(server, ftp)
            self.assert_confined(relay, "relay")
            self.assert_confined(worker, "post-auth worker")
            # The relay is the pre-auth worker, still unprivileged: the configured User, never root.
            if ROOT:
                self.assertNotEqual(wardtest.proc_status(relay)["Uid"][0], 0)
            # The post-auth worker talks to the relay over a local socket, not to the client's TCP connection.
            self.assertNotIn(worker, wardtest.holders_of_connection(server.port, ftp.sock.getsockname()[1]))
            ftp.quit()
            wardtest.wait_for(lambda: wardtest.process_ended(relay) and wardtest.process_ended(worker), 10,
                              "the relay and the worker to end after QUIT")

    def test_no_worker_holds_the_private_exponent_the_key_process_does(self):
        if not ROOT:
            self.skipTest("reading another process's memory needs root here")
        if wardtest.SANITIZER_BUILD:
            self.skipTest("a sanitizer build's mappings are too large to read whole")
        d = private_exponent(self.key)
        size = (d.bit_length() + 7) // 8
        # 32 bytes from the middle of d, as OpenSSL's BIGNUM words hold it (little-endian) and as DER writes it.
        middle = size // 2 - 16
        needles = (d.to_bytes(size, "little")[middle:middle + 32], d.to_bytes(size, "big")[middle:middle + 32])
        with self.server() as server:
            ftp = self.login(server)
            got = io.BytesIO()
            ftp.retrbinary("RETR file.txt", got.write)
            self.assertEqual(got.getvalue(), self.content)
            monitor, relay, worker = self.session(server, ftp)
            key_processes = [pid for pid in wardtest.children(server.proc.pid) if pid != monitor]
            self.assertEqual(len(key_processes), 1, key_processes)
            self.assertTrue(wardtest.memory_holds(key_processes[0], needles),
                            "the key process does not hold d: the search would pass vacuously")
            self.assertFalse(wardtest.memory_holds(relay, needles), "the relay (pre-auth worker) holds d")
            self.assertFalse(wardtest.memory_holds(worker, needles), "the post-auth worker holds d")
            self.assertFalse(wardtest.memory_holds(monitor, needles), "the session monitor holds d")
            ftp.quit()


if __name__ == "__main__":
    unittest.main()
