"""The libFuzzer harnesses in fuzz/ and the source files each one targets.

A harness is a folder fuzz/<name>/ holding fuzz_<name>.cpp, a corpus/ folder and <name>.dict. Its target
files are the .cpp paths its opening comment names, e.g. "(daemon/ipc/messages.cpp, wire.cpp)": a bare file
name continues the folder of the path before it. A harness whose comment names none targets the .cpp beside
each project header it includes. Files under fuzz/ are support code, never targets.

Used by scripts/fuzz-coverage (the coverage table in SECURITY.md) and tests/gates/test_fuzz_evidence.py.
"""
import os
import re

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE_OPEN = "<!-- fuzz-coverage:table -->"
TABLE_CLOSE = "<!-- /fuzz-coverage -->"


def names(source_dir=SOURCE_DIR):
    """Every harness name, sorted."""
    fuzz = os.path.join(source_dir, "fuzz")
    return sorted(entry for entry in os.listdir(fuzz)
                  if os.path.isfile(os.path.join(fuzz, entry, "fuzz_%s.cpp" % entry)))


def _opening_comment(text):
    lines = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:])
    return " ".join(lines)


def targets(name, source_dir=SOURCE_DIR):
    """The repository-relative target files of harness `name`."""
    with open(os.path.join(source_dir, "fuzz", name, "fuzz_%s.cpp" % name), encoding="utf-8") as f:
        text = f.read()
    found = []
    folder = ""
    for token in re.findall(r"[\w./-]+\.cpp\b", _opening_comment(text)):
        path = token if "/" in token else os.path.join(folder, token)
        folder = os.path.dirname(path)
        if os.path.isfile(os.path.join(source_dir, path)) and not path.startswith("fuzz/") and path not in found:
            found.append(path)
    if found:
        return found
    for header in re.findall(r'^#include "([\w./-]+)\.hpp"', text, re.M):
        path = header + ".cpp"
        if os.path.isfile(os.path.join(source_dir, path)) and not path.startswith("fuzz/") and path not in found:
            found.append(path)
    return found


def table_rows(document):
    """The rows of SECURITY.md's generated coverage table: [(harness, target, cells...)]."""
    if TABLE_OPEN not in document:
        return []
    block = document.split(TABLE_OPEN, 1)[1].split(TABLE_CLOSE, 1)[0]
    rows = []
    for line in block.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("harness", "") and not set(cells[0]) <= set("-:"):
            rows.append(tuple(cells))
    return rows
