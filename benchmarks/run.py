"""Time ``snclint scan`` on a corpus: wall time, files/s, resources/s and peak memory (median of runs).

    python benchmarks/run.py CORPUS_DIR [--format json] [--repeat 3] [--cache cold] [-- more scan options]
    python benchmarks/run.py CORPUS_DIR --profile          # in-process, under cProfile
    python benchmarks/run.py CORPUS_DIR --command "checkov -d . --quiet"   # another tool, same clock
    python benchmarks/run.py CORPUS_DIR --suite            # cold, warm and one-edit scans of a copy
    python benchmarks/run.py --table CORPUS [CORPUS ...]   # every case of the speed goals, one markdown table

Each run is a fresh process (``python -m linter scan .`` in CORPUS_DIR, so its ``.snclint.yaml`` is
found), as a user or CI would run it; start-up and imports are part of the figure. File and resource
counts come from the JSON report's summary. The parse cache is pointed at a directory of this
benchmark (``SNCLINT_CACHE_DIR``), never the user's, so that cold and warm runs mean what they say.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from memory import TreeMemory

SCANNED_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the process and of the children it waited for
    largest_bytes: int  # peak RSS of the largest single process (wait4)
    tree_bytes: int | None  # peak of the process tree's summed memory (sampled; Linux only)
    exit_code: int


def measure(command: list[str], cwd: Path, log: Path, env: dict[str, str]) -> Run:
    """Run ``command``; its wall and CPU time, and its memory (not the benchmark's own)."""
    with log.open("wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, env=env)
        with TreeMemory(proc.pid) as tree:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(seconds=seconds, cpu_seconds=usage.ru_utime + usage.ru_stime,
               largest_bytes=usage.ru_maxrss * scale, tree_bytes=tree.peak, exit_code=proc.returncode)


def scan_command(fmt: str, report: Path, extra: list[str], cache: str) -> list[str]:
    command = [sys.executable, "-m", "linter", "scan", ".", "--fail-on", "never"]
    command += ["--no-cache"] if cache == "off" else []
    if fmt == "json":
        return command + ["--format", "json", "-o", str(report), *extra]
    return command + ["--format", fmt, "-o", os.devnull, "--report", f"json:{report}", *extra]


def read_summary(report: Path) -> dict[str, int]:
    try:
        return json.loads(report.read_text(encoding="utf-8"))["summary"]
    except (OSError, ValueError, KeyError) as err:
        raise SystemExit(f"run.py: no usable JSON report at {report}: {err}") from None


def count_inputs(corpus: Path) -> int:
    """Files a scan would read, by name, for tools that do not report it."""
    skipped = {".git", ".terraform", "node_modules", ".venv"}
    total = 0
    for _folder, dirs, names in os.walk(corpus):
        dirs[:] = [d for d in dirs if d not in skipped]
        total += sum(1 for n in names if n.endswith(SCANNED_SUFFIXES) or n == "terraform.tfvars")
    return total


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def report(runs: list[Run], files: int, resources: int | None, label: str) -> str:
    wall = statistics.median(r.seconds for r in runs)
    lines = [
        f"command:     {label}",
        f"runs:        {len(runs)} ({', '.join(f'{r.seconds:.2f}s' for r in runs)}); exit code {runs[-1].exit_code}",
        f"wall time:   {wall:.2f} s (median; min {min(r.seconds for r in runs):.2f} s)",
        f"cpu time:    {statistics.median(r.cpu_seconds for r in runs):.2f} s user+system, workers and "
        "tools included (median; unlike wall time, not inflated by a busy machine)",
        f"files:       {files} -> {files / wall:,.0f} files/s",
    ]
    if resources is not None:
        lines.append(f"resources:   {resources} -> {resources / wall:,.0f} resources/s")
    tree = [r.tree_bytes for r in runs if r.tree_bytes is not None]
    if tree:
        lines.append(f"peak memory: {mib(statistics.median(tree))} for the whole process tree (median; "
                     f"max {mib(max(tree))}; proportional set size, sampled)")
    lines.append(f"largest process: {mib(statistics.median(r.largest_bytes for r in runs))} peak RSS (median)")
    return "\n".join(lines) + "\n"


def timed(args: argparse.Namespace, corpus: Path, work: Path) -> int:
    log = work / "output.log"
    if args.command:
        command = shlex.split(args.command)
    else:
        command = scan_command(args.format, work / "report.json", args.extra, args.cache)
    shared_cache = work / "cache"
    runs = []
    first = args.warmup + (1 if args.cache == "warm" and not args.command else 0)
    for i in range(first + args.repeat):
        cache = shared_cache if args.cache == "warm" else Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
        run = measure(command, corpus, log, {**os.environ, "SNCLINT_CACHE_DIR": str(cache)})
        if run.exit_code not in (0, 1) or (not args.command and run.exit_code != 0):
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            sys.stderr.write(f"run.py: {shlex.join(command)} exited with {run.exit_code}:\n{tail}\n")
            return 1
        if i >= first:
            runs.append(run)
    if args.command:
        files, resources = count_inputs(corpus), None
    else:
        summary = read_summary(work / "report.json")
        files, resources = summary["files"], summary["resources"]
        findings = {k: summary.get(k, 0) for k in ("error", "warning", "info", "suppressed")}
        sys.stdout.write(f"parse cache: {args.cache}\n")
        sys.stdout.write("findings:    " + ", ".join(f"{v} {k}" for k, v in findings.items()) + "\n")
    sys.stdout.write(report(runs, files, resources, shlex.join(command)))
    return 0


def first_terraform_file(corpus: Path) -> Path | None:
    """The file ``--suite`` edits: the first ``.tf`` file in a sorted walk (the same on every run)."""
    for folder, dirs, names in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith(".tf"):
                return Path(folder) / name
    return None


def suite(args: argparse.Namespace, corpus: Path, work: Path) -> int:
    """Cold, warm and one-edit scans of a copy of the corpus (the corpus itself is never written).

    cold: each run with an empty cache; warm: the cache of an unmeasured scan, nothing changed;
    one edit: the warm cache, after a comment is appended to one ``.tf`` file (another each run)."""
    copy = work / "corpus"
    shutil.copytree(corpus, copy, symlinks=True)
    edited = first_terraform_file(copy)
    report_file, log = work / "report.json", work / "output.log"
    command = scan_command(args.format, report_file, args.extra, "cold")

    def run(cache: Path) -> Run | None:
        found = measure(command, copy, log, {**os.environ, "SNCLINT_CACHE_DIR": str(cache)})
        if found.exit_code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            sys.stderr.write(f"run.py: {shlex.join(command)} exited with {found.exit_code}:\n{tail}\n")
            return None
        return found

    cold = [run(Path(tempfile.mkdtemp(dir=work, prefix="cache-"))) for _ in range(args.repeat)]
    cold_report = report_file.read_bytes()
    shared = work / "cache"
    warm = [run(shared) for _ in range(args.repeat + 1)][1:]  # the first one fills the cache
    if report_file.read_bytes() != cold_report:
        sys.stderr.write("run.py: the warm report differs from the cold one\n")
        return 1
    edits: list[Run | None] = []
    for i in range(args.repeat):
        if edited is None:
            break
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\n# edit {i} by benchmarks/run.py\n")
        edits.append(run(shared))
    rows: list[tuple[str, list[Run | None]]] = [("cold", cold), ("warm", warm), ("one edit", edits)]
    if any(r is None for _, runs in rows for r in runs):
        return 1
    summary = read_summary(report_file)
    sys.stdout.write(f"corpus:      {corpus} ({summary['files']} files, {summary['resources']} resources)\n"
                     f"command:     {shlex.join(command)}\n"
                     f"edited:      {edited.relative_to(copy) if edited else 'no .tf file: no one-edit run'}\n"
                     f"medians of {args.repeat} runs; memory = largest process's peak RSS "
                     "(tree = whole process tree, sampled)\n\n"
                     f"{'case':<10} {'wall (s)':>9} {'cpu (s)':>8} {'largest':>9} {'tree':>9}  runs\n")
    for name, runs in rows:
        done = [r for r in runs if r is not None]
        if not done:
            continue
        tree = [r.tree_bytes for r in done if r.tree_bytes is not None]
        sys.stdout.write(
            f"{name:<10} {statistics.median(r.seconds for r in done):>9.2f} "
            f"{statistics.median(r.cpu_seconds for r in done):>8.2f} "
            f"{mib(statistics.median(r.largest_bytes for r in done)):>9} "
            f"{mib(statistics.median(tree)) if tree else '-':>9}  "
            + ", ".join(f"{r.seconds:.2f}" for r in done) + "\n")
    return 0


def profiled(args: argparse.Namespace, corpus: Path, work: Path) -> int:
    """One scan in this process under cProfile, to find hot spots (slower than a plain run).

    Work done in worker processes is invisible to the profiler, so parsing stays in this process
    (``--jobs 1``) unless the options after ``--`` say otherwise; the parse cache starts empty."""
    from linter.cli import main as snclint

    out = work / "report.json"
    jobs = [] if any(a.startswith("--jobs") for a in args.extra) else ["--jobs", "1"]
    argv = ["scan", ".", "--fail-on", "never", "--format", "json", "-o", str(out), *jobs, *args.extra]
    here, saved = Path.cwd(), os.environ.get("SNCLINT_CACHE_DIR")
    os.environ["SNCLINT_CACHE_DIR"] = str(work / "cache")
    profile = cProfile.Profile()
    os.chdir(corpus)
    try:
        start = time.perf_counter()
        code = profile.runcall(snclint, argv)
        seconds = time.perf_counter() - start
    finally:
        os.chdir(here)
        if saved is None:
            del os.environ["SNCLINT_CACHE_DIR"]
        else:
            os.environ["SNCLINT_CACHE_DIR"] = saved
    if code not in (0, 1):
        sys.stderr.write(f"run.py: snclint {shlex.join(argv)} exited with {code}\n")
        return 1
    if args.save:
        profile.dump_stats(args.save)
    summary = read_summary(out)
    sys.stdout.write(f"profiled scan: {seconds:.2f} s, {summary['files']} files, "
                     f"{summary['resources']} resources ({shlex.join(argv)})\n")
    for key, count in (("cumulative", args.top), ("tottime", 15)):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).strip_dirs().sort_stats(key).print_stats(count)
        body = text.getvalue()
        sys.stdout.write(f"\n--- top {count} by {key} ---\n" + body[body.find("   ncalls"):])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--table" in (argv[:argv.index("--")] if "--" in argv else argv):
        import table  # its own options (see table.py)

        return table.main(argv)
    # everything after "--" goes to `snclint scan` untouched (argparse would read it as ours)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Options after -- go to `snclint scan` (e.g. -- --select SNC001).")
    parser.add_argument("corpus", type=Path, help="directory to scan (e.g. made by generate.py)")
    parser.add_argument("--format", default="json", help="report format to produce (default json)")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs (default 3)")
    parser.add_argument("--warmup", type=int, default=0, help="unmeasured runs first (default 0)")
    parser.add_argument("--cache", choices=("cold", "warm", "off"), default="cold",
                        help="parse cache: empty for each run (default), filled by an unmeasured first run, "
                             "or disabled (--no-cache)")
    parser.add_argument("--profile", action="store_true", help="one in-process run under cProfile")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print (default 25)")
    parser.add_argument("--save", metavar="FILE", help="with --profile: also write the raw stats (pstats, snakeviz)")
    parser.add_argument("--command", help="time this shell-quoted command in CORPUS_DIR instead of snclint")
    parser.add_argument("--suite", action="store_true",
                        help="cold, warm and one-edit scans of a copy of CORPUS_DIR, side by side")
    args = parser.parse_args(argv)
    args.extra = extra
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a directory")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    corpus = args.corpus.resolve()
    with tempfile.TemporaryDirectory(prefix="snclint-bench-") as tmp:
        if args.profile:
            return profiled(args, corpus, Path(tmp))
        if args.suite:
            return suite(args, corpus, Path(tmp))
        return timed(args, corpus, Path(tmp))


if __name__ == "__main__":
    raise SystemExit(main())
