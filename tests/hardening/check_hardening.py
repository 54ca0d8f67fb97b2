#!/usr/bin/env python3
"""Checks that a built binary carries the hardening wardftpd promises.

From the ELF file (readelf): PIE, full RELRO (GNU_RELRO + BIND_NOW), non-executable stack, stack
protector (__stack_chk_fail), FORTIFY (__*_chk imports), CET indirect-branch tracking (main() begins
with an ENDBR64 landing pad). The CET property note itself cannot appear on Debian 12: its Scrt1.o and
crti.o carry none, so the linker drops it from every program (see SECURITY.md).
From the compile database (flags that leave no reliable mark in the binary): every translation unit of
our own code was compiled with -O2, -D_FORTIFY_SOURCE=3, -fstack-protector-strong,
-fstack-clash-protection and -fcf-protection.

usage: check_hardening.py BINARY [--compile-db FILE --source-root DIR]
Exit status 0 when everything holds; 1 with one line per failed property otherwise.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

REQUIRED_FLAGS = ["-O2", "-D_FORTIFY_SOURCE=3", "-fstack-protector-strong", "-fstack-clash-protection",
                  "-fcf-protection=full", "-fPIE"]


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True, text=True).stdout


def check_binary(path):
    failures = []
    header = readelf("-h", path)
    dynamic = readelf("-d", path)
    segments = readelf("-l", path)
    symbols = readelf("--dyn-syms", path)

    if not re.search(r"Type:\s+DYN", header) or not re.search(r"FLAGS_1.*\bPIE\b", dynamic):
        failures.append("not a position-independent executable (PIE)")
    if "GNU_RELRO" not in segments:
        failures.append("no RELRO segment (link with -z relro)")
    if not (re.search(r"\(FLAGS\).*\bBIND_NOW\b", dynamic) or re.search(r"FLAGS_1.*\bNOW\b", dynamic)):
        failures.append("lazy binding: RELRO is only partial (link with -z now)")
    stack = re.search(r"GNU_STACK\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S+)", segments)
    if stack is None or "E" in stack.group(1):
        failures.append("executable stack (GNU_STACK missing or RWE)")
    if "__stack_chk_fail" not in symbols:
        failures.append("no stack protector (__stack_chk_fail not referenced)")
    if not re.search(r"__\w+_chk\b", symbols.replace("__stack_chk_fail", "")):
        failures.append("no FORTIFY_SOURCE checks (__*_chk functions not referenced)")
    main_code = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "--disassemble=main", path],
                               check=True, capture_output=True, text=True).stdout
    first = re.search(r"<main>:\s*\n\s*[0-9a-f]+:\s*(\S+)", main_code)
    if first is None or first.group(1) != "endbr64":
        failures.append("no CET landing pads: main() does not begin with endbr64 (-fcf-protection)")
    return failures


def check_compile_db(db_path, source_root):
    failures = []
    with open(db_path, encoding="utf-8") as f:
        entries = json.load(f)
    checked = 0
    for entry in entries:
        source = os.path.realpath(entry["file"])
        if not source.startswith(os.path.realpath(source_root) + os.sep):
            continue
        args = entry.get("arguments") or shlex.split(entry["command"])
        missing = [flag for flag in REQUIRED_FLAGS if flag not in args]
        checked += 1
        if missing:
            failures.append("%s: compiled without %s" % (os.path.relpath(source, source_root), " ".join(missing)))
    if checked == 0:
        failures.append("compile database lists no source under %s" % source_root)
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--compile-db")
    parser.add_argument("--source-root")
    opts = parser.parse_args()
    failures = check_binary(opts.binary)
    if opts.compile_db:
        failures += check_compile_db(opts.compile_db, opts.source_root or os.getcwd())
    for failure in failures:
        print("hardening: %s: %s" % (opts.binary, failure))
    if not failures:
        print("hardening: %s: PIE, full RELRO, NX stack, stack protector, FORTIFY, CET: ok" % opts.binary)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
