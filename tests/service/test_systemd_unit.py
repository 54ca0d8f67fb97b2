"""The systemd unit as `cmake --install` lays it out (dist/systemd/wardftpd.service.in filled in for
--prefix /usr): `systemd-analyze verify` passes, `systemd-analyze security` rates it OK or better (README
records the score), and its CapabilityBoundingSet is exactly the session monitors' set that the daemon itself
reports for the shipped configuration (`wardftpd -t -d 5`), so the unit neither starves nor over-grants."""
import os
import re
import subprocess
import tempfile
import unittest

import servicetest  # noqa: F401
from servicetest import wardtest

BUILD_DIR = os.environ.get("WARD_BUILD_DIR", os.path.join(wardtest.SOURCE_DIR, "build", "release"))
# README.md quotes this score; a change to the unit that moves it must update both.
README_SCORE = "3.2"


def unit_settings(text):
    settings = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


class InstalledUnit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="ward-unit-")
        cls.dest = cls.tmp.name
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", "/usr"], env=dict(os.environ, DESTDIR=cls.dest),
                       check=True, capture_output=True)
        with open(os.path.join(cls.dest, "lib/systemd/system/wardftpd.service"), encoding="utf-8") as f:
            cls.text = f.read()
        cls.settings = unit_settings(cls.text)
        # The same unit pointing at the files in DESTDIR, for the tools that check the programs exist.
        units = os.path.join(cls.dest, "units")
        os.makedirs(units)
        cls.unit = os.path.join(units, "wardftpd.service")
        with open(cls.unit, "w", encoding="utf-8") as f:
            f.write(cls.text.replace("/usr/sbin/", cls.dest + "/usr/sbin/").replace("/etc/wardftpd/",
                                                                                      cls.dest + "/etc/wardftpd/"))
        # The socket-activated pair (ServerType inetd): wardftpd.socket and the wardftpd@.service template.
        cls.activated = {}
        for name in ("wardftpd.socket", "wardftpd@.service"):
            with open(os.path.join(cls.dest, "lib/systemd/system", name), encoding="utf-8") as f:
                cls.activated[name] = f.read()
            with open(os.path.join(units, name), "w", encoding="utf-8") as f:
                f.write(cls.activated[name].replace("/usr/sbin/", cls.dest + "/usr/sbin/")
                        .replace("/etc/wardftpd/", cls.dest + "/etc/wardftpd/"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_notify_reload_and_paths(self):
        s = self.settings
        self.assertEqual(s["Type"], ["notify"])
        self.assertEqual(s["ExecStart"], ["/usr/sbin/wardftpd -n -c /etc/wardftpd/proftpd.conf"])
        self.assertIn("/bin/kill -HUP $MAINPID", s["ExecReload"])
        self.assertEqual(s["RuntimeDirectory"], ["wardftpd"])
        self.assertEqual(s["LogsDirectory"], ["wardftpd"])
        for key, value in [("ProtectSystem", "strict"), ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
                           ("SystemCallArchitectures", "native"), ("RestrictSUIDSGID", "yes")]:
            self.assertEqual(s[key], [value], key)
        self.assertEqual(s["RestrictAddressFamilies"], ["AF_UNIX AF_INET AF_INET6"])

    def test_systemd_analyze_verify(self):
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", self.unit], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip(), "")

    def test_socket_unit_and_template_verify(self):
        socket_unit = unit_settings(self.activated["wardftpd.socket"])
        template = unit_settings(self.activated["wardftpd@.service"])
        self.assertEqual(socket_unit["Accept"], ["yes"])
        self.assertEqual(socket_unit["ListenStream"], ["127.0.0.1:21"])  # loopback only, like the shipped conf
        self.assertEqual(socket_unit["Conflicts"], ["wardftpd.service"])
        self.assertEqual(template["ExecStart"],
                         ["-/usr/sbin/wardftpd -D SOCKET_ACTIVATION -c /etc/wardftpd/proftpd.conf"])
        self.assertEqual(template["StandardInput"], ["socket"])
        self.assertEqual(template["StandardOutput"], ["socket"])
        # The same confinement as the standalone unit.
        for key in ("CapabilityBoundingSet", "NoNewPrivileges", "ProtectSystem", "SystemCallFilter",
                    "RestrictAddressFamilies", "MemoryDenyWriteExecute"):
            self.assertEqual(template[key], self.settings[key], key)
        units = os.path.dirname(self.unit)
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", os.path.join(units, "wardftpd.socket"),
                                 os.path.join(units, "wardftpd@.service")], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip(), "")
        # The shipped proftpd.conf is inetd with the unit's define and standalone without it.
        conf = os.path.join(self.dest, "etc/wardftpd/proftpd.conf")
        for define, expected in ((["-D", "SOCKET_ACTIVATION"], "ServerType inetd"), ([], "ServerType standalone")):
            printed = subprocess.run([wardtest.WARDFTPD, *define, "--print-config", "proftpd", "-c", conf],
                                     capture_output=True, text=True)
            self.assertIn(expected, printed.stdout, printed.stderr)

    def test_security_exposure_ok_or_better(self):
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", self.unit],
                                capture_output=True, text=True)
        out = result.stdout + result.stderr
        found = re.search(r"Overall exposure level for wardftpd\.service: (\d+\.\d) (\w+)", out)
        self.assertIsNotNone(found, out)
        self.assertIn(found.group(2), ("SAFE", "OK"), out)
        self.assertEqual(found.group(1), README_SCORE, "update README.md's score and README_SCORE")
        with open(os.path.join(wardtest.SOURCE_DIR, "README.md"), encoding="utf-8") as f:
            self.assertIn("systemd-analyze security` rates it %s %s" % (found.group(1), found.group(2)), f.read())

    def test_capability_bounding_set_is_what_the_daemon_needs(self):
        conf = os.path.join(self.dest, "etc/wardftpd/proftpd.conf")
        with open(conf, encoding="utf-8") as f:
            text = f.read()
        # -t checks that ModulePath, the log directory and User exist; point them at what this machine has.
        test_conf = os.path.join(self.dest, "check.conf")
        os.makedirs(self.dest + "/var/log/wardftpd", exist_ok=True)
        with open(test_conf, "w", encoding="utf-8") as f:
            f.write(text.replace("/usr/lib/wardftpd/modules", self.dest + "/usr/lib/wardftpd/modules")
                    .replace("/var/log/wardftpd", self.dest + "/var/log/wardftpd")
                    .replace("User                    wardftpd", "User                    nobody"))
        report = subprocess.run([wardtest.WARDFTPD, "-t", "-d", "5", "-c", test_conf], capture_output=True, text=True)
        self.assertEqual(report.returncode, 0, report.stdout + report.stderr)
        monitor = re.search(r"session monitor .*?= (CAP_[A-Z_ ]+)\n", report.stdout + report.stderr)
        self.assertIsNotNone(monitor, report.stdout)
        needed = set(monitor.group(1).split())
        self.assertEqual(set(self.settings["CapabilityBoundingSet"][0].split()), needed)


if __name__ == "__main__":
    unittest.main()
