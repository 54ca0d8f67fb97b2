"""FTPS workloads for bench/run: each server again, with explicit FTPS (AUTH TLS) required for the login and
the data (PROT P), on the same port, user and files as the plain run.

  TLS logins/s at 1 and 32 clients: Python's ftplib.FTP_TLS (OpenSSL) in 1 or 32 processes, each looping
      connect -> 220 -> AUTH TLS -> handshake -> USER -> PASS -> 230 -> QUIT for the given seconds; a full
      handshake every time (no session resumption across logins). Server CPU per TLS login as in the plain run.
  PROT P RETR / STOR of 1 GiB: curl --ssl-reqd (C, OpenSSL; PROT P, EPSV), its own MB/s (10^6 bytes over the
      whole transfer, login included: about 10 ms of a multi-second transfer).

Every server gets the same certificate: RSA 2048, self-signed, made once with openssl under build/bench/tls
(clients do not verify it), TLS 1.2 and 1.3, and each server's default of requiring the data connection to
resume the control connection's TLS session (curl does). The configurations:
  wardftpd   TLSEngine on, TLSRSACertificateFile/KeyFile, TLSProtocol TLSv1.2 TLSv1.3, TLSRequired on
  ProFTPD    the same, with mod_tls.so loaded (LoadModule mod_tls.c) from Debian's proftpd-mod-crypto, unpacked
             beside proftpd-core
  vsftpd     ssl_enable=YES, rsa_cert_file/rsa_private_key_file, force_local_logins_ssl/force_local_data_ssl
  pure-ftpd  -Y 2 (TLS required), -2 CERT,KEY
A server whose build has no FTPS (wardftpd before mod_tls is wired) gets n/a rows naming why, not a failure.
"""
import ftplib
import multiprocessing
import os
import ssl
import subprocess
import time

import debian_peers
import servers

# key, label, unit, better, goal factor against the best peer (the issue's: logins at 32 ≥ best, RETR ≥ 1.3×)
ROWS = [
    ("ftps_logins_c1", "FTPS: TLS logins/s, 1 client (AUTH TLS, USER, PASS, QUIT)", "/s", "higher", None),
    ("ftps_logins_c32", "FTPS: TLS logins/s, 32 concurrent clients", "/s", "higher", 1.0),
    ("ftps_logins_c32_server_cpu_ms", "FTPS: server CPU per TLS login (32 clients)", "ms", "lower", None),
    ("ftps_retr", "FTPS: PROT P RETR of 1 GiB", "MB/s", "higher", 1.3),
    ("ftps_stor", "FTPS: PROT P STOR of 1 GiB", "MB/s", "higher", None),
]
KEYS = [row[0] for row in ROWS]


def certificate(work):
    """build/bench/tls/server.crt and server.key (mode 0600), made once."""
    directory = os.path.join(work, "tls")
    crt, key = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
    if not (os.path.exists(crt) and os.path.exists(key)):
        os.makedirs(directory, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                        "-days", "3650", "-subj", "/CN=localhost"], check=True, capture_output=True)
    os.chmod(key, 0o600)
    return crt, key


def _mod_tls_lines(crt, key, extra=()):
    return list(extra) + ["TLSEngine on", "TLSRSACertificateFile %s" % crt, "TLSRSACertificateKeyFile %s" % key,
                          "TLSProtocol TLSv1.2 TLSv1.3", "TLSRequired on"]


def make_ftps(name, plain, crt, key):
    """The FTPS variant of a servers.make_* Server (its own configuration file or arguments)."""
    if name in ("wardftpd", "proftpd"):
        extra = ["LoadModule mod_tls.c", "TLSLog none"] if name == "proftpd" else []
        plain.config_text += "\n".join(_mod_tls_lines(crt, key, extra)) + "\n"
    elif name == "vsftpd":
        plain.config_text = plain.config_text.replace("ssl_enable=NO\n", "\n".join([
            "ssl_enable=YES", "rsa_cert_file=%s" % crt, "rsa_private_key_file=%s" % key,
            "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "ssl_tlsv1=NO", "ssl_sslv2=NO",
            "ssl_sslv3=NO", "require_ssl_reuse=YES"]) + "\n")
    elif name == "pure-ftpd":
        plain.argv += ["-Y", "2", "-2", "%s,%s" % (crt, key)]
    if plain.config_path:
        root, ext = os.path.splitext(plain.config_path)
        old, plain.config_path = plain.config_path, root + "-ftps" + ext
        plain.argv = [plain.config_path if arg == old else arg for arg in plain.argv]
    plain.log_path = plain.log_path.replace(".log", "-ftps.log")
    return plain


def unavailable(name, server, binary):
    """Why a server has no FTPS in this build (None when it has): wardftpd -t on its FTPS configuration."""
    if name != "wardftpd":
        return None
    with open(server.config_path, "w") as f:
        f.write(server.config_text)
    p = subprocess.run([binary, "-t", "-c", server.config_path], capture_output=True, text=True)
    if p.returncode == 0:
        return None
    lines = (p.stderr or p.stdout).strip().splitlines()
    return "no FTPS in this wardftpd build: -t says %s" % (lines[-1][:140] if lines else "?")


# ------------------------------------------------------------------------------------------------ clients

def _client_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _login_loop(port, user, password, start, seconds, out):
    context = _client_context()
    logins = errors = 0
    first = ""
    while time.monotonic() < start:
        time.sleep(0.001)
    end = start + seconds
    while time.monotonic() < end:
        ftp = ftplib.FTP_TLS(context=context, timeout=10)
        try:
            ftp.connect(servers.LOOPBACK, port)
            ftp.auth()
            ftp.login(user, password)
            ftp.quit()
            logins += 1
        except (OSError, EOFError, ftplib.Error) as e:
            errors += 1
            first = first or ("%s: %s" % (type(e).__name__, e))[:160]
        finally:
            ftp.close()
    out.put((logins, errors, first))


def tls_logins(port, user, password, clients, seconds):
    """(logins per second, errors, first error) over `clients` processes for `seconds`."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start = time.monotonic() + 0.2 + 0.01 * clients
    procs = [ctx.Process(target=_login_loop, args=(port, user, password, start, seconds, out))
             for _ in range(clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join(10)
    logins = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    first = next((r[2] for r in results if r[2]), "")
    return logins / seconds, errors, first


def curl_transfer(setup, port, direction, local):
    """MB/s of one PROT P transfer of HOME/big.bin (RETR) or of `local` to upload/stored.bin (STOR)."""
    url = "ftp://%s:%d/%s" % (servers.LOOPBACK, port, "big.bin" if direction == "retr" else "upload/stored.bin")
    argv = ["curl", "-sS", "--ssl-reqd", "--insecure", "--user", "%s:%s" % (setup.user, setup.password),
            "--max-time", "600"]
    if direction == "retr":
        argv += ["-o", "/dev/null", "-w", "%{speed_download} %{size_download}", url]
    else:
        argv += ["-T", local, "-w", "%{speed_upload} %{size_upload}", url]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=660)
    if p.returncode != 0:
        raise RuntimeError("curl: %s" % (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:160])
    speed, size = p.stdout.split()
    if int(float(size)) != os.path.getsize(local):
        raise RuntimeError("curl moved %s of %d bytes" % (size, os.path.getsize(local)))
    return float(speed) / 1e6


# ------------------------------------------------------------------------------------------------ bench/run's hook

def measure(setup, chosen, makers, results, quick, run):
    """Every chosen server with FTPS, in turn; figures into results[name][key]. `run` is bench/run's module
    namespace: its log, NA (a figure not measured, and why), settle, fmt_value, HOME and BIN."""
    log, na, home, binary = run.log, run.NA, run.HOME, os.path.join(run.BIN, "wardftpd")
    crt, key = certificate(setup.work)
    if "proftpd" in chosen:  # Debian ships ProFTPD's mod_tls.so in its own package
        debian_peers.unpack(["proftpd-mod-crypto"], run.PEERS, ["usr/lib/proftpd/mod_tls.so"], log)
    big = os.path.join(home, "big.bin")
    stored = os.path.join(home, "upload", "stored.bin")
    seconds = 1.5 if quick else 4
    for name in chosen:
        r = results.setdefault(name, {})
        server = make_ftps(name, makers[name](), crt, key)
        why = unavailable(name, server, binary)
        if why is None:
            log("%s: FTPS, starting on 127.0.0.1:%d" % (name, server.port))
            try:
                server.start()
            except RuntimeError as e:
                why = "did not start with FTPS: %s" % str(e).splitlines()[-1][:140]
        if why is not None:
            log("  %-10s FTPS n/a: %s" % (name, why))
            for k in KEYS:
                r[k] = na(why)
            continue
        try:
            base = run.settle(server)
            for clients in (1, 32):
                server.wait_idle(base)
                cpu0 = server.cpu_seconds()
                rate, errors, first = tls_logins(server.port, setup.user, setup.password, clients, seconds)
                server.wait_idle(base)
                cpu = server.cpu_seconds() - cpu0
                logins = rate * seconds
                k = "ftps_logins_c%d" % clients
                r[k] = rate if logins else na("no TLS login succeeded: %s" % first)
                r[k + "_server_cpu_ms"] = cpu * 1000 / logins if logins and cpu > 0 else None
                if errors:
                    log("  %s: %d failed TLS logins, first: %s" % (name, errors, first))
                log("  %-10s %-14s %s" % (name, k, run.fmt_value(r[k])))
            for direction in ("retr", "stor"):
                try:
                    r["ftps_" + direction] = curl_transfer(setup, server.port, direction, big)
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    r["ftps_" + direction] = na(str(e)[:160])
                finally:
                    if os.path.exists(stored):
                        os.unlink(stored)
                log("  %-10s %-14s %s" % (name, "ftps_" + direction, run.fmt_value(r["ftps_" + direction])))
        finally:
            server.stop()
