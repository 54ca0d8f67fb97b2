#!/usr/bin/env python3
"""A mod_exec hook program for the tests: appends one JSON line describing how it was run to the file
named by its first argument, then prints WARD_HOOK_OUTPUT (JSON list of lines), if set, to stdout.

    hook_recorder.py OUTFILE POINT [key=value ...]

Recorded: point, each key=value (numbers converted, "-" kept), argv, the environment, and the uid, gid,
groups, CapEff, NoNewPrivs and Seccomp fields of /proc/self/status, and the same of its parent (the process that
spawned it: a session monitor, or the master's mod_exec helper). If WARD_HOOK_ACTION is set it is one
of "ptrace", "mount", "ignore_term_and_sleep", "sleep" (the hook misbehaves after recording)."""
import json
import os
import sys

NUMBERS = ("reply_code", "bytes", "file_offset", "file_size", "transfer_port", "uid_var", "gid_var")


def status_fields(pid="self"):
    fields = {}
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("Uid", "Gid", "Groups", "CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp"):
                fields[key] = value.strip()
    return fields


def main():
    out, point = sys.argv[1], sys.argv[2]
    event = {"point": point, "argv": sys.argv[3:], "env": dict(os.environ), "proc": status_fields(),
             "parent_proc": status_fields(os.getppid()),
             "stdin": sys.stdin.read()}
    for arg in sys.argv[3:]:
        key, sep, value = arg.partition("=")
        if not sep:
            continue
        if key in NUMBERS:
            event[key] = int(value) if value.isdigit() else None
        else:
            event[key] = value
    if "transfer_type" in event:
        event["transfer_binary"] = event["transfer_type"] == "binary"
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(event) + "\n")
    lines = os.environ.get("WARD_HOOK_OUTPUT")
    if lines:
        for line in json.loads(lines):
            print(line)
    sys.stdout.flush()
    action = os.environ.get("WARD_HOOK_ACTION", "")
    if action == "ptrace":
        import ctypes
        ctypes.CDLL(None).ptrace(16, 1, 0, 0)
    elif action == "mount":
        import ctypes
        ctypes.CDLL(None).mount(b"none", b"/mnt", b"tmpfs", 0, None)
    elif action in ("ignore_term_and_sleep", "sleep"):
        import signal
        import time
        if action == "ignore_term_and_sleep":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(30)


if __name__ == "__main__":
    main()
