"""The metrics endpoint (mod_prometheus's PrometheusEngine and PrometheusExporter): off by default; on, a live
daemon gets a good login with a download and an upload, a wrong password, a connection refused by
MaxClientsPerHost, a connect hook and a command hook ended by ExecTimeout; the scrape over HTTP on loopback
shows exactly those counts (the transfers' bytes equal to the files' sizes), and Debian's promtool
(scripts/fetch-promtool) accepts it. A download and an upload ended by ABOR count as aborted; a module loaded at
start-up and one inserted with wardctl insmod both count as module loads. The exporter process is read from
/proc: no capabilities, seccomp filter mode, no_new_privs, and the server's User when started as root."""
import ftplib
import io
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import servicetest
from servicetest import wardtest

PROMTOOL = os.path.join(wardtest.SOURCE_DIR, "build", "tools", "promtool")
MODULE_DIR = os.path.join(wardtest.BUILD_DIR, "lib", "wardftpd")
TEST_KEY = os.path.join(wardtest.BUILD_DIR, "test-keys", "test.pub")
DOWNLOAD_SIZE = 12345
UPLOAD_SIZE = 4096


def promtool():
    if not os.access(PROMTOOL, os.X_OK):
        subprocess.run([os.path.join(wardtest.SOURCE_DIR, "scripts", "fetch-promtool")], check=True, timeout=600)
    return PROMTOOL


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://%s:%d%s" % (wardtest.LOOPBACK, port, path), timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read().decode()


def samples(text):
    """{'name{labels}': value} of every sample line."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            values[key] = float(value)
    return values


class Metrics(unittest.TestCase):
    def start(self, extra):
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port)
        daemon.config = servicetest.write_config(daemon.dir, port, extra=extra)
        daemon.start()
        self.addCleanup(daemon.stop)
        return daemon, port

    def exporter_pid(self, daemon):
        # The exporter logs its line itself, after the master is ready: wait for it on a loaded machine.
        deadline = time.monotonic() + 10
        while True:
            log = servicetest.system_log(daemon.dir)
            found = re.search(r"metrics exporter \(pid (\d+)\) serving", log)
            if found is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertIsNotNone(found, log)
        return int(found.group(1))

    def test_off_by_default(self):
        daemon, _ = self.start([])
        self.assertNotIn("metrics exporter", servicetest.system_log(daemon.dir))
        # No process beside the sessions: once the readiness probe's session has ended the master has no child.
        wardtest.wait_for(lambda: wardtest.children(daemon.proc.pid) == [], what="a master without children")

    def test_counts_are_the_daemons_own_and_promtool_accepts_them(self):
        metrics_port = wardtest.free_port()
        daemon, port = self.start([
            "PrometheusEngine on", "PrometheusExporter 127.0.0.1:%d" % metrics_port, "MaxClientsPerHost 2",
            "ExecEngine on", "ExecTimeout 1", "ExecOnConnect /bin/true", "ExecOnCommand NOOP /bin/sleep 30",
        ])
        self.assertTrue(wardtest.wait_for_port(metrics_port))

        good = ftplib.FTP()
        good.connect(wardtest.LOOPBACK, port, timeout=30)
        good.login("alice", servicetest.PASSWORD)
        with open(os.path.join(daemon.dir, "root", "down.bin"), "wb") as f:
            f.write(b"d" * DOWNLOAD_SIZE)
        good.storbinary("STOR up.bin", io.BytesIO(b"x" * UPLOAD_SIZE))
        got = io.BytesIO()
        good.retrbinary("RETR down.bin", got.write)
        self.assertEqual(len(got.getvalue()), DOWNLOAD_SIZE)
        with self.assertRaises(ftplib.error_perm):  # refused before any transfer: not counted
            good.retrbinary("RETR missing.bin", got.write)
        good.voidcmd("NOOP")  # its hook sleeps past ExecTimeout 1

        bad = ftplib.FTP()
        bad.connect(wardtest.LOOPBACK, port, timeout=10)
        with self.assertRaises(ftplib.error_perm):
            bad.login("alice", "wrong password")
        # A third connection from 127.0.0.1 while two are open: MaxClientsPerHost 2 refuses it.
        third = ftplib.FTP()
        with self.assertRaises(ftplib.error_perm):
            third.connect(wardtest.LOOPBACK, port, timeout=10)
        third.close()

        expected = {
            "wardftpd_sessions": 2,
            "wardftpd_connection_total": 3,  # wardtest.Daemon's readiness probe is a connection too
            'wardftpd_login_total{result="success"}': 1,
            'wardftpd_login_total{result="failed"}': 1,
            'wardftpd_login_total{result="refused"}': 0,
            'wardftpd_connection_refused_total{reason="MaxClientsPerHost"}': 1,
            'wardftpd_connection_refused_total{reason="MaxInstances"}': 0,
            # The connect hooks of the readiness probe and both sessions (the refused third never got one), and
            # the NOOP hook.
            "wardftpd_hook_run_total": 4,
            "wardftpd_hook_timeout_total": 1,
            'wardftpd_seccomp_kill_total{process="worker"}': 0,
            "wardftpd_module_load_total": 0,
            # The worker's word for its transfers (the monitor cannot see a data connection).
            'wardftpd_file_upload_total{result="complete"}': 1,
            'wardftpd_file_upload_total{result="aborted"}': 0,
            'wardftpd_file_upload_total{result="failed"}': 0,
            'wardftpd_file_download_total{result="complete"}': 1,
            'wardftpd_file_download_total{result="aborted"}': 0,
            'wardftpd_file_download_total{result="failed"}': 0,
            "wardftpd_file_upload_bytes_total": UPLOAD_SIZE,
            "wardftpd_file_download_bytes_total": DOWNLOAD_SIZE,
        }

        def current():
            status, content_type, text = scrape(metrics_port)
            self.assertEqual(status, 200)
            self.assertTrue(content_type.startswith("text/plain; version=0.0.4"), content_type)
            values = samples(text)
            return text if all(values.get(k) == v for k, v in expected.items()) else None

        text = wardtest.wait_for(current, what="the expected counts in\n%s" % scrape(metrics_port)[2])
        checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True,
                                 timeout=60)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertEqual(checked.stdout + checked.stderr, "")

        good.quit()
        bad.close()
        wardtest.wait_for(lambda: samples(scrape(metrics_port)[2])["wardftpd_sessions"] == 0, what="no sessions")

        # Only GET/HEAD of /metrics is answered.
        with self.assertRaises(urllib.error.HTTPError) as missing:
            scrape(metrics_port, "/other")
        self.assertEqual(missing.exception.code, 404)

    def test_aborted_transfers_and_module_loads_by_start_up_and_insmod(self):
        metrics_port = wardtest.free_port()
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port)
        # A trusted ModulePath (ours, 0755) with the bundled signed module, loaded at start-up.
        lib = os.path.join(daemon.dir, "lib")
        os.mkdir(lib, 0o755)
        os.chmod(daemon.dir, 0o755)
        for suffix in (".so", ".so.minisig"):
            shutil.copy(os.path.join(MODULE_DIR, "mod_site_misc" + suffix), lib)
            os.chmod(os.path.join(lib, "mod_site_misc" + suffix), 0o644)
        key = os.path.join(daemon.dir, "trusted.pub")
        shutil.copy(TEST_KEY, key)
        os.chmod(key, 0o644)
        me = pwd.getpwuid(os.getuid()).pw_name
        daemon.config = servicetest.write_config(daemon.dir, port, extra=[
            "PrometheusEngine on", "PrometheusExporter 127.0.0.1:%d" % metrics_port,
            "ModulePath %s" % lib, "ModuleTrustedKey %s" % key, "LoadModule mod_site_misc.c",
            "ModuleControlsACLs insmod,rmmod allow user %s" % me,
        ])
        daemon.start()
        self.addCleanup(daemon.stop)
        self.assertTrue(wardtest.wait_for_port(metrics_port))

        def value(name):
            return samples(scrape(metrics_port)[2]).get(name)

        def becomes(name, expected):
            wardtest.wait_for(lambda: value(name) == expected,
                              what="%s == %s in\n%s" % (name, expected, scrape(metrics_port)[2]))

        becomes("wardftpd_module_load_total", 1)  # the start-up load
        ctl = [wardtest.WARDCTL, "-s", os.path.join(daemon.dir, "ctl.sock")]
        for action in ("rmmod", "insmod"):
            done = subprocess.run(ctl + [action, "mod_site_misc.c"], capture_output=True, text=True, timeout=30)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        becomes("wardftpd_module_load_total", 2)
        # Enabling a built-in module again is no module load.
        for action in ("rmmod", "insmod"):
            done = subprocess.run(ctl + [action, "mod_site.c"], capture_output=True, text=True, timeout=30)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

        # A download and an upload, each ended by ABOR (urgent data) part-way through.
        big = 256 * 1024 * 1024
        with open(os.path.join(daemon.dir, "root", "big.bin"), "wb") as f:
            f.truncate(big)  # sparse: nothing is written to disk
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, port, timeout=30)
        ftp.login("alice", servicetest.PASSWORD)
        ftp.voidcmd("TYPE I")
        conn = ftp.transfercmd("RETR big.bin")
        got = 0
        while got < 1024 * 1024:
            got += len(conn.recv(65536))
        self.assertEqual(ftp.abort(), "426 Transfer aborted. Data connection closed.")
        self.assertEqual(ftp.getresp(), "226 Abort successful")
        conn.close()
        conn = ftp.transfercmd("STOR part.bin")
        chunk = b"u" * (1024 * 1024)
        for _ in range(4):
            conn.sendall(chunk)
        self.assertEqual(ftp.abort(), "426 Transfer aborted. Data connection closed.")
        self.assertEqual(ftp.getresp(), "226 Abort successful")
        conn.close()
        ftp.quit()

        becomes('wardftpd_file_download_total{result="aborted"}', 1)
        becomes('wardftpd_file_upload_total{result="aborted"}', 1)
        values = samples(scrape(metrics_port)[2])
        self.assertEqual(values['wardftpd_file_download_total{result="complete"}'], 0)
        self.assertEqual(values['wardftpd_file_upload_total{result="complete"}'], 0)
        self.assertEqual(values["wardftpd_module_load_total"], 2)
        # What the worker said it moved before the abort: at least what the client read, never the whole file.
        self.assertGreaterEqual(values["wardftpd_file_download_bytes_total"], 1024 * 1024)
        self.assertLess(values["wardftpd_file_download_bytes_total"], big)
        self.assertLessEqual(values["wardftpd_file_upload_bytes_total"], 4 * 1024 * 1024)
        self.assertEqual(os.path.getsize(os.path.join(daemon.dir, "root", "part.bin")),
                         values["wardftpd_file_upload_bytes_total"])

    def test_exporter_holds_no_privilege(self):
        metrics_port = wardtest.free_port()
        daemon, _ = self.start(["PrometheusEngine on", "PrometheusExporter 127.0.0.1:%d" % metrics_port]
                               + (["User nobody", "Group nogroup"] if os.geteuid() == 0 else []))
        self.assertTrue(wardtest.wait_for_port(metrics_port))
        pid = self.exporter_pid(daemon)
        self.assertIn(pid, wardtest.children(daemon.proc.pid))
        status = wardtest.proc_status(pid)
        self.assertEqual(status["CapEff"], "0000000000000000")
        self.assertEqual(status["CapPrm"], "0000000000000000")
        self.assertEqual(status["CapBnd"], "0000000000000000")
        self.assertEqual(status["Seccomp"], "2")
        self.assertEqual(status["NoNewPrivs"], "1")
        if os.geteuid() == 0:
            self.assertEqual(set(status["Uid"]), {65534})
            self.assertNotIn(0, status["Gid"])
        else:
            self.assertEqual(set(status["Uid"]), {os.getuid()})
        # Its descriptors: the listener, and nothing of the master's (no control socket, log or memfd).
        fds = os.listdir("/proc/%d/fd" % pid)
        targets = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in fds]
        self.assertFalse([t for t in targets if "memfd" in t or t.endswith(".sock") or t.endswith(".log")], targets)
        self.assertTrue(any(t.startswith("socket:") for t in targets), targets)
        # It still answers after all that.
        self.assertEqual(scrape(metrics_port)[0], 200)

    def test_bad_exporter_address_is_refused_at_check(self):
        for value, message in (("localhost:9273", "is not an IP address"), ("127.0.0.1:0", "is not a port number"),
                               ("127.0.0.1:9273 user pw", "basic authentication")):
            conf = os.path.join(self.tmp(), "bad.conf")
            with open(conf, "w", encoding="utf-8") as f:
                f.write("PrometheusEngine on\nPrometheusExporter %s\n" % value)
            result = subprocess.run([wardtest.WARDFTPD, "-t", "-c", conf], capture_output=True, text=True, timeout=30)
            self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("%s:2:" % conf, result.stderr)
            self.assertIn(message, result.stderr)

    def tmp(self):
        directory = tempfile.mkdtemp(prefix="wardmetrics-")
        self.addCleanup(shutil.rmtree, directory, True)
        return directory


if __name__ == "__main__":
    unittest.main()
