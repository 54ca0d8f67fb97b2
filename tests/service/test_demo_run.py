"""The README's run command, `build/release/bin/wardftpd -n` from the top of the checkout: its runtime state
goes to <build>/demo (outside every tracked folder; `git status` is the same before and after), the demo
credentials work, and Ctrl-C (SIGINT to the foreground process group, as a terminal sends it) stops the
daemon and its sessions cleanly. Out of a build tree, the state goes to $XDG_STATE_HOME/wardftpd."""
import ftplib
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import servicetest
from servicetest import wardtest

PORT = 2121  # the embedded default's port
BUILD_DIR = os.environ.get("WARD_BUILD_DIR", os.path.join(wardtest.SOURCE_DIR, "build", "release"))


def git_status():
    return subprocess.run(["git", "-C", wardtest.SOURCE_DIR, "status", "--porcelain", "--untracked-files=all"],
                          capture_output=True, text=True, check=True).stdout


def group_members(pgid):
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry))
    return members


class DemoRun(unittest.TestCase):
    def start(self, binary, cwd, env=None):
        # Port 2121 is shared with integration.minimal_server: wait for it rather than fail if both run at once.
        wardtest.wait_for(lambda: servicetest.port_free(PORT), timeout=120, what="port 2121 to be free")
        out = tempfile.TemporaryFile()
        proc = subprocess.Popen([binary, "-n"], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and os.killpg(proc.pid, signal.SIGKILL))
        self.assertTrue(wardtest.wait_for_port(PORT), "the demo daemon did not listen on 2121")
        return proc, out

    def output(self, out):
        out.seek(0)
        return out.read().decode("utf-8", "replace")

    def test_readme_command_keeps_the_checkout_clean_and_ctrl_c_stops_it(self):
        before = git_status()
        proc, out = self.start(wardtest.WARDFTPD, wardtest.SOURCE_DIR)
        demo = os.path.join(BUILD_DIR, "demo")
        self.assertIn("serving %s/ftp-root on 127.0.0.1:2121" % demo, self.output(out))
        self.assertIn("demo account in %s/state" % demo, self.output(out))
        self.assertEqual(os.stat(os.path.join(demo, "state")).st_mode & 0o777, 0o700)

        listing = subprocess.run(["curl", "-sS", "--max-time", "20", "-u", "demo:demo",
                                  "ftp://127.0.0.1:%d/" % PORT], capture_output=True, text=True)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertIn("README.txt", listing.stdout)
        anonymous = subprocess.run(["curl", "-sS", "--max-time", "20", "ftp://127.0.0.1:%d/README.txt" % PORT],
                                   capture_output=True, text=True)
        self.assertEqual(anonymous.returncode, 0, anonymous.stderr)
        self.assertIn("embedded default configuration", anonymous.stdout)

        # A logged-in session is running when Ctrl-C arrives.
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, PORT, timeout=10)
        ftp.login("demo", "demo")
        wardtest.wait_for(lambda: len(group_members(proc.pid)) >= 2, what="a session process in the group")
        os.killpg(proc.pid, signal.SIGINT)
        self.assertEqual(proc.wait(20), 0, self.output(out))
        self.assertIn("shut down", self.output(out))
        wardtest.wait_for(lambda: not group_members(proc.pid), what="every process of the group to exit")
        ftp.close()
        self.assertEqual(git_status(), before)

    def test_out_of_a_build_tree_state_goes_to_xdg_state_home(self):
        with tempfile.TemporaryDirectory(prefix="ward-demo-") as tmp:
            binary = os.path.join(tmp, "bin", "wardftpd")
            os.makedirs(os.path.dirname(binary))
            shutil.copy2(wardtest.WARDFTPD, binary)
            cwd = os.path.join(tmp, "cwd")
            os.makedirs(cwd)
            env = dict(os.environ, XDG_STATE_HOME=os.path.join(tmp, "state"))
            proc, out = self.start(binary, cwd, env)
            os.killpg(proc.pid, signal.SIGINT)
            self.assertEqual(proc.wait(20), 0, self.output(out))
            self.assertEqual(os.listdir(cwd), [])
            state = os.path.join(tmp, "state", "wardftpd")
            self.assertEqual(sorted(os.listdir(state)), ["ftp-root", "state"])
            self.assertTrue(os.path.exists(os.path.join(state, "state", "demo.passwd")))


if __name__ == "__main__":
    unittest.main()
