"""bench/scaling.py: the scaling curves of bench/run, for every server, and their plots.

  - logins/s and server CPU per login at 1, 8, 32 and 128 concurrent clients;
  - PSS per idle logged-in session, and the p99 latency of a login made beside them (one client), with 100,
    1,000 and 2,000 idle sessions open;
  - LIST and MLSD of 10,000 and 100,000 entries (median wall time);
  - per-command cost with 1, 100 and 1,400 <Directory> sections (wardftpd and ProFTPD; vsftpd and pure-ftpd
    have no per-directory configuration): the median RETR of a 4 KiB file, and server CPU per RETR.

Each figure is stored flat in bench/run's results (key sc_<curve>_<x>), rendered as one table by bench/run's
own renderer, and drawn as one PNG per curve, all servers on one chart (matplotlib from Debian, installed by
ensure_matplotlib). `bench/run --quick` keeps short versions: shorter runs and 10/50 idle sessions.
"""
import json
import os
import shutil
import subprocess
import sys

import servers

DEBIAN_PYTHON = "/usr/bin/python3"  # the interpreter Debian's python3-matplotlib is installed for
CLIENTS = [1, 8, 32, 128]
IDLE = [100, 1000, 2000]
QUICK_IDLE = [10, 50]
LISTINGS = [("list", 10_000), ("list100k", 100_000)]
SECTIONS = [1, 100, 1400]
RETR_FILE = "list/f00000"  # relative to the chrooted home
NO_SECTIONS = {
    "vsftpd": "no <Directory> sections: vsftpd's configuration is one flat list of global options",
    "pure-ftpd": "no <Directory> sections: pure-ftpd is configured by command-line flags for the whole server",
}

# curve: (title, x label, y label, x values (full), [(row key prefix, series suffix)], log x)
CURVES = {
    "logins": ("Logins per second by concurrent clients", "concurrent clients", "logins/s", CLIENTS, "c", True),
    "cpu": ("Server CPU per login by concurrent clients", "concurrent clients", "ms per login", CLIENTS, "c", True),
    "pss": ("PSS per idle logged-in session", "idle sessions open", "KiB per session", IDLE, "n", True),
    "p99": ("Login p99 latency beside idle sessions (1 client)", "idle sessions open", "ms", IDLE, "n", True),
    "list": ("LIST wall time by directory size", "entries", "ms (median)", [e for _, e in LISTINGS], "e", True),
    "mlsd": ("MLSD wall time by directory size", "entries", "ms (median)", [e for _, e in LISTINGS], "e", True),
    "dirs": ("RETR of 4 KiB by <Directory> sections", "<Directory> sections", "ms (median)", SECTIONS, "s", True),
    "dircpu": ("Server CPU per RETR by <Directory> sections", "<Directory> sections", "µs per RETR", SECTIONS, "s",
               True),
}


def key(curve, x):
    return "sc_%s_%s%d" % (curve, CURVES[curve][4], x)


def ensure_matplotlib(log):
    """python3-matplotlib from Debian (apt-get), for the plots."""
    if subprocess.run([DEBIAN_PYTHON, "-c", "import matplotlib"], stderr=subprocess.DEVNULL).returncode == 0:
        return
    log("installing python3-matplotlib (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "python3-matplotlib"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)


def ensure_data(home, pw, log):
    """HOME/list100k: 100,000 empty files (HOME/list, the 10,000, is bench/run's)."""
    path = os.path.join(home, "list100k")
    last = os.path.join(path, "f%06d" % (LISTINGS[1][1] - 1))
    if os.path.exists(last):
        return
    log("writing %d empty files" % LISTINGS[1][1])
    os.makedirs(path, exist_ok=True)
    for i in range(LISTINGS[1][1]):
        with open(os.path.join(path, "f%06d" % i), "wb"):
            pass
    os.chown(path, pw.pw_uid, pw.pw_gid)


# ------------------------------------------------------------------------------------------------ workloads

def measure(setup, chosen, makers, results, quick, bench):
    """Every curve for every chosen server; each server started once for the first three, then once per
    <Directory> count."""
    for name in chosen:
        server = makers[name]()
        if name == "pure-ftpd":  # its session cap is half its passive range
            server.argv[server.argv.index("-p") + 1] = "%d:%d" % servers.PUREFTPD_SCALING_PASSIVE
        bench.log("%s: scaling, on 127.0.0.1:%d" % (name, server.port))
        r = results.setdefault(name, {})
        try:
            server.start()
        except RuntimeError as e:
            bench.log("%s did not start: %s" % (name, e))
            for curve, spec in CURVES.items():
                for x in spec[3]:
                    r[key(curve, x)] = bench.NA("did not start")
            continue
        try:
            server.base_processes = bench.settle(server)
            _logins(setup, server, r, quick, bench)
            _idle(setup, server, r, quick, bench)
            _listings(setup, server, r, quick, bench)
        finally:
            server.stop()
        _sections(setup, name, makers[name], r, quick, bench)


def _step(r, keys, bench, label, work):
    """Runs work() -> tuple of values for keys; a client failure becomes n/a with its reason."""
    try:
        values = work()
    except bench.ClientError as e:
        values = [bench.NA(str(e).splitlines()[0][:160])] * len(keys)
    for k, v in zip(keys, values):
        r[k] = v
    bench.log("  %-34s %s" % (label, ", ".join(bench.fmt_value(v) for v in values)))


def _logins(setup, server, r, quick, bench):
    for c in CLIENTS:
        def work(c=c):
            rate, server_ms, _client_ms, _faults = bench.measure_logins(setup, server, c, 1.5 if quick else 5)
            return rate, server_ms
        _step(r, [key("logins", c), key("cpu", c)], bench, "%s logins, %d clients" % (server.name, c), work)


def _idle(setup, server, r, quick, bench):
    for n in QUICK_IDLE if quick else IDLE:
        def beside(processes):
            figures = {}
            bench.measure_logins(setup, server, 1, 1.5 if quick else 6, figures, idle_processes=processes)
            return figures.get("p99_ms") if figures.get("logins") else None

        def work(n=n):
            pss, _procs, p99 = bench.measure_pss(setup, server, n, beside)
            return pss, p99 if p99 is not None else bench.NA("no login beside the idle sessions")
        _step(r, [key("pss", n), key("p99", n)], bench, "%s %d idle sessions" % (server.name, n), work)


def _listings(setup, server, r, quick, bench):
    for directory, entries in LISTINGS:
        for verb in ("LIST", "MLSD"):
            def work(directory=directory, entries=entries, verb=verb):
                f = bench.client(setup, "list", server.port, dir=directory, verb=verb, repeat=1 if quick else 3)
                if f.get("unsupported"):
                    return [bench.NA("%s answered %s" % (verb, f["reply"].strip()[:60]))]
                if f["lines"] < entries:
                    return [bench.NA("%s listed %d of %d entries" % (verb, f["lines"], entries))]
                return [f["median_ms"]]
            _step(r, [key(verb.lower(), entries)], bench, "%s %s of %d" % (server.name, verb, entries), work)


def _sections(setup, name, make, r, quick, bench):
    if name in NO_SECTIONS:
        for s in SECTIONS:
            r[key("dirs", s)] = r[key("dircpu", s)] = bench.NA(NO_SECTIONS[name])
        return
    count = 50 if quick else 300
    for s in SECTIONS:
        server = with_sections(make(), setup.home, s)
        try:
            server.start()
        except RuntimeError as e:
            reason = str(e).splitlines()
            r[key("dirs", s)] = r[key("dircpu", s)] = bench.NA("refused %d sections: %s" %
                                                               (s, reason[-1][:120] if reason else "?"))
            continue
        try:
            server.base_processes = bench.settle(server)

            def work():
                cpu0 = server.cpu_seconds()
                f = bench.client(setup, "hook", server.port, file=RETR_FILE, count=count)
                server.wait_idle(server.base_processes)
                # the 10 warm-up RETRs and the login are in the CPU figure too: a constant, the same at every s
                return f["median_ms"], (server.cpu_seconds() - cpu0) * 1e6 / count
            _step(r, [key("dirs", s), key("dircpu", s)], bench, "%s %d <Directory>" % (name, s), work)
        finally:
            server.stop()


def with_sections(server, home, sections):
    """The server's configuration plus `sections` <Directory> sections: sections-1 on paths no command touches,
    and the last on the directory every RETR reads from, so each command is matched against all of them."""
    text = []
    for i in range(sections - 1):
        text.append("<Directory %s/d%04d>\n  Umask 027\n  <Limit WRITE>\n    DenyAll\n  </Limit>\n</Directory>"
                    % (home, i))
    text.append("<Directory %s/list>\n  <Limit WRITE>\n    DenyAll\n  </Limit>\n</Directory>" % home)
    server.config_text += "\n".join(text) + "\n"
    root, ext = os.path.splitext(server.config_path)
    old, server.config_path = server.config_path, "%s-dirs%d%s" % (root, sections, ext)
    server.argv = [server.config_path if arg == old else arg for arg in server.argv]
    server.log_path = server.log_path.replace(".log", "-dirs%d.log" % sections)
    return server


# ------------------------------------------------------------------------------------------------ report

ROW_LABELS = {
    "logins": ("logins/s, concurrent clients: %s", "/s", "higher"),
    "cpu": ("server CPU per login, concurrent clients: %s", "ms", "lower"),
    "pss": ("PSS per idle session, %s sessions open", "KiB", "lower"),
    "p99": ("login p99 latency (1 client), %s idle sessions open", "ms", "lower"),
    "list": ("LIST of %s entries (median)", "ms", "lower"),
    "mlsd": ("MLSD of %s entries (median)", "ms", "lower"),
    "dirs": ("RETR of 4 KiB, <Directory> sections: %s (median)", "ms", "lower"),
    "dircpu": ("server CPU per RETR, <Directory> sections: %s", "µs", "lower"),
}


def rows(results):
    """bench/run ROWS-style rows of every scaling figure present in results."""
    present = {k for r in results.values() for k in r}
    out = []
    for curve, (label, unit, better) in ROW_LABELS.items():
        for x in _xs(curve):
            if key(curve, x) in present:
                out.append((key(curve, x), label % "{:,}".format(x), unit, better, None))
    return out


def render(results, bench):
    return bench.render(results, None, True, rows(results))


def plot(results, outdir, names):
    """One PNG per curve, every server a line on it; returns the files written. Drawn by Debian's python3
    (this file run as a script), whichever python3 runs bench/run."""
    charts = {}
    for curve in CURVES:
        xs = _xs(curve)
        series = {}
        for name in names:
            points = [(x, results[name].get(key(curve, x))) for x in xs]
            points = [[x, v] for x, v in points if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if points:
                series[name] = points
        if series:
            present = sorted({p[0] for points in series.values() for p in points})
            charts[curve] = {"xs": present, "series": series}
    subprocess.run([DEBIAN_PYTHON, os.path.abspath(__file__), outdir], input=json.dumps(charts).encode(),
                   check=True)
    return [os.path.join(outdir, "%s.png" % curve) for curve in charts]


def _xs(curve):
    return sorted(set(CURVES[curve][3]) | (set(QUICK_IDLE) if curve in ("pss", "p99") else set()))


def _draw(charts, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(outdir, exist_ok=True)
    for curve, chart in charts.items():
        title, xlabel, ylabel, _xs_full, _tag, logx = CURVES[curve]
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
        for name, points in chart["series"].items():
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
        if logx:
            ax.set_xscale("log")
        ax.set_xticks(chart["xs"])
        ax.set_xticklabels(["{:,}".format(x) for x in chart["xs"]])
        ax.minorticks_off()
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "%s.png" % curve))
        plt.close(fig)


def write_results(results_md, table, plots, plots_dir):
    """Copies the plots to bench/plots and appends the scaling table and the links to RESULTS.md."""
    os.makedirs(plots_dir, exist_ok=True)
    lines = ["", "## Scaling", "", table, "", "Plots (all servers on each chart):", ""]
    for path in plots:
        shutil.copy(path, os.path.join(plots_dir, os.path.basename(path)))
        name = os.path.basename(path)
        title = CURVES[os.path.splitext(name)[0]][0]
        rel = os.path.relpath(os.path.join(plots_dir, name), os.path.dirname(results_md))
        lines.append("![%s](%s)" % (title, rel))
        lines.append("")
    lines.append("")
    with open(results_md, "a") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":  # the plotting half, under Debian's python3: chart data on stdin, PNGs to argv[1]
    _draw(json.load(sys.stdin), sys.argv[1])
