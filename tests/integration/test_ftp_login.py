"""FTP login and the commands allowed before it: banner (ServerIdent), USER/PASS, anonymous, refusals,
MaxLoginAttempts, the Display* files, hook events around login, QUIT."""
import ftplib
import os
import tempfile
import unittest

import wardtest


class FtpLogin(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-login-")
        self.root = os.path.join(self.tmp.name, "root")
        self.anon = os.path.join(self.tmp.name, "anon")
        os.makedirs(self.root)
        os.makedirs(self.anon)
        with open(os.path.join(self.anon, "pub.txt"), "w") as f:
            f.write("public\n")

    def tearDown(self):
        self.tmp.cleanup()

    def connect(self, server):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10)
        return ftp

    def test_good_login_and_quit(self):
        with wardtest.ftp_server(self.root, users={"alice": "s3cret"}) as server:
            ftp = self.connect(server)
            self.assertTrue(ftp.getwelcome().startswith("220 "))
            self.assertEqual(ftp.login("alice", "s3cret"), "230 User alice logged in")
            self.assertEqual(ftp.pwd(), "/")
            self.assertEqual(ftp.quit(), "221 Goodbye.")

    def test_bad_password_is_530_and_session_continues(self):
        with wardtest.ftp_server(self.root, users={"alice": "s3cret"}) as server:
            ftp = self.connect(server)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.login("alice", "wrong")
            self.assertTrue(str(caught.exception).startswith("530"))
            self.assertTrue(ftp.login("alice", "s3cret").startswith("230"))
            ftp.quit()

    def test_unknown_user_is_refused(self):
        with wardtest.ftp_server(self.root, users={"alice": "s3cret"}) as server:
            ftp = self.connect(server)
            with self.assertRaises(ftplib.error_perm):
                ftp.login("mallory", "s3cret")
            ftp.close()

    def test_too_many_failures_answer_530_and_close(self):
        # As ProFTPD: the last allowed failure is answered "530 Login incorrect." and the connection closed.
        with wardtest.ftp_server(self.root, users={"alice": "s3cret"}, max_login_attempts=2) as server:
            ftp = self.connect(server)
            with self.assertRaises(ftplib.error_perm):
                ftp.login("alice", "bad1")
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.login("alice", "bad2")
            self.assertEqual(str(caught.exception), "530 Login incorrect.")
            with self.assertRaises((EOFError, OSError, ftplib.Error)):
                ftp.voidcmd("NOOP")

    def test_commands_before_login(self):
        with wardtest.ftp_server(self.root, users={"alice": "s3cret"}) as server:
            ftp = self.connect(server)
            for command in ("PWD", "CWD /", "LIST", "RETR x", "STOR x", "PASV", "MKD d", "SIZE x", "STAT"):
                with self.assertRaises(ftplib.error_perm, msg=command) as caught:
                    ftp.voidcmd(command)
                self.assertEqual(str(caught.exception), "530 Please login with USER and PASS")
            self.assertTrue(ftp.voidcmd("NOOP").startswith("200"))
            self.assertEqual(ftp.sendcmd("SYST"), "215 UNIX Type: L8")
            self.assertTrue(ftp.sendcmd("FEAT").startswith("211-"))
            self.assertTrue(ftp.sendcmd("HELP").startswith("214-"))
            self.assertTrue(ftp.sendcmd("OPTS UTF8 ON").startswith("200"))
            self.assertEqual(ftp.sendcmd("TYPE I"), "200 Type set to I")  # ProFTPD's mod_xfer allows it too
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.voidcmd("PASS nouser")
            self.assertTrue(str(caught.exception).startswith("503"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.voidcmd("XYZZY")
            self.assertEqual(str(caught.exception), "500 XYZZY not understood")
            ftp.quit()

    def test_anonymous_login_is_read_only(self):
        with wardtest.ftp_server(self.root, users={}, anonymous_root=self.anon) as server:
            ftp = self.connect(server)
            self.assertEqual(ftp.login(), "230 Anonymous access granted, restrictions apply")
            self.assertEqual(ftp.nlst(), ["pub.txt"])
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.mkd("new")
            self.assertEqual(str(caught.exception), "550 new: Permission denied")
            with self.assertRaises(ftplib.error_perm):
                ftp.delete("pub.txt")
            self.assertEqual(sorted(os.listdir(self.anon)), ["pub.txt"])
            ftp.quit()

    def test_display_login_text_comes_before_230(self):
        with open(os.path.join(self.root, "welcome.msg"), "w") as f:
            f.write("Welcome to the test server\nSecond line\n")
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, display_login="/welcome.msg") as server:
            ftp = self.connect(server)
            ftp.sendcmd("USER alice")
            reply = ftp.sendcmd("PASS pw")
            # ProFTPD's form: the file's further lines indented by one space (RFC 959 continuation lines).
            self.assertEqual(reply.splitlines(),
                             ["230-Welcome to the test server", " Second line", "230 User alice logged in"])
            ftp.quit()

    def test_display_connect_chdir_quit_files_with_variables(self):
        """DisplayConnect before the greeting (read before the pre-auth worker is confined; a relative path
        is taken from "/", as ProFTPD does), DisplayChdir in the directory entered, once per directory with
        its second argument on, DisplayQuit before 221: ProFTPD's %-variables expanded."""
        os.makedirs(os.path.join(self.root, "sub"))
        with open(os.path.join(self.root, "sub", ".message"), "w") as f:
            f.write("You are in %C\nas %U on %V\n")
        with open(os.path.join(self.root, "bye.msg"), "w") as f:
            f.write("Bye %U\n%{total_bytes_out} bytes out\n")
        connect = os.path.join(self.tmp.name, "connect.msg")
        with open(connect, "w") as f:
            f.write("Hello %R, this is %L\nfree: %F %f\nmail %E\n")
        directives = ["ServerName Peeves", "ServerAdmin ftp@example.org", "DisplayConnect " + connect,
                      "DisplayChdir .message on",
                      "DisplayQuit /bye.msg"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.connect(server)
            welcome = ftp.getwelcome().splitlines()
            self.assertEqual(welcome[0], "220-Hello 127.0.0.1, this is 127.0.0.1")
            self.assertRegex(welcome[1], r"^ free: \d+ [0-9.]+[KMGTP]?B$")
            self.assertEqual(welcome[2], " mail ftp@example.org")
            self.assertTrue(welcome[3].startswith("220 "), welcome)
            ftp.login("alice", "pw")
            self.assertEqual(ftp.cwd("sub").splitlines(),
                             ["250-You are in /sub", " as alice on Peeves", "250 CWD command successful"])
            ftp.cwd("/")
            self.assertEqual(ftp.cwd("sub"), "250 CWD command successful")  # once per directory
            bye = ftp.sendcmd("QUIT").splitlines()
            self.assertEqual(len(bye), 3, bye)
            self.assertEqual(bye[0], "221-Bye alice")
            self.assertRegex(bye[1], r"^221-\d+ bytes out$")
            self.assertEqual(bye[2], "221 Goodbye.")

    def test_default_chdir(self):
        """DefaultChdir: the session starts there ("%u" and "%u[N]" expanded, the first whose group expression
        matches); a DefaultChdir that is not a directory leaves the session in its home, with a warning."""
        os.makedirs(os.path.join(self.root, "a", "alice", "sub"))
        directives = ["DefaultChdir /nowhere nosuchgroup", "DefaultChdir /%u[0]/%u/sub"]
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.connect(server)
            ftp.login("alice", "pw")
            self.assertEqual(ftp.pwd(), "/a/alice/sub")
            self.assertEqual(ftp.cwd("~"), "250 CWD command successful")
            self.assertEqual(ftp.pwd(), "/")  # "~" is still the home
            ftp.quit()
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=["DefaultChdir /missing"]) as server:
            ftp = self.connect(server)
            ftp.login("alice", "pw")
            self.assertEqual(ftp.pwd(), "/")
            ftp.quit()
            server.wait_for_log("DefaultChdir /missing of")  # the worker's line, written by the monitor

    def test_access_grant_and_deny_messages(self):
        directives = ['AccessGrantMsg "Welcome %u, enter"', 'AccessDenyMsg "Not you, %u"']
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.connect(server)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.login("alice", "wrong")
            self.assertEqual(str(caught.exception), "530 Not you, alice")
            self.assertEqual(ftp.login("alice", "pw"), "230 Welcome alice, enter")
            ftp.quit()

    def test_server_ident_variables(self):
        directives = ["ServerName Peeves", 'ServerIdent on "%v at %L (%V) version %{version} %{unknown}"']
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, directives=directives) as server:
            ftp = self.connect(server)
            self.assertRegex(ftp.getwelcome(),
                             r"^220 Peeves at 127\.0\.0\.1 \(127\.0\.0\.1\) version \d+\.\d+\.\d+\S* %\{unknown\}$")
            ftp.quit()

    def test_commands_pipelined_with_login_survive_the_hand_over(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}) as server:
            sock, f = wardtest.control_session(server.port)
            with sock:
                self.assertEqual(wardtest.read_reply(f)[0], 220)
                sock.sendall(b"USER alice\r\nPASS pw\r\nPWD\r\nNOOP\r\nQUIT\r\n")
                self.assertEqual(wardtest.read_reply(f)[0], 331)
                self.assertEqual(wardtest.read_reply(f)[0], 230)
                self.assertEqual(wardtest.read_reply(f), (257, ['257 "/" is the current directory']))
                self.assertEqual(wardtest.read_reply(f)[0], 200)
                self.assertEqual(wardtest.read_reply(f)[0], 221)

    def test_hooks_see_login_with_password_hidden(self):
        with wardtest.ftp_server(self.root, users={"alice": "topsecret"}, hooks=True,
                                 hook_output=["hook says hi"]) as server:
            ftp = self.connect(server)
            welcome = ftp.getwelcome().splitlines()
            self.assertEqual(welcome[0], "220-hook says hi")
            self.assertEqual(len(welcome), 2)
            self.assertTrue(welcome[1].startswith("220 "), welcome)
            ftp.sendcmd("USER alice")
            reply = ftp.sendcmd("PASS topsecret")
            self.assertEqual(reply.splitlines(), ["230-hook says hi", "230 User alice logged in"])
            ftp.quit()
            server.wait_for_hook(lambda e: e["point"] == "session_ended")
            events = server.hook_events()
            self.assertEqual(events[0]["point"], "on_connect")
            passes = [e for e in events if e.get("command") == "PASS"]
            self.assertEqual([e["point"] for e in passes], ["before_command", "on_command"])
            for event in passes:
                self.assertEqual(event["command_line"], "PASS (hidden)")
                self.assertNotIn("topsecret", str(event))
            self.assertEqual(passes[1]["reply_code"], 230)
            for event in events:
                self.assertNotIn("topsecret", str(event))
            self.assertNotIn("topsecret", server.log())

    def test_failed_login_runs_on_error_hook(self):
        with wardtest.ftp_server(self.root, users={"alice": "pw"}, hooks=True) as server:
            ftp = self.connect(server)
            with self.assertRaises(ftplib.error_perm):
                ftp.login("alice", "nope")
            event = server.wait_for_hook(lambda e: e["point"] == "on_error" and e["command"] == "PASS")
            self.assertEqual(event["reply_code"], 530)
            ftp.close()


if __name__ == "__main__":
    unittest.main()
