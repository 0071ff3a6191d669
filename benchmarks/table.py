"""Every case of the speed goals, on one or more estates side by side, as one markdown table.

    python benchmarks/run.py --table CORPUS [CORPUS ...] [--small DIR] [--repeat 3] [--small-repeat 5]

Per corpus (on a copy: the corpus itself is never written): cold scans (each with an empty cache),
warm scans (the cache of an unmeasured scan, nothing changed), one edit of a ``.tf`` file in a local
module used by the fewest root modules, one edit of a Kubernetes manifest, and ``snclint graph
--format json`` cold and warm beside the scan; then a small root module (the pre-commit case: cold,
warm, and after an edit of one of its ``.tf`` files), and Checkov on the same folders when it is
installed. Every run is a fresh process with the cache in a folder of the benchmark. The JSON report
holds no clock (SARIF, HTML, JUnit and gitlab-sast do), so cold and warm reports are compared byte
for byte, and each edited tree's report with a cold scan of it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from run import Run, measure, mib

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "fixtures" / "terraform" / "aws-paris"
CHECKOV = "checkov -d . --quiet --compact --skip-download --framework terraform kubernetes"
# a module call's local source: `source = "./modules/sqs"` or `"../../modules/app"`
LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)
MANIFEST = re.compile(r"^apiVersion:", re.MULTILINE), re.compile(r"^kind:", re.MULTILINE)
NOT_MANIFESTS = {"kustomization.yaml", "kustomization.yml", ".snclint.yaml", ".snclint.yml"}


class Failed(Exception):
    """A run that did not end as it should (its command and output tail say why)."""


@dataclass
class Row:
    corpus: str
    case: str
    runs: list[Run]
    versus: str = ""
    checkov: str = ""


@dataclass
class Bench:
    """Where runs happen and what was checked along the way."""

    work: Path
    extra: list[str]
    checks: dict[str, list[bool]] = field(default_factory=dict)

    def cache(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.work, prefix="cache-"))

    def run(self, command: list[str], cwd: Path, cache: Path, codes: tuple[int, ...] = (0,)) -> Run:
        log = self.work / "output.log"
        done = measure(command, cwd, log, {**os.environ, "SNCLINT_CACHE_DIR": str(cache)})
        if done.exit_code not in codes:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise Failed(f"{shlex.join(command)} exited with {done.exit_code} in {cwd}:\n{tail}")
        return done

    def scan(self, cwd: Path, cache: Path) -> tuple[Run, bytes]:
        report = self.work / "report.json"
        command = [sys.executable, "-m", "linter", "scan", ".", "--fail-on", "never",
                   "--format", "json", "-o", str(report), *self.extra]
        return self.run(command, cwd, cache), report.read_bytes()

    def graph(self, cwd: Path, cache: Path) -> Run:
        out = self.work / "graph.json"
        command = [sys.executable, "-m", "linter", "graph", ".", "--format", "json", "-o", str(out), *self.extra]
        done = self.run(command, cwd, cache)
        out.unlink(missing_ok=True)
        return done

    def same(self, what: str, first: bytes, second: bytes) -> None:
        self.checks.setdefault(what, []).append(first == second)

    @property
    def failed(self) -> bool:
        return not all(all(found) for found in self.checks.values())

    def verdicts(self) -> str:
        return "; ".join(f"{what}: " + ("byte-identical" if all(found) else
                                         f"**DIFFERENT** ({found.count(False)} of {len(found)})")
                         for what, found in self.checks.items())


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def median(runs: list[Run], key: str) -> float:
    return statistics.median(float(getattr(r, key)) for r in runs)


def ratio(runs: list[Run], base: list[Run], key: str = "seconds") -> float:
    return median(runs, key) / median(base, key)


# --- what to edit ---------------------------------------------------------------------------------

def _walk(corpus: Path) -> list[tuple[Path, list[str]]]:
    """Folders and their file names in a sorted walk, hidden folders (.git, .terraform) left out."""
    out = []
    for folder, dirs, names in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.append((Path(folder), sorted(names)))
    return out


def module_users(corpus: Path) -> tuple[list[Path], dict[Path, set[Path]]]:
    """Root modules (folders of ``.tf`` files no local call points at) and, for each local module,
    the roots that call it directly or through other local modules (read from ``source`` lines)."""
    calls: dict[Path, set[Path]] = {}
    for folder, names in _walk(corpus):
        for name in names:
            if not name.endswith(".tf"):
                continue
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
            for source in LOCAL_SOURCE.findall(text):
                target = Path(os.path.normpath(folder / source))
                if target.is_dir() and target.is_relative_to(corpus):
                    calls.setdefault(folder, set()).add(target)
            calls.setdefault(folder, set())
    called = set().union(*calls.values()) if calls else set()
    roots = sorted(set(calls) - called)
    users: dict[Path, set[Path]] = {}
    for root in roots:
        stack, seen = [root], {root}
        while stack:
            for module in calls.get(stack.pop(), ()):
                if module not in seen:
                    seen.add(module)
                    users.setdefault(module, set()).add(root)
                    stack.append(module)
    return roots, users


def module_file(corpus: Path) -> tuple[Path, str] | None:
    """The first ``.tf`` file of the local module used by the fewest roots (ideally one), and what it is;
    a root's own file when the corpus has no local module."""
    roots, users = module_users(corpus)
    for module, callers in sorted(users.items(), key=lambda item: (len(item[1]), item[0])):
        files = sorted(module.glob("*.tf"))
        if files:
            return files[0], f"`.tf` of a module used by {plural(len(callers), 'root')}"
    if roots:
        return sorted(roots[0].glob("*.tf"))[0], "`.tf` of a root module (no local module)"
    return None


def manifest_file(corpus: Path) -> tuple[Path, str] | None:
    """The first plain Kubernetes manifest in a sorted walk (not a kustomization, nor a template)."""
    for folder, names in _walk(corpus):
        for name in names:
            if not name.endswith((".yaml", ".yml")) or name in NOT_MANIFESTS:
                continue
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
            if all(p.search(text) for p in MANIFEST) and "{{" not in text:
                return folder / name, "a Kubernetes manifest"
    return None


def edit_terraform(path: Path, number: int) -> None:
    """A change Terraform reads (a new local value), not only new bytes."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f'\nlocals {{\n  snclint_benchmark_edit_{number} = "{number}"\n}}\n')


def edit_manifest(path: Path, number: int) -> None:
    """A new object in the file (a ConfigMap document)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: snclint-benchmark-edit-{number}\n"
                     f'data:\n  edit: "{number}"\n')


# --- the cases ------------------------------------------------------------------------------------

def checkov(bench: Bench, cwd: Path, repeat: int, command: list[str] | None) -> list[Run] | str:
    """Checkov's runs on the same copy, or why there are none (a Checkov failure is not the table's)."""
    if command is None:
        return "not installed"
    try:
        return [bench.run(command, cwd, bench.cache(), codes=(0, 1)) for _ in range(repeat)]
    except Failed as err:
        sys.stderr.write(f"run.py --table: Checkov failed: {err}\n")
        return "failed (its output on standard error)"


def versus_checkov(runs: list[Run], theirs: list[Run] | str) -> str:
    if isinstance(theirs, str):
        return theirs
    return (f"{median(theirs, 'seconds'):.2f} s, {mib(median(theirs, 'largest_bytes'))}: "
            f"**{ratio(theirs, runs):.{1 if ratio(theirs, runs) >= 1 else 2}f}×**")


def cold_and_warm(bench: Bench, copy: Path, repeat: int, name: str) -> tuple[list[Run], list[Run], bytes, Path]:
    """``repeat`` scans of ``copy`` each with an empty cache, then ``repeat`` with one cache filled by an
    unmeasured scan; every report compared with the first cold one. Gives the runs, that report and
    the filled cache (the edits and the graph export reuse it)."""
    cold, reports = [], []
    for _ in range(repeat):
        run, report = bench.scan(copy, bench.cache())
        cold.append(run)
        reports.append(report)
    for other in reports[1:]:
        bench.same(f"{name}, cold scans with each other", reports[0], other)
    shared = bench.cache()
    bench.scan(copy, shared)  # fills the cache, not measured
    warm = []
    for _ in range(repeat):
        run, report = bench.scan(copy, shared)
        warm.append(run)
        bench.same(f"{name}, warm scan and cold scan", reports[0], report)
    return cold, warm, reports[0], shared


def edited(bench: Bench, copy: Path, shared: Path, name: str, path: Path, edit: Callable[[Path, int], None],
           repeat: int) -> tuple[list[Run], str]:
    """``repeat`` scans of ``copy`` with the ``shared`` cache, each after one more ``edit`` of ``path``,
    the last report compared with a cold scan of the edited tree; the runs, and ``path`` as shown."""
    runs = []
    for number in range(repeat):
        edit(path, number)
        run, report = bench.scan(copy, shared)
        runs.append(run)
    _, fresh = bench.scan(copy, bench.cache())
    relative = path.relative_to(copy).as_posix()
    bench.same(f"{name}, after editing `{relative}`: warm-cache scan and cold scan", fresh, report)
    return runs, relative


def corpus_rows(bench: Bench, corpus: Path, repeat: int, checkov_command: list[str] | None) -> tuple[list[Row], bytes]:
    """Cold, warm, one edit of each kind and the graph export on a copy of ``corpus``; its cold report."""
    copy = bench.work / "corpora" / corpus.name
    shutil.copytree(corpus, copy, symlinks=True)
    theirs = checkov(bench, copy, repeat, checkov_command)
    name = corpus.name
    cold, warm, first, shared = cold_and_warm(bench, copy, repeat, name)
    graph_cold = [bench.graph(copy, bench.cache()) for _ in range(repeat)]
    graph_warm = [bench.graph(copy, shared) for _ in range(repeat)]

    def graph_versus(runs: list[Run], scans: list[Run], which: str) -> str:
        return (f"{ratio(runs, scans):.2f}× the {which} scan's time, "
                f"{ratio(runs, scans, 'largest_bytes'):.2f}× its peak RSS")

    rows = [Row(name, "cold (empty cache)", cold, "", versus_checkov(cold, theirs)),
            Row(name, "warm (nothing changed)", warm, f"{ratio(warm, cold):.2f}× cold", versus_checkov(warm, theirs))]
    edits = (("terraform", module_file(copy), edit_terraform), ("manifest", manifest_file(copy), edit_manifest))
    for kind, found, edit in edits:
        if found is None:
            rows.append(Row(name, f"one edit: no {kind} file to edit", []))
            continue
        path, what = found
        runs, relative = edited(bench, copy, shared, name, path, edit, repeat)
        rows.append(Row(name, f"one edit: {what} (`{relative}`)", runs, f"{ratio(runs, cold):.2f}× cold"))
    rows.append(Row(name, "`snclint graph --format json`, cold", graph_cold, graph_versus(graph_cold, cold, "cold")))
    rows.append(Row(name, "`snclint graph --format json`, warm", graph_warm, graph_versus(graph_warm, warm, "warm")))
    return rows, first


def small_rows(bench: Bench, folder: Path, repeat: int, checkov_command: list[str] | None) -> tuple[list[Row], bytes]:
    """Cold, warm and one-edit scans of a copy of one small root module (the pre-commit case: a commit
    changes a file of it); its cold report."""
    copy = bench.work / "small" / folder.name
    shutil.copytree(folder, copy, symlinks=True)
    theirs = checkov(bench, copy, repeat, checkov_command)
    name = f"{folder.name} (small root)"
    cold, warm, first, shared = cold_and_warm(bench, copy, repeat, name)
    rows = [Row(name, "cold (empty cache)", cold, "", versus_checkov(cold, theirs)),
            Row(name, "warm (nothing changed)", warm, f"{ratio(warm, cold):.2f}× cold", versus_checkov(warm, theirs))]
    found = module_file(copy)
    if found is None:
        rows.append(Row(name, "one edit: no terraform file to edit", []))
        return rows, first
    runs, relative = edited(bench, copy, shared, name, found[0], edit_terraform, repeat)
    rows.append(Row(name, f"one edit: pre-commit (`{relative}`)", runs, f"{ratio(runs, cold):.2f}× cold",
                    versus_checkov(runs, theirs)))
    return rows, first


# --- the output -----------------------------------------------------------------------------------

def summary_of(report: bytes) -> str:
    summary = json.loads(report)["summary"]
    return f"{summary['files']:,} files, {summary['resources']:,} resources"


def machine(checkov_command: list[str] | None) -> str:
    """What the figures came from: CPUs, memory, Python, the commit, and the tools that change them."""
    model = "unknown CPU"
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                      if line.startswith(("model name", "Hardware"))), model)
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        total = int(meminfo.split("MemTotal:", 1)[1].split()[0]) * 1024
        memory = f", {total / 2**30:.1f} GiB RAM"
    except (OSError, IndexError, ValueError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpus = f"{os.cpu_count()} CPUs ({usable} usable)" if usable != os.cpu_count() else f"{os.cpu_count()} CPUs"
    if checkov_command is None:
        tool = "not installed"
    else:
        version = subprocess.run([checkov_command[0], "--version"], capture_output=True, text=True).stdout.strip()
        tool = f"{version or 'installed'}, `{shlex.join(checkov_command)}`"
    return (f"Machine: {cpus}, {model}{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; Checkov {tool}.")


def commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}{' with uncommitted changes' if dirty else ''}"


def markdown(rows: list[Row], counts: dict[str, str]) -> str:
    lines = ["| corpus | case | wall (s) | cpu (s) | peak RSS | tree peak | compared | vs Checkov | runs (s) |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    previous = None
    for row in rows:
        corpus = "" if row.corpus == previous else f"**{row.corpus}** ({counts.get(row.corpus, '')})"
        previous = row.corpus
        if not row.runs:
            lines.append(f"| {corpus} | {row.case} | | | | | | | |")
            continue
        tree = [r.tree_bytes for r in row.runs if r.tree_bytes is not None]
        lines.append(
            f"| {corpus} | {row.case} | {median(row.runs, 'seconds'):.2f} | {median(row.runs, 'cpu_seconds'):.2f} "
            f"| {mib(median(row.runs, 'largest_bytes'))} | {mib(statistics.median(tree)) if tree else '-'} "
            f"| {row.versus} | {row.checkov} | {', '.join(f'{r.seconds:.2f}' for r in row.runs)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(prog="run.py --table", description=__doc__.split("\n\n")[0],
                                     epilog="Options after -- go to `snclint scan` and `snclint graph`.")
    parser.add_argument("--table", nargs="+", type=Path, required=True, metavar="CORPUS",
                        help="estates to measure, side by side")
    parser.add_argument("--small", type=Path, default=SMALL,
                        help="the small root module of the pre-commit case (default: the bundled aws-paris)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case on the corpora (default 3)")
    parser.add_argument("--small-repeat", type=int, default=5, help="runs of each small-root case (default 5)")
    parser.add_argument("--checkov", default=CHECKOV, help=f"the Checkov command (default: {CHECKOV})")
    parser.add_argument("--no-checkov", action="store_true", help="do not run Checkov even if it is installed")
    args = parser.parse_args(argv)
    for folder in [*args.table, args.small]:
        if not folder.is_dir():
            parser.error(f"{folder} is not a directory")
    names = [c.resolve().name for c in args.table]
    if len(set(names)) != len(names):
        parser.error("the corpora need different folder names (they name the table's rows)")
    if args.repeat < 1 or args.small_repeat < 1:
        parser.error("--repeat and --small-repeat must be at least 1")
    command = shlex.split(args.checkov)
    checkov_command = None if args.no_checkov or not shutil.which(command[0]) else command

    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    rows: list[Row] = []
    counts: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="snclint-table-") as tmp:
        bench = Bench(Path(tmp), extra)
        try:
            for corpus in args.table:
                found, report = corpus_rows(bench, corpus.resolve(), args.repeat, checkov_command)
                rows += found
                counts[found[0].corpus] = summary_of(report)
            found, report = small_rows(bench, args.small.resolve(), args.small_repeat, checkov_command)
            rows += found
            counts[found[0].corpus] = summary_of(report)
        except Failed as err:
            sys.stderr.write(f"run.py --table: {err}\n")
            return 1
    sys.stdout.write(
        f"snclint, {commit()}, {started}\n\n{machine(checkov_command)} "
        f"Load average (1 min): {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n\n"
        f"Medians of {plural(args.repeat, 'run')} ({args.small_repeat} for the small root), each a fresh process "
        f"(`python -m linter scan . --fail-on never --format json{' ' + shlex.join(extra) if extra else ''}` "
        "in a copy of the folder) with the cache in a folder of the benchmark: empty for cold, filled by an "
        "unmeasured scan for warm; an edit run reuses the warm cache after one more change to the same file. "
        "Peak RSS: the largest process (wait4); tree peak: the whole process tree's proportional set size, "
        "sampled every 0.1 s. Checkov has no cache: its time is compared with both.\n\n"
        + markdown(rows, counts)
        + f"\nReports (JSON, which holds no clock) compared byte for byte: {bench.verdicts()}.\n")
    return 1 if bench.failed else 0
