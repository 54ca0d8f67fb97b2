"""A fleet behind HAProxy (docs/deploy.md, "A fleet behind HAProxy"): Debian's haproxy on 127.0.0.1 balances
two wardftpd nodes (127.0.0.2 and 127.0.0.3) with send-proxy-v2; each node trusts only the proxy
(ProxyProtocolTrustedProxies 127.0.0.1) and has its own PassivePorts range and MasqueradeAddress, so passive
data connections go straight to the node that owns the session. A client on 127.0.0.9 logs in through the
proxy twice at once as alice (leastconn: one session per node), lists and transfers; each node's SystemLog names the client
127.0.0.9, not the proxy. The client the header names is what MaxClientsPerHost counts, and a peer outside
the trusted list is closed without a banner. <Limit LOGIN> Deny rules see the named client too."""
import contextlib
import ftplib
import io
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest

import servicetest
from servicetest import wardtest

CLIENT = "127.0.0.9"
NODES = (("a", "127.0.0.2"), ("b", "127.0.0.3"))


def node_config(workdir, address, port, passive_first, extra=()):
    text = servicetest.write_config(workdir, port, extra=[
        "ProxyProtocolEngine on", "ProxyProtocolVersion haproxyV2", "ProxyProtocolTrustedProxies 127.0.0.1",
        "ProxyProtocolTimeout 5", "PassivePorts %d %d" % (passive_first, passive_first + 19),
        "MasqueradeAddress %s" % address, *extra])
    return text.replace("DefaultAddress 127.0.0.1", "DefaultAddress %s" % address)


def proxy_v2_header(source, source_port, destination, destination_port):
    block = socket.inet_aton(source) + socket.inet_aton(destination) + struct.pack(">HH", source_port,
                                                                                    destination_port)
    return b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + struct.pack(">H", len(block)) + block


def read_line(sock):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


class Fleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(cls.haproxy):
            raise AssertionError("haproxy is not installed (scripts/setup installs it)")

    def start_node(self, stack, address, extra=()):
        port = wardtest.free_port()
        passive = 40000 + (port % 2000) * 10
        daemon = wardtest.Daemon(config="", port=port, wait=False)
        daemon.config = node_config(daemon.dir, address, port, passive, extra)
        stack.enter_context(daemon)
        if not wardtest.wait_for_port(port, host=address):
            self.fail("node on %s:%d did not start:\n%s" % (address, port, daemon.log()))
        return daemon

    def start_haproxy(self, stack, nodes):
        front = wardtest.free_port()
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="haproxy-"))
        servers = "\n".join("  server %s %s:%d send-proxy-v2" % (name, address, daemon.port)
                            for (name, address), daemon in nodes)
        cfg = os.path.join(tmp, "haproxy.cfg")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"
                    "frontend ftp\n  bind 127.0.0.1:%d\n  default_backend nodes\n"
                    "backend nodes\n  balance leastconn\n%s\n" % (front, servers))
        check = subprocess.run([self.haproxy, "-c", "-f", cfg], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        proc = subprocess.Popen([self.haproxy, "-db", "-f", cfg], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def stop():
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stack.callback(stop)
        wardtest.wait_for(lambda: wardtest.wait_for_port(front, timeout=0.2), what="haproxy listening")
        return front

    def test_logins_list_and_transfer_through_haproxy_reach_both_nodes(self):
        with contextlib.ExitStack() as stack:
            daemons = [self.start_node(stack, address) for _, address in NODES]
            front = self.start_haproxy(stack, list(zip(NODES, daemons)))
            payload = os.urandom(200 * 1024)
            served = []
            clients = []
            for _ in NODES:  # both open at once: leastconn gives the second to the other node
                ftp = ftplib.FTP(source_address=(CLIENT, 0))
                ftp.trust_server_pasv_ipv4_address = True  # the PASV address is the node's, not the proxy's
                ftp.connect(wardtest.LOOPBACK, front, timeout=15)
                ftp.login("alice", servicetest.PASSWORD)  # the owner of the root (bob may not write)
                clients.append(ftp)
            for ftp in clients:
                # PASV names the node that owns the session (its MasqueradeAddress): data bypasses the proxy.
                host, _ = ftplib.parse227(ftp.sendcmd("PASV"))
                index = [address for _, address in NODES].index(host)
                (name, address), daemon = NODES[index], daemons[index]
                served.append(name)
                ftp.storbinary("STOR from-%s.bin" % name, io.BytesIO(payload))
                listing = []
                ftp.retrlines("LIST", listing.append)
                self.assertTrue(any(line.endswith("from-%s.bin" % name) for line in listing), listing)
                got = io.BytesIO()
                ftp.retrbinary("RETR from-%s.bin" % name, got.write)
                self.assertEqual(got.getvalue(), payload)
                ftp.quit()
                servicetest.wait_for_log(daemon.dir, "USER alice: Login successful.")
                log = servicetest.system_log(daemon.dir)
                self.assertIn("(%s[%s]): USER alice: Login successful." % (CLIENT, CLIENT), log)
                self.assertNotIn("(127.0.0.1[127.0.0.1]): USER alice", log)
            # each node served exactly one of the sessions, and stored its own file
            self.assertEqual(sorted(served), ["a", "b"])
            for (name, _), daemon in zip(NODES, daemons):
                root = os.path.join(daemon.dir, "root")
                self.assertEqual(sorted(f for f in os.listdir(root) if f.endswith(".bin")), ["from-%s.bin" % name])

    def test_limits_count_the_named_client_and_untrusted_peers_are_closed(self):
        with contextlib.ExitStack() as stack:
            daemon = self.start_node(stack, NODES[0][1], extra=["MaxClientsPerHost 1"])
            held = []

            def proxied(source):  # the test plays the trusted proxy (it connects from 127.0.0.1)
                s = socket.create_connection((NODES[0][1], daemon.port), timeout=10,
                                             source_address=(wardtest.LOOPBACK, 0))
                s.sendall(proxy_v2_header(source, 50000, NODES[0][1], daemon.port))
                held.append(s)
                return read_line(s)

            self.assertTrue(proxied("198.51.100.7").startswith("220"))
            refused = proxied("198.51.100.7")
            self.assertTrue(refused.startswith("530"), refused)
            self.assertIn("from your host", refused)
            self.assertTrue(proxied("198.51.100.8").startswith("220"))
            # A peer outside ProxyProtocolTrustedProxies may not name a client: no banner, closed.
            direct = socket.create_connection((NODES[0][1], daemon.port), timeout=10, source_address=(CLIENT, 0))
            self.assertEqual(direct.recv(100), b"")
            direct.close()
            # A trusted peer that sends no header within ProxyProtocolTimeout gets no session.
            silent = socket.create_connection((NODES[0][1], daemon.port), timeout=15,
                                              source_address=(wardtest.LOOPBACK, 0))
            started = time.monotonic()
            self.assertEqual(silent.recv(100), b"")
            self.assertGreater(time.monotonic() - started, 3)
            silent.close()
            for s in held:
                s.close()
            log = servicetest.system_log(daemon.dir)
            self.assertIn("(198.51.100.7[198.51.100.7]): MaxClientsPerHost reached, new connection denied", log)
            self.assertIn("not in ProxyProtocolTrustedProxies", log)
            self.assertIn("ProxyProtocolTimeout passed", log)

    def test_acls_see_the_named_client(self):
        with contextlib.ExitStack() as stack:
            daemon = self.start_node(stack, NODES[0][1], extra=["<Limit LOGIN>", "  Deny from 198.51.100.7",
                                                                 "</Limit>"])

            def login_as_proxied(source):
                s = socket.create_connection((NODES[0][1], daemon.port), timeout=10,
                                             source_address=(wardtest.LOOPBACK, 0))
                with s:
                    s.sendall(proxy_v2_header(source, 50000, NODES[0][1], daemon.port))
                    greeting = read_line(s)
                    if not greeting:
                        return greeting  # closed before the greeting, as ProFTPD does for <Limit LOGIN>
                    self.assertTrue(greeting.startswith("220"))
                    s.sendall(b"USER alice\r\n")
                    self.assertTrue(read_line(s).startswith("331"))
                    s.sendall(("PASS %s\r\n" % servicetest.PASSWORD).encode())
                    return read_line(s)

            self.assertEqual(login_as_proxied("198.51.100.7"), "")  # <Limit LOGIN> at connect time
            self.assertTrue(login_as_proxied("198.51.100.8").startswith("230"))

    def test_engine_without_trusted_proxies_fails_check_and_start_up_alike(self):
        workdir = tempfile.mkdtemp(prefix="wardtest-proxy-")
        self.addCleanup(shutil.rmtree, workdir, True)
        port = wardtest.free_port()
        path = os.path.join(workdir, "wardftpd.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(servicetest.write_config(workdir, port, extra=["ProxyProtocolEngine on"]))
        line = sum(1 for _ in open(path, encoding="utf-8"))
        expected = "%s:%d:1: ProxyProtocolEngine on needs ProxyProtocolTrustedProxies" % (path, line)
        check = subprocess.run([wardtest.WARDFTPD, "-t", "-c", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 1)
        self.assertIn(expected, check.stderr)
        self.assertNotIn("Syntax OK", check.stdout)
        start = subprocess.run([wardtest.WARDFTPD, "-n", "-c", path], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(start.returncode, 0)
        self.assertIn(expected, start.stdout + start.stderr)
        self.assertTrue(servicetest.port_free(port))


if __name__ == "__main__":
    unittest.main()
