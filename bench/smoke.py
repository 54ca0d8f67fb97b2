#!/usr/bin/env python3
"""bench.client_smoke: every ward_bench_client workload once, briefly, against wardftpd alone (a few seconds),
so the load generator and bench/servers.py's wardftpd configuration keep working. Timing is not checked.
The user is virtual (AuthUserFile) and maps to the uid running the test, so nothing on the system changes."""
import argparse
import crypt
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scaling  # noqa: E402
import servers  # noqa: E402

USER, PASSWORD = "smoke", "smoke-Pa55"


def free_port():
    with socket.socket() as s:
        s.bind((servers.LOOPBACK, 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wardftpd", required=True)
    parser.add_argument("--client", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="ward-bench-smoke-")
    try:
        home = os.path.join(work, "home")
        os.makedirs(os.path.join(home, "list"))
        os.makedirs(os.path.join(home, "upload"))
        os.makedirs(os.path.join(work, "logs"))
        with open(os.path.join(home, "big.bin"), "wb") as f:
            f.write(os.urandom(1 << 20) * 4)
        for i in range(40):
            with open(os.path.join(home, "list", "f%05d" % i), "wb") as f:
                f.write(b"x" * 4096)
        passwd = os.path.join(work, "ftpd.passwd")
        with open(passwd, "w") as f:
            f.write("%s:%s:%d:%d::%s:/bin/sh\n" % (USER, crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_SHA512)),
                                                   os.getuid(), os.getgid(), home))
        os.chmod(passwd, 0o600)
        setup = servers.Setup(work, "", USER, PASSWORD, home, auth="file", passwd_file=passwd, uid=os.getuid(),
                              gid=os.getgid())
        server = servers.make_wardftpd(setup, args.wardftpd, free_port(), None)
        common = ["--port", str(server.port), "--user", USER, "--pass", PASSWORD]
        runs = [
            ["logins"] + common + ["--concurrency", "1", "--seconds", "0.5", "--max", "20"],
            ["logins"] + common + ["--concurrency", "8", "--seconds", "0.5", "--max", "40"],
            ["retr"] + common + ["--file", "big.bin"],
            ["stor"] + common + ["--local", os.path.join(home, "big.bin"), "--file", "upload/stored.bin"],
            ["small"] + common + ["--dir", "list", "--count", "20"],
            ["list"] + common + ["--dir", "list", "--verb", "LIST", "--repeat", "2"],
            ["list"] + common + ["--dir", "list", "--verb", "MLSD", "--repeat", "2"],
            ["hook"] + common + ["--file", "list/f00000", "--count", "5"],
            ["loopback", "--local", os.path.join(home, "big.bin")],
        ]
        failed = 0
        server.start()
        try:
            for argv in runs:
                p = subprocess.run([args.client] + argv, capture_output=True, text=True, timeout=60)
                ok = p.returncode == 0 and '"error"' not in p.stdout and p.stdout.startswith("{")
                if argv[0] == "logins" and ('"logins": 0,' in p.stdout or '"p99_ms"' not in p.stdout):
                    ok = False
                print("%s %s: %s" % ("ok  " if ok else "FAIL", argv[0], (p.stdout + p.stderr).strip()))
                failed += 0 if ok else 1
            idle = subprocess.Popen([args.client, "idle"] + common + ["--sessions", "5"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
            line = idle.stdout.readline()
            idle.stdin.close()
            idle.wait(30)
            ok = line.startswith('{"ready": 5}')
            print("%s idle: %s" % ("ok  " if ok else "FAIL", line.strip()))
            failed += 0 if ok else 1
        finally:
            server.stop()
        failed += sections_run(args, setup, home)
        if os.path.getsize(os.path.join(home, "upload", "stored.bin")) != 4 << 20:
            print("FAIL stor: the stored file has the wrong size")
            failed += 1
        if failed:
            print(server.log_tail())
        total = len(runs) + 3
        print("%d passed, %d failed" % (total - failed, failed))
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sections_run(args, setup, home):
    """The scaling run's largest <Directory> configuration (bench/scaling.py) starts, and RETR works under it."""
    server = scaling.with_sections(servers.make_wardftpd(setup, args.wardftpd, free_port(), None), home,
                                   scaling.SECTIONS[-1])
    server.start()
    try:
        p = subprocess.run([args.client, "hook", "--port", str(server.port), "--user", USER, "--pass", PASSWORD,
                            "--file", scaling.RETR_FILE, "--count", "5"], capture_output=True, text=True, timeout=60)
    finally:
        server.stop()
    ok = p.returncode == 0 and p.stdout.startswith('{"count": 5,')
    print("%s hook with %d <Directory> sections: %s" % ("ok  " if ok else "FAIL", scaling.SECTIONS[-1],
                                                         (p.stdout + p.stderr).strip()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
