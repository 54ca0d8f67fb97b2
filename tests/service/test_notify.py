"""systemd's readiness protocol (Type=notify) against the real daemon: READY=1 arrives only once the FTP port
and the control socket accept connections (one connection attempt each, no retry, right after READY=1);
SIGHUP brings RELOADING=1 then READY=1; SIGTERM brings STOPPING=1 and a clean exit."""
import os
import signal
import socket
import unittest

import servicetest
from servicetest import wardtest


class Readiness(unittest.TestCase):
    def test_ready_only_once_port_and_control_socket_accept(self):
        port = wardtest.free_port()
        daemon = wardtest.Daemon(config="", port=port, wait=False)
        workdir = daemon.dir
        daemon.config = servicetest.write_config(workdir, port)
        notify = servicetest.NotifySocket(os.path.join(workdir, "notify"))
        daemon.env["NOTIFY_SOCKET"] = notify.path
        daemon.start()
        try:
            ready = notify.receive()
            # The very first attempts, without retrying: both must be accepted already.
            with socket.create_connection((wardtest.LOOPBACK, port), timeout=5) as ftp:
                self.assertTrue(ftp.makefile("rb").readline().startswith(b"220"))
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as ctl:
                ctl.connect(os.path.join(workdir, "ctl.sock"))
            self.assertTrue(ready.startswith("READY=1\n"), ready)
            self.assertIn("STATUS=listening on 127.0.0.1 port %d" % port, ready)

            daemon.proc.send_signal(signal.SIGHUP)
            reloading = notify.receive()
            self.assertTrue(reloading.startswith("RELOADING=1\nMONOTONIC_USEC="), reloading)
            self.assertTrue(notify.receive().startswith("READY=1"))
            servicetest.wait_for_log(workdir, "configuration reloaded")

            self.assertEqual(daemon.stop(signal.SIGTERM), 0, daemon.log())
            self.assertEqual(notify.receive(), "STOPPING=1")
        finally:
            daemon.stop()
            notify.close()


if __name__ == "__main__":
    unittest.main()
