"""<Class> (issue 12): a class named by client address (From), AllowClass/DenyClass in <Limit LOGIN> deciding
the login, and MaxClientsPerClass counted by the master (never a worker's word), with ProFTPD 1.3.8's reply.
Clients come from 127.0.0.1 (in the class) and 127.0.0.2 (in no class), both loopback."""
import ftplib
import os
import socket
import tempfile
import unittest

import wardtest

CLASS = ["<Class local>", "From 127.0.0.1", "</Class>"]


class Classes(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ftp-class-")
        os.chmod(self.tmp.name, 0o755)
        with open(os.path.join(self.tmp.name, "file.txt"), "w") as f:
            f.write("x")

    def tearDown(self):
        self.tmp.cleanup()

    def server(self, directives):
        return wardtest.ftp_server(self.tmp.name, users={"alice": "pw"}, directives=directives)

    def connect(self, server, source):
        ftp = ftplib.FTP()
        ftp.connect(server.host, server.port, timeout=10, source_address=(source, 0))
        return ftp

    def login(self, server, source):
        ftp = self.connect(server, source)
        self.assertEqual(ftp.login("alice", "pw"), "230 User alice logged in")
        return ftp

    def refused(self, server, source):
        ftp = self.connect(server, source)
        with self.assertRaises(ftplib.error_perm) as refused:
            ftp.login("alice", "pw")
        ftp.close()
        return str(refused.exception)

    def wait_until_idle(self, server):
        """wait_for_port's probe session counts toward its class until the master has reaped it."""
        server.wait_for_log("session ended: client disconnected")
        wardtest.wait_for(lambda: not wardtest.children(server.proc.pid, zombies=True), 10,
                          "the probe session to be reaped")

    def closed_without_greeting(self, server, source):
        """ProFTPD asks <Limit LOGIN> once the client's class is known, before the greeting: a client no LOGIN
        rule lets in is disconnected without one."""
        with socket.create_connection((server.host, server.port), timeout=10, source_address=(source, 0)) as sock:
            return sock.recv(1024) == b""

    def test_deny_class_refuses_a_client_in_the_class(self):
        with self.server(CLASS + ["<Limit LOGIN>", "DenyClass local", "</Limit>"]) as server:
            self.assertTrue(self.closed_without_greeting(server, "127.0.0.1"))
            server.wait_for_log("Connection from 127.0.0.1 denied: blocked by <Limit LOGIN>")
            ftp = self.login(server, "127.0.0.2")  # in no class
            self.assertEqual(ftp.nlst(), ["file.txt"])
            ftp.quit()

    def test_allow_class_lets_only_the_class_in(self):
        with self.server(CLASS + ["<Limit LOGIN>", "Order allow,deny", "AllowClass local", "DenyAll",
                                  "</Limit>"]) as server:
            ftp = self.login(server, "127.0.0.1")
            self.assertEqual(ftp.nlst(), ["file.txt"])
            ftp.quit()
            self.assertTrue(self.closed_without_greeting(server, "127.0.0.2"))

    def test_a_class_rule_that_needs_the_user_is_decided_at_login(self):
        # AllowUser counts as allowing before a user is known, so the client is greeted; at login the rule
        # is asked again with the user, and then only the class lets alice in.
        rules = ["<Limit LOGIN>", "Order allow,deny", "AllowUser nobody-else", "AllowClass local", "DenyAll",
                 "</Limit>"]
        with self.server(CLASS + rules) as server:
            ftp = self.login(server, "127.0.0.1")
            ftp.quit()
            self.assertTrue(self.refused(server, "127.0.0.2").startswith("530 "))

    def test_class_rules_apply_to_commands_after_login(self):
        with self.server(CLASS + ["<Limit RETR>", "DenyClass local", "</Limit>"]) as server:
            ftp = self.login(server, "127.0.0.1")
            with self.assertRaises(ftplib.error_perm) as refused:
                ftp.retrbinary("RETR file.txt", lambda _: None)
            self.assertTrue(str(refused.exception).startswith("550 "), refused.exception)
            ftp.quit()
            ftp = self.login(server, "127.0.0.2")
            ftp.retrbinary("RETR file.txt", lambda _: None)
            ftp.quit()

    def test_max_clients_per_class_refuses_the_second_session_of_the_class(self):
        with self.server(CLASS + ["MaxClientsPerClass local 1"]) as server:
            self.wait_until_idle(server)
            first = self.login(server, "127.0.0.1")
            self.assertEqual(self.refused(server, "127.0.0.1"),
                             "530 Sorry, the maximum number of clients (1) from your class are already connected.")
            server.wait_for_log("Connection refused (MaxClientsPerClass)")
            other = self.login(server, "127.0.0.2")  # a client in no class is not counted
            other.quit()
            first.quit()

    def test_max_clients_per_class_counts_connected_sessions_and_takes_a_message(self):
        with self.server(CLASS + ['MaxClientsPerClass local 2 "Class full (%m)"']) as server:
            self.wait_until_idle(server)
            waiting = self.connect(server, "127.0.0.1")  # connected, never logged in: counts (ProFTPD's rule)
            first = self.login(server, "127.0.0.1")
            self.assertEqual(self.refused(server, "127.0.0.1"), "530 Class full (2)")
            waiting.close()
            first.quit()


if __name__ == "__main__":
    unittest.main()
