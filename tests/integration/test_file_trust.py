"""Files that decide who logs in and what runs, checked before the daemon trusts them (issue 13 item 9).

- A mod_exec hook program (symbolic links resolved) must be owned by root or the daemon's user and writable by
  nobody else, and so must every directory above it, as module files are checked: otherwise whoever can write
  it chooses what runs, possibly as root (`ExecOnEvent NAME*`).
- An AuthUserFile is refused when world-readable or world-writable, an AuthGroupFile when world-writable, and
  either in a world-writable directory: ProFTPD's mod_auth_file checks.
Each refusal fails `wardftpd -t` and start-up alike, naming file:line, and a fixed file passes both.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import wardtest

ROOT = os.geteuid() == 0


class FileTrust(unittest.TestCase):
    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="file-trust-")
        self.addCleanup(shutil.rmtree, self.base, True)
        os.chmod(self.base, 0o755)
        self.hook = os.path.join(self.base, "hook.sh")
        with open(self.hook, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(self.hook, 0o755)
        self.passwd = os.path.join(self.base, "ftpd.passwd")
        with open(self.passwd, "w") as f:
            f.write("alice:x:2001:2001::%s:/bin/sh\n" % self.base)
        os.chmod(self.passwd, 0o600)
        self.group = os.path.join(self.base, "ftpd.group")
        with open(self.group, "w") as f:
            f.write("alice:x:2001:\n")
        os.chmod(self.group, 0o644)

    def config(self, port=2121):
        path = os.path.join(self.base, "wardftpd.conf")
        with open(path, "w") as f:
            f.write("\n".join([
                "ServerType standalone", "DefaultAddress 127.0.0.1", "SocketBindTight on", "UseIPv6 off",
                "Port %d" % port, "AuthOrder mod_auth_file.c", "AuthUserFile " + self.passwd,
                "AuthGroupFile " + self.group, "ExecEngine on", "ExecOnConnect " + self.hook]
                + (["User nobody", "Group nogroup"] if ROOT else [])) + "\n")
        return path

    def check(self):
        return subprocess.run([wardtest.WARDFTPD, "-t", "-c", self.config()], capture_output=True, text=True)

    def assertRefused(self, line, reason):
        checked = self.check()
        self.assertEqual(checked.returncode, 1, checked.stdout + checked.stderr)
        self.assertIn("%s:%d:1: " % (self.config(), line), checked.stderr)
        self.assertIn(reason, checked.stderr)
        # Start-up goes through the same check and refuses the same way.
        port = wardtest.free_port()
        started = subprocess.run([wardtest.WARDFTPD, "-n", "-c", self.config(port)], capture_output=True, text=True,
                                 timeout=30)
        self.assertEqual(started.returncode, 1, started.stderr)
        self.assertIn(reason, started.stderr)

    def assertAccepted(self):
        checked = self.check()
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("Syntax OK", checked.stdout)

    def test_the_files_as_made_are_accepted(self):
        self.assertAccepted()

    def test_a_group_or_world_writable_hook_program_is_refused(self):
        for mode in (0o775, 0o757):
            os.chmod(self.hook, mode)
            self.assertRefused(10, "ExecOnConnect: %s: is group- or world-writable (refused)" % self.hook)
        os.chmod(self.hook, 0o755)
        self.assertAccepted()

    def test_a_hook_program_in_a_writable_directory_or_owned_by_another_user_is_refused(self):
        os.chmod(self.base, 0o777)
        self.assertRefused(10, "%s is world-writable" % self.base)
        os.chmod(self.base, 0o755)
        if ROOT:
            os.chown(self.hook, 2001, 2001)
            self.assertRefused(10, "is owned by uid 2001, not by root or the daemon's user (refused)")
            os.chown(self.hook, 0, 0)
        # A symbolic link is judged by what it points to.
        link = os.path.join(self.base, "link.sh")
        writable = tempfile.mkdtemp(prefix="file-trust-writable-")
        self.addCleanup(shutil.rmtree, writable, True)
        os.chmod(writable, 0o777)
        target = os.path.join(writable, "hook.sh")
        shutil.copy(self.hook, target)
        os.chmod(target, 0o755)
        os.symlink(target, link)
        self.hook = link
        self.assertRefused(10, "%s is world-writable" % writable)

    def test_a_world_readable_or_writable_auth_user_file_is_refused(self):
        os.chmod(self.passwd, 0o644)
        self.assertRefused(7, "unable to use world-readable AuthUserFile '%s' (perms 0644)" % self.passwd)
        os.chmod(self.passwd, 0o602)
        self.assertRefused(7, "unable to use world-writable AuthUserFile '%s' (perms 0602)" % self.passwd)
        os.chmod(self.passwd, 0o640)
        self.assertAccepted()

    def test_a_world_writable_auth_group_file_or_directory_is_refused(self):
        os.chmod(self.group, 0o646)
        self.assertRefused(8, "unable to use world-writable AuthGroupFile '%s' (perms 0646)" % self.group)
        os.chmod(self.group, 0o644)
        elsewhere = tempfile.mkdtemp(prefix="file-trust-hook-")  # the hook's own check must not answer first
        self.addCleanup(shutil.rmtree, elsewhere, True)
        os.chmod(elsewhere, 0o755)
        self.hook = shutil.copy(self.hook, os.path.join(elsewhere, "hook.sh"))
        os.chmod(self.base, 0o1777)
        self.assertRefused(7, "unable to use AuthUserFile '%s' from world-writable directory '%s'"
                           % (self.passwd, self.base))


if __name__ == "__main__":
    unittest.main()
