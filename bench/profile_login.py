#!/usr/bin/env python3
"""bench/profile_login.py: where a wardftpd login's server CPU and page faults go, per process of the login.

Runs wardftpd (foreground, the given configuration) under `perf record`, drives logins at it with
ward_bench_client for a few seconds, and splits the samples by the process they came from: the master, the
session monitor it forks, and the monitor's first and second child (the pre-auth and the post-auth worker).
Per login it prints, for each process:
  - CPU by what the kernel stack or user-space object says it was doing (fork, page fault, exit, seccomp
    install, the password hash in libcrypt, ...), from task-clock samples with call graphs;
  - page faults by the mapping of the faulting address (heap, text of which object, stack, ...), from
    page-fault events with data addresses, mapped through the master's /proc/PID/maps.
Sampling slows the processes it watches (roughly 1.5-2x for the kernel paths here): read the split, and take
the absolute CPU per login from `bench/run` or `perf stat -e task-clock` without sampling.

  bench/profile_login.py --config build/bench/wardftpd-main.conf --port 22121 --user U --password P
Needs root (perf on other users' processes, and wardftpd's privilege separation) and a built build/release.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release", "bin")
ROLES = ["master", "monitor", "pre-auth", "post-auth"]
SAMPLE_NS = 50_000  # task-clock period: one sample per 50 us of CPU

# The first matching kernel or user frame names what a CPU sample was spent on.
CPU_KINDS = [
    ("fork", ("copy_process", "kernel_clone")),
    ("exit", ("do_exit", "do_group_exit")),
    ("page fault", ("exc_page_fault", "asm_exc_page_fault")),
    ("seccomp install", ("seccomp_set_mode_filter", "do_seccomp")),
    ("seccomp filter run", ("__seccomp_filter",)),
    ("landlock", ("landlock",)),
    ("open/stat (NSS, /proc)", ("do_sys_openat2", "vfs_fstatat", "do_statx")),
    ("socket/IPC", ("sock_", "unix_", "tcp_")),
    ("mmap/brk", ("do_mmap", "munmap", "do_brk")),
    ("other system calls", ("do_syscall_64",)),
]


def roles_from(events):
    """pid -> role from sched_process_exec/fork events, in order."""
    role, children = {}, collections.defaultdict(int)
    for pid, event, rest in events:
        if event.startswith("sched:sched_process_exec") and "wardftpd" in rest:
            role[pid] = "master"
        elif event.startswith("sched:sched_process_fork"):
            child = int(re.search(r"child_pid=(\d+)", rest).group(1))
            parent_role = role.get(pid)
            if parent_role == "master":
                role[child] = "monitor"
            elif parent_role == "monitor":
                children[pid] += 1
                role[child] = {1: "pre-auth", 2: "post-auth"}.get(children[pid], "hook")
    return role


def parse(script_text):
    """perf script output -> list of (pid, event, header rest, [stack frames])."""
    samples, current = [], None
    for line in script_text.splitlines():
        m = re.match(r"\s*(\d+)\s+(\S+):\s*(.*)", line)
        if m and not line.startswith("\t"):
            current = (int(m.group(1)), m.group(2), m.group(3), [])
            samples.append(current)
        elif current is not None and line.strip():
            current[3].append(line.strip())
    return samples


def cpu_kind(frames):
    joined = " ".join(frames)
    for kind, needles in CPU_KINDS:
        if any(n in joined for n in needles):
            return kind
    if frames:
        obj = frames[0].rsplit("(", 1)[-1].rstrip(")")
        return "user: " + os.path.basename(obj)
    return "?"


def load_maps(path):
    maps = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            name = os.path.basename(parts[5]) if len(parts) > 5 else "anonymous"
            maps.append((lo, hi, "%s %s" % (name, parts[1])))
    return maps


def mapping_of(maps, addr):
    for lo, hi, name in maps:
        if lo <= addr < hi:
            return name
    return "mapped after start-up"


def record(args, work, perf_args, out, drive):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
    argv = ["perf", "record", "-q", "-o", out] + perf_args + [
        "-e", "sched:sched_process_fork", "-e", "sched:sched_process_exec", "--",
        os.path.join(BIN, "wardftpd"), "-n", "-c", args.config]
    perf = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "daemon.log"), "w"))
    try:
        time.sleep(1.0)
        daemon = int(subprocess.run(["pgrep", "-P", str(perf.pid)], capture_output=True, text=True).stdout.split()[0])
        maps = os.path.join(work, "master.maps")
        with open("/proc/%d/maps" % daemon) as src, open(maps, "w") as dst:
            dst.write(src.read())
        logins = drive()
        time.sleep(0.5)
        os.kill(daemon, 15)
    finally:
        perf.wait(30)
    return logins, maps


def drive_logins(args):
    out = subprocess.run([os.path.join(BIN, "ward_bench_client"), "logins", "--port", str(args.port), "--user",
                          args.user, "--pass", args.password, "--concurrency", "1", "--seconds", str(args.seconds)],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r'"logins": (\d+)', out)
    if not m or int(m.group(1)) == 0:
        sys.exit("no login succeeded: %s" % out.strip())
    return int(m.group(1))


def report(title, per_role, logins, unit, scale, top):
    print(title)
    for role in ROLES:
        counts = per_role.get(role, collections.Counter())
        total = sum(counts.values()) * scale / logins
        parts = ", ".join("%s %.2f" % (k, v * scale / logins) for k, v in counts.most_common(top))
        print("  %-9s %7.2f %s: %s" % (role, total, unit, parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--port", type=int, required=True, help="the Port of --config")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--top", type=int, default=8, help="items per process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ward-profile-") as work:
        data = os.path.join(work, "cpu.data")
        logins, _ = record(args, work, ["-g", "-e", "task-clock/period=%d/" % SAMPLE_NS], data,
                           lambda: drive_logins(args))
        text = subprocess.run(["perf", "script", "-i", data, "-F", "pid,event,ip,sym,dso,trace"],
                              capture_output=True, text=True).stdout
        samples = parse(text)
        role = roles_from((s[0], s[1], s[2]) for s in samples)
        cpu = collections.defaultdict(collections.Counter)
        for pid, event, _, frames in samples:
            if event.startswith("task-clock"):
                cpu[role.get(pid, "other")][cpu_kind(frames)] += 1
        report("CPU per login, ms, under sampling (%d logins):" % logins, cpu, logins, "ms", SAMPLE_NS / 1e6, args.top)

        data = os.path.join(work, "faults.data")
        logins, maps_path = record(args, work, ["-d", "-e", "page-faults/period=1/"], data, lambda: drive_logins(args))
        text = subprocess.run(["perf", "script", "-i", data, "-F", "pid,event,addr,trace"],
                              capture_output=True, text=True).stdout
        samples = parse(text)
        role = roles_from((s[0], s[1], s[2]) for s in samples)
        maps = load_maps(maps_path)
        faults = collections.defaultdict(collections.Counter)
        for pid, event, rest, _ in samples:
            if event.startswith("page-faults"):
                faults[role.get(pid, "other")][mapping_of(maps, int(rest.split()[0], 16))] += 1
        report("Page faults per login by mapping (%d logins):" % logins, faults, logins, "faults", 1, args.top)


if __name__ == "__main__":
    main()
