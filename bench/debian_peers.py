"""Debian packages unpacked privately (dpkg-deb -x) under one folder, never installed: no maintainer scripts run,
nothing under /etc or /usr changes, no service starts. Shared by bench/run (ProFTPD, vsftpd, pure-ftpd as peers)
and scripts/compat (Debian's ProFTPD as the baseline of ProFTPD's own regression suite).

  unpack(["proftpd-core"], "build/x/peers", ["usr/sbin/proftpd"], log)
  env = peer_env("build/x/peers/root")    # LD_LIBRARY_PATH for the libraries this machine lacks
"""
import os
import subprocess


def _run(argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def _installed(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in r.stdout


def _depends(deb):
    r = subprocess.run(["dpkg-deb", "-f", deb, "Depends", "Pre-Depends"], capture_output=True, text=True, check=True)
    names = []
    for line in r.stdout.splitlines():
        value = line.split(":", 1)[1] if ":" in line else line
        for clause in value.split(","):
            first = clause.split("|")[0].strip()
            if first:
                names.append(first.split()[0].split(":")[0])
    return names


def _download(packages, dest, log):
    cmd = ["apt-get", "download"] + packages
    r = subprocess.run(cmd, cwd=dest, capture_output=True, text=True)
    if r.returncode != 0:
        log("apt-get download failed; running apt-get update once")
        _run(["apt-get", "update", "-qq"])
        _run(cmd, cwd=dest, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lib_dirs(root):
    return [d for d in (os.path.join(root, "usr/lib/x86_64-linux-gnu"), os.path.join(root, "lib/x86_64-linux-gnu"))
            if os.path.isdir(d)]


def peer_env(root):
    """A minimal environment in which the unpacked binaries find their unpacked shared libraries."""
    return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C", "LD_LIBRARY_PATH": ":".join(lib_dirs(root))}


def unpack(packages, peers, binaries, log):
    """packages and the shared libraries they need that this machine lacks, downloaded to peers/debs and unpacked
    under peers/root. binaries (paths relative to peers/root) are what must exist and link afterwards; when they
    already do, nothing is downloaded. Returns peers/root."""
    root = os.path.join(peers, "root")
    paths = [os.path.join(root, b) for b in binaries]
    if all(os.path.exists(p) for p in paths):
        return root
    debs = os.path.join(peers, "debs")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    log("downloading %s" % " ".join(packages))
    wanted, seen = list(packages), set()
    while wanted:
        _download(wanted, debs, log)
        seen.update(wanted)
        following = set()
        for deb in sorted(f for f in os.listdir(debs) if f.endswith(".deb")):
            path = os.path.join(debs, deb)
            _run(["dpkg-deb", "-x", path, root])
            for dep in _depends(path):  # shared libraries only: the rest is packaging (adduser, debconf ...)
                if dep.startswith("lib") and dep not in seen and not _installed(dep):
                    following.add(dep)
        wanted = sorted(following)
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(lib_dirs(root)))
    for p in paths:
        missing = [line for line in subprocess.run(["ldd", p], capture_output=True, text=True, env=env).stdout.splitlines()
                   if "not found" in line]
        if missing:
            raise SystemExit("%s still lacks: %s" % (p, "; ".join(missing)))
    return root
