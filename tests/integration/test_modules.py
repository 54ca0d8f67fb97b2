"""mod_dso in the real daemon: signed modules from ModulePath run in the post-login worker (SITE commands of
the bundled mod_site_misc.c), `wardftpd -t` fails on a refused module, a module file replaced after start-up
changes nothing, a hostile module's forbidden system calls kill only its own worker, a signature made with
Debian's minisign verifies, and wardctl lsmod/insmod/rmmod work over the control socket for an allowed user
and are refused for a denied one."""
import crypt
import ftplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import wardtest

BUILD_DIR = wardtest.BUILD_DIR
MODULE_DIR = os.path.join(BUILD_DIR, "lib", "wardftpd")
HOSTILE_DIR = os.path.join(BUILD_DIR, "tests", "modules", "hostile")
TEST_KEY = os.path.join(BUILD_DIR, "test-keys", "test.pub")
TEST_SECRET = os.path.join(BUILD_DIR, "test-keys", "test.sec")


def sanitizer_build():
    return "AddressSanitizer" in run([wardtest.WARDFTPD, "-V"]).stdout


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kwargs)


class Modules(unittest.TestCase):
    def setUp(self):
        # /tmp is sticky, so a root-owned 0755 directory below it is a trusted place for modules.
        self.tmp = tempfile.mkdtemp(prefix="wardmod-")
        os.chmod(self.tmp, 0o755)
        self.root = os.path.join(self.tmp, "ftproot")
        os.mkdir(self.root)
        self.lib = os.path.join(self.tmp, "lib")
        os.mkdir(self.lib, 0o755)
        self.key = os.path.join(self.tmp, "trusted.pub")
        shutil.copy(TEST_KEY, self.key)
        os.chmod(self.key, 0o644)
        self.socket = os.path.join(self.tmp, "wardftpd.sock")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def install(self, name, source_dir=MODULE_DIR):
        for suffix in (".so", ".so.minisig"):
            shutil.copy(os.path.join(source_dir, name + suffix), os.path.join(self.lib, name + suffix))
            os.chmod(os.path.join(self.lib, name + suffix), 0o644)

    def config(self, port, modules=(), extra=(), uid=None):
        uid = os.getuid() if uid is None else uid
        gid = os.getgid() if uid == os.getuid() else uid
        passwd = os.path.join(self.tmp, "ftpd.passwd")
        with open(passwd, "w") as f:
            f.write("alice:%s:%d:%d::%s:/bin/sh\n" % (crypt.crypt("pw", crypt.mksalt(crypt.METHOD_SHA512)), uid, gid,
                                                       self.root))
        os.chmod(passwd, 0o600)
        lines = ["ModulePath %s" % self.lib, "ModuleTrustedKey %s" % self.key]
        lines += ["LoadModule %s" % m for m in modules]
        lines += [
            'ServerName "modules test"', "ServerType standalone", "DefaultAddress 127.0.0.1", "SocketBindTight on",
            "UseIPv6 off", "Port %d" % port, "AuthOrder mod_auth_file.c", "AuthUserFile %s" % passwd,
            "RequireValidShell off", "UseFtpUsers off", "RootLogin on", "DefaultRoot ~", "MaxInstances 50",
            "ControlsEngine on", "ControlsSocket %s" % self.socket,
        ]
        return "\n".join(lines + list(extra)) + "\n"

    def login(self, port):
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, port, timeout=10)
        ftp.login("alice", "pw")
        return ftp

    def daemon(self, modules=(), extra=(), uid=None):
        port = wardtest.free_port()
        return wardtest.Daemon(config=self.config(port, modules, extra, uid), port=port), port

    @unittest.skipUnless(os.geteuid() == 0, "switching to another user needs root")
    def test_module_code_runs_as_the_logged_in_user(self):
        nobody = pwd.getpwnam("nobody").pw_uid
        os.chown(self.root, nobody, nobody)
        self.install("mod_site_misc")
        daemon, port = self.daemon(["mod_site_misc.c"], uid=nobody)
        with daemon:
            ftp = self.login(port)
            self.assertEqual(ftp.sendcmd("SITE MKDIR by/nobody"), "200 SITE MKDIR command successful")
            self.assertEqual(os.stat(os.path.join(self.root, "by", "nobody")).st_uid, nobody)
            ftp.quit()

    def test_bundled_site_misc_runs_in_the_session(self):
        self.install("mod_site_misc")
        daemon, port = self.daemon(["mod_site_misc.c"])
        with daemon:
            ftp = self.login(port)
            self.assertIn(" UTIME", ftp.sendcmd("SITE HELP"))
            self.assertEqual(ftp.sendcmd("SITE MKDIR a/b/c"), "200 SITE MKDIR command successful")
            self.assertTrue(os.path.isdir(os.path.join(self.root, "a", "b", "c")))
            with open(os.path.join(self.root, "f.txt"), "w") as f:
                f.write("x")
            self.assertEqual(ftp.sendcmd("SITE UTIME 200102030405 f.txt"), "200 SITE UTIME command successful")
            self.assertEqual(int(os.stat(os.path.join(self.root, "f.txt")).st_mtime), 981173100)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SITE UTIME 2001 f.txt")
            self.assertTrue(str(caught.exception).startswith("501"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SITE UTIME 200102030405 ../../../etc/passwd")
            self.assertTrue(str(caught.exception).startswith("550"))
            ftp.quit()

    def test_reload_verifies_again_and_a_refused_module_keeps_the_old_set(self):
        self.install("mod_site_misc")
        daemon, port = self.daemon([])
        with daemon:
            conf = os.path.join(daemon.dir, "wardftpd.conf")
            with open(conf, "w") as f:
                f.write(self.config(port, ["mod_site_misc.c"]))
            os.kill(daemon.proc.pid, signal.SIGHUP)
            self.wait_for_log(daemon, "configuration reloaded")
            ftp = self.login(port)
            self.assertEqual(ftp.sendcmd("SITE MKDIR r1"), "200 SITE MKDIR command successful")
            ftp.quit()
            # A tampered module makes the next reload fail; the verified set stays in force.
            with open(os.path.join(self.lib, "mod_site_misc.so"), "ab") as f:
                f.write(b"appended")
            os.kill(daemon.proc.pid, signal.SIGHUP)
            self.wait_for_log(daemon, "reload failed")
            self.assertIn("mod_site_misc.so: signature does not match the file", daemon.log())
            ftp = self.login(port)
            self.assertEqual(ftp.sendcmd("SITE MKDIR r2"), "200 SITE MKDIR command successful")
            ftp.quit()

    @staticmethod
    def wait_for_log(daemon, text, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and text not in daemon.log():
            time.sleep(0.05)
        if text not in daemon.log():
            raise AssertionError("%r not in the log:\n%s" % (text, daemon.log()))

    def test_config_check_fails_on_a_refused_module(self):
        self.install("mod_site_misc")
        with open(os.path.join(self.lib, "mod_site_misc.so"), "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 1]))
        path = os.path.join(self.tmp, "check.conf")
        with open(path, "w") as f:
            f.write(self.config(wardtest.free_port(), ["mod_site_misc.c"]))
        result = run([wardtest.WARDFTPD, "-t", "-c", path])
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(os.path.join(self.lib, "mod_site_misc.so") + ": signature does not match the file",
                      result.stderr)
        self.assertNotIn("Syntax OK", result.stdout)

    def test_module_replaced_after_verification_is_not_what_runs(self):
        self.install("mod_site_misc")
        daemon, port = self.daemon(["mod_site_misc.c"])
        with daemon:
            # Swap the file for the hostile module (validly signed, other name) after the daemon checked it.
            shutil.copy(os.path.join(HOSTILE_DIR, "mod_hostile.so"), os.path.join(self.lib, "swap.tmp"))
            os.rename(os.path.join(self.lib, "swap.tmp"), os.path.join(self.lib, "mod_site_misc.so"))
            ftp = self.login(port)
            self.assertIn(" UTIME", ftp.sendcmd("SITE HELP"))
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("SITE HELLO")  # the new file's command: never loaded
            ftp.quit()

    def test_a_module_whose_dependency_would_resolve_in_the_users_root_is_refused(self):
        # mod_needs_lib.so names libutil.so.1, which the daemon never loads. Modules load after chroot, so the
        # dynamic linker would take the library the user planted in their own tree: the worker refuses first.
        self.install("mod_needs_lib", HOSTILE_DIR)
        planted = os.path.join(self.root, "lib", "x86_64-linux-gnu")
        os.makedirs(planted)
        shutil.copy("/lib/x86_64-linux-gnu/libutil.so.1", os.path.join(planted, "libutil.so.1"))
        daemon, port = self.daemon(["mod_needs_lib.c"])
        with daemon:
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=10)
            with self.assertRaises((ftplib.error_temp, ftplib.error_perm, EOFError)):
                ftp.login("alice", "pw")
                ftp.sendcmd("SITE NEEDS")
            ftp.close()
            wardtest.wait_for(lambda: "mod_needs_lib.c: needs libutil.so.1, which the daemon has not loaded; it "
                                      "would be looked up inside the user's root (refused)" in daemon.log(),
                              10, "the refusal")
            self.assertNotIn("loaded with an unverified dependency", daemon.log())

    def test_hostile_module_is_killed_by_seccomp_and_the_daemon_keeps_serving(self):
        self.install("mod_hostile", HOSTILE_DIR)
        daemon, port = self.daemon(["mod_hostile.c"])
        with daemon:
            bystander = self.login(port)
            self.assertEqual(bystander.sendcmd("SITE HELLO"), "200 hostile module loaded")
            bystander.sendcmd("NOOP")
            # Its listeners heard the session start and each command's reply.
            # A worker's lines reach the log through its monitor, a moment after the reply.
            for line in ("mod_hostile.c: core.session-start for alice in /", "mod_hostile.c: core.command-done NOOP 200"):
                wardtest.wait_for(lambda: line in daemon.log(), 10, line)
            # A sanitizer build's worker policy allows ptrace (LeakSanitizer's tracer needs it; see
            # sanitizer_runtime() in sandbox/syscall_groups.cpp), so there only execve and the raw socket are tried.
            commands = ["SITE EXEC", "SITE RAWSOCK"] if sanitizer_build() else ["SITE EXEC", "SITE PTRACE", "SITE RAWSOCK"]
            for command in commands:
                ftp = self.login(port)
                with self.assertRaises((EOFError, ConnectionError, ftplib.error_temp), msg=command):
                    reply = ftp.sendcmd(command)
                    self.fail("%s answered %r: the call was not stopped" % (command, reply))
                ftp.close()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and daemon.log().count("seccomp policy forbids") < len(commands):
                time.sleep(0.1)
            self.assertEqual(daemon.log().count("killed by signal 31 (SIGSYS): it made a system call its seccomp "
                                                "policy forbids"), len(commands), daemon.log())
            # The other session and new ones still work.
            self.assertEqual(bystander.sendcmd("NOOP"), "200 NOOP command successful")
            bystander.quit()
            fresh = self.login(port)
            self.assertEqual(fresh.sendcmd("PWD"), '257 "/" is the current directory')
            fresh.quit()

    def test_signature_made_with_debian_minisign_verifies(self):
        self.assertIsNotNone(shutil.which("minisign"), "scripts/setup installs minisign")
        keys = os.path.join(self.tmp, "mkeys")
        os.mkdir(keys, 0o755)
        pub, sec = os.path.join(keys, "m.pub"), os.path.join(keys, "m.key")
        self.assertEqual(run(["minisign", "-G", "-W", "-p", pub, "-s", sec]).returncode, 0)
        shutil.copy(os.path.join(MODULE_DIR, "mod_site_misc.so"), os.path.join(self.lib, "mod_site_misc.so"))
        os.chmod(os.path.join(self.lib, "mod_site_misc.so"), 0o644)
        signed = run(["minisign", "-S", "-s", sec, "-m", os.path.join(self.lib, "mod_site_misc.so")])
        self.assertEqual(signed.returncode, 0, signed.stderr)
        shutil.copy(pub, self.key)
        daemon, port = self.daemon(["mod_site_misc.c"])
        with daemon:
            ftp = self.login(port)
            self.assertEqual(ftp.sendcmd("SITE MKDIR x"), "200 SITE MKDIR command successful")
            ftp.quit()
        verified = run([wardtest.WARDCTL, "verify", "-p", pub, "-m", os.path.join(self.lib, "mod_site_misc.so")])
        self.assertEqual(verified.returncode, 0, verified.stderr)

    def test_proftpd_module_signed_with_a_trusted_key_is_refused_at_check_and_start(self):
        # A ProFTPD module (it uses ProFTPD's main_server, and has no wardftpd entry point) that passes the
        # signature check: refused when the configuration is verified, never in a post-login worker's dlopen.
        self.assertIsNotNone(shutil.which("minisign"), "scripts/setup installs minisign")
        source = os.path.join(self.tmp, "mod_proftpd.c")
        with open(source, "w") as f:
            f.write("extern void *main_server;\nvoid *mod_proftpd_server(void) { return main_server; }\n")
        so = os.path.join(self.lib, "mod_proftpd.so")
        built = run(["cc", "-shared", "-fPIC", "-o", so, source])
        self.assertEqual(built.returncode, 0, built.stderr)
        os.chmod(so, 0o644)
        keys = os.path.join(self.tmp, "pkeys")
        os.mkdir(keys, 0o755)
        pub, sec = os.path.join(keys, "p.pub"), os.path.join(keys, "p.key")
        self.assertEqual(run(["minisign", "-G", "-W", "-p", pub, "-s", sec]).returncode, 0)
        signed = run(["minisign", "-S", "-s", sec, "-m", so])
        self.assertEqual(signed.returncode, 0, signed.stderr)
        os.chmod(so + ".minisig", 0o644)
        shutil.copy(pub, self.key)
        path = os.path.join(self.tmp, "check.conf")
        with open(path, "w") as f:
            f.write(self.config(wardtest.free_port(), ["mod_proftpd.c"]))
        expected = "%s is a ProFTPD module: it has no wardftpd entry point" % so
        checked = run([wardtest.WARDFTPD, "-t", "-c", path])
        self.assertEqual(checked.returncode, 1, checked.stdout + checked.stderr)
        self.assertIn(":3:1: LoadModule mod_proftpd.c: " + expected, checked.stderr)
        self.assertNotIn("Syntax OK", checked.stdout)
        started = run([wardtest.WARDFTPD, "-n", "-c", path])
        self.assertEqual(started.returncode, 1, started.stderr)
        self.assertIn(expected, started.stderr)

    def test_world_writable_module_path_is_fatal_at_start_up(self):
        os.chmod(self.lib, 0o777)
        daemon, _ = self.daemon([])
        daemon.wait = False
        with daemon:
            self.assertEqual(daemon.proc.wait(15), 1)
            self.assertIn("ModulePath %s: %s is world-writable" % (self.lib, self.lib), daemon.log())

    def test_minisign_verifies_what_wardctl_signed(self):
        self.assertIsNotNone(shutil.which("minisign"), "scripts/setup installs minisign")
        checked = run(["minisign", "-V", "-p", TEST_KEY, "-m", os.path.join(MODULE_DIR, "mod_site_misc.so")])
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertIn("module=mod_site_misc.c", checked.stdout)

    def wardctl(self, *args, user=None):
        cmd = [wardtest.WARDCTL, "-s", self.socket] + list(args)
        if user is not None:
            cmd = ["setpriv", "--reuid=%s" % user, "--regid=%s" % pwd.getpwnam(user).pw_gid, "--clear-groups"] + cmd
        return run(cmd)

    @unittest.skipUnless(os.geteuid() == 0, "a second, denied user needs root to switch to")
    def test_wardctl_lsmod_insmod_rmmod_for_an_allowed_user_and_refused_for_a_denied_one(self):
        self.install("mod_site_misc")
        me = pwd.getpwuid(os.getuid()).pw_name
        # Naming a second user opens the socket (0666) so the ACL, not the file mode, decides for nobody.
        daemon, port = self.daemon([], ["ModuleControlsACLs all allow user %s,daemon" % me])
        with daemon:
            self.assertEqual(os.stat(self.socket).st_mode & 0o777, 0o666)
            listed = self.wardctl("lsmod")
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertIn("ok: mod_site.c built-in", listed.stdout)
            self.assertNotIn("mod_site_misc.c", listed.stdout)
            ftp = self.login(port)  # started before insmod: keeps its module set
            with self.assertRaises(ftplib.error_perm):
                ftp.sendcmd("SITE UTIME 200102030405 x")

            inserted = self.wardctl("insmod", "mod_site_misc.c")
            self.assertEqual(inserted.returncode, 0, inserted.stderr)
            self.assertIn("module mod_site_misc.c loaded for new sessions", inserted.stdout)
            self.assertIn("Already loaded", self.wardctl("insmod", "mod_site_misc.c").stderr)
            self.assertIn("Bad module name", self.wardctl("insmod", "../x.c").stderr)
            fresh = self.login(port)
            self.assertEqual(fresh.sendcmd("SITE MKDIR made"), "200 SITE MKDIR command successful")
            fresh.quit()

            removed = self.wardctl("rmmod", "mod_site.c")
            self.assertEqual(removed.returncode, 0, removed.stderr)
            after = self.login(port)
            with self.assertRaises(ftplib.error_perm) as caught:
                after.sendcmd("SITE HELP")
            self.assertEqual(str(caught.exception), "500 SITE not understood")
            after.quit()
            self.assertIn("SITE", ftp.sendcmd("SITE HELP"))  # an older session is unchanged
            ftp.quit()

            denied = self.wardctl("lsmod", user="nobody")
            self.assertEqual(denied.returncode, 1)
            self.assertIn("access denied: lsmod is not allowed for nobody", denied.stderr)
            self.assertIn("nobody (uid %d) denied lsmod" % pwd.getpwnam("nobody").pw_uid, daemon.log())
            # The daemon caps a request at 1 KiB whatever the client does.
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
                raw.settimeout(10)
                raw.connect(self.socket)
                raw.sendall(b"insmod mod_" + b"a" * 1100 + b".c\n")
                answer = raw.recv(4096).decode()
            self.assertEqual(answer, "error: request is longer than 1024 bytes\n")

    def test_control_socket_denies_everyone_by_default(self):
        daemon, _ = self.daemon()
        with daemon:
            self.assertEqual(os.stat(self.socket).st_mode & 0o777, 0o600)
            refused = self.wardctl("lsmod")
            self.assertEqual(refused.returncode, 1)
            self.assertIn("access denied", refused.stderr)

    def test_a_second_daemon_does_not_take_a_live_control_socket(self):
        first, _ = self.daemon()
        with first:
            port = wardtest.free_port()
            second = wardtest.Daemon(config=self.config(port), port=port, wait=False)
            with second:
                self.assertNotEqual(second.proc.wait(30), 0)
                self.assertIn("another daemon is listening on it (refused)", second.log())
            # The first daemon still answers on its socket (with a refusal: no ACL allows anyone).
            self.assertIn("access denied", self.wardctl("lsmod").stderr)


if __name__ == "__main__":
    unittest.main()
