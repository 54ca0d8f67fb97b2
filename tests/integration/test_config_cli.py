"""wardftpd -t and --print-config: exit 0 with ProFTPD's "Syntax OK" for a valid file, exit 1 with the
error (file:line:column) otherwise; -D feeds <IfDefine>; every example converts to TOML and back."""
import glob
import os
import subprocess
import tempfile
import unittest

import wardtest

EXAMPLES = sorted(glob.glob(os.path.join(wardtest.SOURCE_DIR, "examples", "*.conf")) +
                  glob.glob(os.path.join(wardtest.SOURCE_DIR, "examples", "*.toml")))


def run(*args):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return subprocess.run([wardtest.WARDFTPD, *args], capture_output=True, text=True, timeout=60, env=env)


class ConfigFile:
    """A configuration text in a temporary file; use as a context manager."""

    def __init__(self, text, suffix=".conf"):
        self.tmp = tempfile.TemporaryDirectory(prefix="wardtest-config-")
        self.path = os.path.join(self.tmp.name, "wardftpd" + suffix)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(text)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        self.tmp.cleanup()


class ConfigTest(unittest.TestCase):
    def test_every_example_is_syntax_ok(self):
        # -t checks the log directories as start-up does: the examples' /var/log/wardftpd is made by a package's
        # install, so the check runs on a copy whose log directory is a temporary one ...
        self.assertTrue(EXAMPLES)
        for example in EXAMPLES:
            with self.subTest(path=example), tempfile.TemporaryDirectory(prefix="wardtest-logs-") as logs:
                # and opens the account files, which an admin creates (ftpasswd, mode 0600): empty ones here.
                for name in ("ftpd.passwd", "ftpd.group"):
                    open(os.path.join(logs, name), "w", encoding="utf-8").close()
                    os.chmod(os.path.join(logs, name), 0o600)
                with open(example, encoding="utf-8") as f:
                    text = f.read().replace("/var/log/wardftpd/", logs + "/")
                    text = text.replace("/etc/wardftpd/ftpd.", logs + "/ftpd.")
                with ConfigFile(text, suffix=os.path.splitext(example)[1]) as path:
                    result = run("-t", "-c", path)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertTrue(result.stdout.startswith(
                                     "Checking syntax of configuration file %s\nSyntax OK\nVerified: " % path),
                                    result.stdout)

    def test_display_chdir_inside_directory_is_warned_about_not_ignored(self):
        # Read once per session here; in <Directory> it would do nothing, so -t names the line (start-up says the
        # same through the one check path).
        with ConfigFile("DisplayChdir .message\n<Directory /srv>\n  DisplayChdir .readme\n</Directory>\n") as path:
            result = run("-t", "-c", path)
            self.assertEqual(result.returncode, 0, result.stderr)
            warnings = [line for line in result.stderr.splitlines() if "DisplayChdir" in line]
            self.assertEqual(warnings, ["wardftpd: warning: %s:3:3: DisplayChdir has no effect inside <Directory> "
                                        "here: it is read once per session; set it at server, <VirtualHost> or "
                                        "<Anonymous> level" % path])

    def test_embedded_default_is_syntax_ok(self):
        result = run("-t")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("\nSyntax OK\n", result.stdout)

    def test_check_ends_with_what_it_verified(self):
        with tempfile.TemporaryDirectory(prefix="wardtest-summary-") as tmp:
            os.chmod(tmp, 0o755)
            passwd = os.path.join(tmp, "ftpd.passwd")
            with open(passwd, "w", encoding="utf-8") as f:
                f.write("alice:x:1000:1000::/srv:/bin/sh\n")
            os.chmod(passwd, 0o600)
            hook = os.path.join(tmp, "hook.sh")
            with open(hook, "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\n")
            os.chmod(hook, 0o755)
            text = "AuthUserFile %s\nExecEngine on\nExecOnCommand STOR %s\nExecOnConnect %s\n" % (passwd, hook, hook)
            with ConfigFile(text) as path:
                result = run("-t", "-c", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        last = result.stdout.splitlines()[-1]
        self.assertEqual(last, "Verified: 1 server(s) and their User/Group; 0 module(s) and 0 library(ies) against "
                               "0 trusted key(s); 2 hook program(s) for the identity each runs as; 1 account file(s); "
                               "log and socket directories")

    def test_error_exits_1_with_file_line_column(self):
        with ConfigFile("ServerName test\nPort 70000\n") as path:
            result = run("-t", "-c", path)
            self.assertEqual(result.returncode, 1)
            self.assertEqual(result.stderr,
                             "wardftpd: %s:2:6: Port: '70000' is not a port number (0-65535)\n" % path)
            self.assertNotIn("Syntax OK", result.stdout)

    def test_unknown_directive_suggests_a_name(self):
        with ConfigFile("<Directory /srv>\n  ExecOnComand STOR /bin/true\n</Directory>\n") as path:
            result = run("-t", "-c", path)
            self.assertEqual(result.returncode, 1)
            self.assertIn("%s:2:3: unknown directive 'ExecOnComand' (did you mean ExecOnCommand?)" % path,
                          result.stderr)

    def test_toml_errors_carry_the_location_too(self):
        with ConfigFile("Port = 21\nPort2 = [\n", suffix=".toml") as path:
            result = run("-t", "-c", path)
            self.assertEqual(result.returncode, 1)
            self.assertTrue(result.stderr.startswith("wardftpd: %s:" % path), result.stderr)

    def test_server_set_checks_run_too(self):
        with ConfigFile("<VirtualHost 10.0.0.1>\n</VirtualHost>\n<VirtualHost 10.0.0.1>\n</VirtualHost>\n") as path:
            result = run("-t", "-c", path)
            self.assertEqual(result.returncode, 1)
            self.assertIn("10.0.0.1 port 21 is already served by the server at %s:1:1" % path, result.stderr)

    def test_define_feeds_ifdefine(self):
        text = "<IfDefine STRICT>\n  Port 70000\n</IfDefine>\n"
        with ConfigFile(text) as path:
            self.assertEqual(run("-t", "-c", path).returncode, 0)
            result = run("-t", "-D", "STRICT", "-c", path)
            self.assertEqual(result.returncode, 1)
            self.assertIn(":2:8: Port: '70000'", result.stderr)

    def test_debug_level_5_prints_each_roles_capabilities_and_policies(self):
        text = 'ServerName "caps"\nPort 2100\nCapabilitiesSet +CAP_DAC_OVERRIDE -CAP_CHOWN\n'
        with ConfigFile(text) as path:
            result = run("-t", "-d", "5", "-c", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        monitor = [line for line in result.stdout.splitlines() if line.startswith("  session monitor (caps, port 2100)")]
        self.assertEqual(len(monitor), 1, result.stdout)
        self.assertIn("CAP_DAC_OVERRIDE", monitor[0])
        self.assertNotIn("CAP_CHOWN", monitor[0])
        self.assertIn("workers (before and after login) and hooks: no capabilities", result.stdout)
        for policy in ("master", "monitor", "worker_preauth", "worker_postauth", "hook", "hook_strict"):
            self.assertIn("policy %s: " % policy, result.stdout)
        self.assertNotIn("policy master", run("-t", "-c", EXAMPLES[0]).stdout)

    def test_print_config_toml_round_trips_every_example(self):
        for path in EXAMPLES:
            with self.subTest(path=path):
                toml = run("--print-config", "toml", "-c", path)
                self.assertEqual(toml.returncode, 0, toml.stderr)
                with ConfigFile(toml.stdout, suffix=".toml") as toml_path:
                    again = run("--print-config", "toml", "-c", toml_path)
                    self.assertEqual(again.returncode, 0, again.stderr)
                    self.assertEqual(again.stdout, toml.stdout)
                    # and back to proftpd.conf: the same text as the source file printed directly
                    back = run("--print-config", "proftpd", "-c", toml_path)
                    direct = run("--print-config", "proftpd", "-c", path)
                    self.assertEqual(back.returncode, 0, back.stderr)
                    self.assertEqual(back.stdout, direct.stdout)

    def test_print_config_keeps_comments_includes_and_conditionals(self):
        with tempfile.TemporaryDirectory(prefix="wardtest-config-") as tmp:
            conf_d = os.path.join(tmp, "conf.d")
            os.mkdir(conf_d)
            text = ("# the port\nPort 2121 # not 21\n<IfModule mod_ban.c>\n  BanEngine on\n</IfModule>\n"
                    "<IfDefine LOCAL>\n  ServerName local\n</IfDefine>\nUmask 022\nInclude %s/*.conf\n" % conf_d)
            with ConfigFile(text) as path:
                toml = run("--print-config", "toml", "-c", path)
                self.assertEqual(toml.returncode, 0, toml.stderr)
                self.assertEqual(toml.stdout,
                                 '# the port\nPort = 2121 # not 21\n\n[[IfModule]]\nmodule = "mod_ban.c"\n'
                                 'BanEngine = true\n\n[[IfDefine]]\ndefine = "LOCAL"\nServerName = "local"\n\n'
                                 '[[Continue]]\nUmask = "022"\nInclude = "%s/*.conf"\n' % conf_d)
                # a drop-in added after the conversion is read by the TOML at load
                with open(os.path.join(conf_d, "port.conf"), "w", encoding="utf-8") as f:
                    f.write("TimeoutIdle 77\n")
                with ConfigFile(toml.stdout, suffix=".toml") as toml_path:
                    again = run("--print-config", "proftpd", "-c", toml_path)
                    self.assertEqual(again.returncode, 0, again.stderr)
                    self.assertEqual(again.stdout, run("--print-config", "proftpd", "-c", path).stdout)
                    self.assertNotIn("TimeoutIdle", again.stdout)  # the include stays an include
                    defined = run("--print-config", "proftpd", "-c", toml_path, "-D", "LOCAL")
                    self.assertEqual(defined.stdout, again.stdout)  # -D decides at load, not in the text
                with open(os.path.join(conf_d, "port.conf"), "w", encoding="utf-8") as f:
                    f.write("TimeoutIdle 77 extra\n")  # and its errors name it
                with ConfigFile(toml.stdout, suffix=".toml") as toml_path:
                    bad = run("--print-config", "toml", "-c", toml_path)
                    self.assertEqual(bad.returncode, 1)
                    self.assertIn(os.path.join(conf_d, "port.conf") + ":1:", bad.stderr)

    def test_print_config_proftpd_from_toml(self):
        with ConfigFile("Port = 2121\n[[Directory]]\npath = \"/srv\"\nUmask = [\"022\", \"022\"]\n",
                        suffix=".toml") as path:
            result = run("--print-config", "proftpd", "-c", path)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout, "Port 2121\n\n<Directory /srv>\n  Umask 022 022\n</Directory>\n")

    def test_missing_file_is_an_error(self):
        result = run("-t", "-c", "/nonexistent/wardftpd.conf")
        self.assertEqual(result.returncode, 1)
        self.assertIn("/nonexistent/wardftpd.conf", result.stderr)


if __name__ == "__main__":
    unittest.main()
