"""ServerType inetd (ProFTPD's meaning) and socket activation: wardftpd started with an accepted connection on
standard input and output serves that one session (login, LIST, a download) and exits when it ends; Debian's
systemd-socket-activate (the same hand-over as wardftpd.socket with Accept=yes, without the host's systemd)
drives the shipped configuration's -D SOCKET_ACTIVATION on a loopback port for two sessions at once; the
directives only a standalone master applies are named at -t; standard input that is not a TCP connection is a
clear start-up error."""
import ftplib
import io
import os
import signal
import socket
import subprocess
import unittest

import servicetest
from servicetest import wardtest


def inetd_config(workdir, extra=()):
    text = servicetest.write_config(workdir, 21, extra=extra)
    return text.replace("ServerType standalone", "ServerType inetd")


def ftp_over(sock):
    """An ftplib.FTP on an already connected socket; returns it after reading the banner."""
    ftp = ftplib.FTP()
    ftp.sock = sock
    ftp.af = sock.family
    ftp.file = sock.makefile("r", encoding=ftp.encoding)
    ftp.welcome = ftp.getresp()
    return ftp


class SocketActivation(unittest.TestCase):
    def setUp(self):
        self.daemon = wardtest.Daemon(config="")  # only for its work directory
        self.dir = self.daemon.dir

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_one_session_on_standard_input(self):
        conf = self.write("inetd.conf", inetd_config(self.dir))
        with open(os.path.join(self.dir, "root", "hello.txt"), "w", encoding="utf-8") as f:
            f.write("hello over inetd\n")
        listener = socket.create_server((wardtest.LOOPBACK, 0))
        client = socket.create_connection(listener.getsockname(), timeout=20)
        accepted, _ = listener.accept()
        listener.close()
        stderr = open(os.path.join(self.dir, "stderr"), "wb")
        self.addCleanup(stderr.close)
        proc = subprocess.Popen([wardtest.WARDFTPD, "-c", conf], stdin=accepted, stdout=accepted, stderr=stderr,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        accepted.close()

        client_port = client.getsockname()[1]
        ftp = ftp_over(client)
        self.assertTrue(ftp.welcome.startswith("220"), ftp.welcome)
        ftp.login("alice", servicetest.PASSWORD)
        self.assertIn("hello.txt", "\n".join(ftp.nlst()))
        got = io.BytesIO()
        ftp.retrbinary("RETR hello.txt", got.write)
        self.assertEqual(got.getvalue(), b"hello over inetd\n")
        ftp.quit()
        self.assertEqual(proc.wait(timeout=20), 0)
        log = servicetest.system_log(self.dir)
        self.assertIn("ServerType inetd: session from 127.0.0.1 port %d" % client_port, log)
        self.assertIn("USER alice: Login successful.", log)
        # Nothing but FTP went to the client: the session's log is in the SystemLog, stderr stayed empty.
        with open(os.path.join(self.dir, "stderr"), "rb") as f:
            self.assertEqual(f.read(), b"")

    def test_systemd_socket_activate_with_the_shipped_define(self):
        port = wardtest.free_port()
        text = servicetest.write_config(self.dir, port).replace(
            "ServerType standalone\n", "") + "<IfDefine SOCKET_ACTIVATION>\nServerType inetd\n</IfDefine>\n" \
            "<IfDefine !SOCKET_ACTIVATION>\nServerType standalone\n</IfDefine>\n"
        conf = self.write("shipped-style.conf", text)
        log = open(os.path.join(self.dir, "activate.log"), "wb")
        self.addCleanup(log.close)
        activate = subprocess.Popen(["systemd-socket-activate", "--inetd", "-l", "%s:%d" % (wardtest.LOOPBACK, port),
                                     "-a", wardtest.WARDFTPD, "-D", "SOCKET_ACTIVATION", "-c", conf],
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(lambda: (activate.send_signal(signal.SIGTERM), activate.wait(timeout=10)))
        wardtest.wait_for(lambda: "Listening on" in open(os.path.join(self.dir, "activate.log")).read(),
                          what="systemd-socket-activate listening")
        sessions = []
        for _ in range(2):  # two connections: two processes, each its own session
            ftp = ftplib.FTP()
            ftp.connect(wardtest.LOOPBACK, port, timeout=20)
            ftp.login("alice", servicetest.PASSWORD)
            sessions.append(ftp)
        self.assertEqual(sessions[0].pwd(), "/")
        self.assertEqual(sessions[1].sendcmd("NOOP")[:3], "200")
        for ftp in sessions:
            ftp.quit()
        wardtest.wait_for(lambda: servicetest.system_log(self.dir).count("ServerType inetd: session from") == 2,
                          what="two inetd sessions in the log")
        # Without the define the same file is a standalone configuration.
        check = subprocess.run([wardtest.WARDFTPD, "--print-config", "proftpd", "-c", conf], capture_output=True,
                               text=True, timeout=30)
        self.assertIn("ServerType standalone", check.stdout)

    def test_master_only_directives_are_named_at_check(self):
        conf = self.write("limits.conf", inetd_config(self.dir, ["MaxClientsPerHost 3"]))
        result = subprocess.run([wardtest.WARDFTPD, "-t", "-c", conf], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = open(conf, encoding="utf-8").read().splitlines()
        for name in ("MaxInstances", "MaxClientsPerHost", "ControlsEngine"):
            line = next(i for i, text in enumerate(lines, 1) if text.startswith(name + " "))
            self.assertIn("%s:%d:1: %s has no effect with ServerType inetd" % (conf, line, name), result.stderr)

    def test_standard_input_that_is_not_a_connection_is_an_error(self):
        conf = self.write("inetd.conf", inetd_config(self.dir))
        result = subprocess.run([wardtest.WARDFTPD, "-c", conf], stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("standard input is not a TCP connection", result.stderr)


if __name__ == "__main__":
    unittest.main()
