"""The metrics endpoint (mod_prometheus's PrometheusEngine and PrometheusExporter): off by default; on, a live
daemon gets a good login with a download and an upload, a wrong password, a connection refused by
MaxClientsPerHost, a connect hook and a command hook ended by ExecTimeout; the scrape over HTTP on loopback
shows exactly those counts, and Debian's promtool (scripts/fetch-promtool) accepts it. The exporter process is
read from /proc: no capabilities, seccomp filter mode, no_new_privs, and the server's User when started as
root."""
import ftplib
import io
import os
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
        good.storbinary("STOR up.bin", io.BytesIO(b"x" * 4096))
        got = io.BytesIO()
        good.retrbinary("RETR up.bin", got.write)
        self.assertEqual(len(got.getvalue()), 4096)
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
