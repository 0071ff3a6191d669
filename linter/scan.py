"""One scan, stage after stage: discover → load and evaluate → graph → classify → rules.

The CLI builds ``ScanOptions`` and a ``Config``; everything below is a function of them and of
the files, so that tests, ``merge`` and the pre-commit hook run the same code.
"""
from __future__ import annotations

import posixpath
import sys
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from linter import __version__, forked
from linter.config import Config, System
from linter.discovery import discover
from linter.errors import ConfigError
from linter.frontend_contract import Request
from linter.frontends import claims, run_frontends, skipped
from linter.gc_pacing import acyclic, fewer_collections
from linter.graph.anchoring import anchor_entries
from linter.graph.declared import declare
from linter.knowledge import Knowledge, Vocabulary
from linter.model import CatalogueStamp, Fragment, NodeKind, Problem, ScanResult, SystemInfo
from linter.scan_options import ScanOptions, anchored, now
from linter.secrets import listing, scrub, scrub_finding

if TYPE_CHECKING:
    from linter.rules.check_api import Context

# The stages after the frontends (networkx alone is about 70 ms to import): imported while the
# frontends' worker processes parse a large estate (``run_frontends``' ``meanwhile``), or when
# first used.
LATER_STAGES = ("linter.graph.build", "linter.graph.sensitivity", "linter.graph.systems", "linter.inventory",
                "linter.rules.check_api", "linter.rules.engine", "linter.rules.selection", "linter.rules.suppressions")

# Fewer folders of input files than this, and the frontends run in a forked process (``_overlaps``);
# the Terraform frontend's root pool starts from 8 roots to evaluate (``root_pool.MIN_ROOTS``).
SMALL_FOLDERS = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Scan:
    """A scan's graph and result, for ``graph`` and ``explain`` as well as ``scan``."""

    result: ScanResult
    context: Context


def check_systems(config: Config, vocabulary: Vocabulary) -> None:
    """A system's level must be a level of the vocabulary: a typo there would classify nothing."""
    for system in config.systems:
        if system.level not in vocabulary.levels:
            raise ConfigError(scrub(f"{config.path}: systems: {system.name}: level {system.level!r} is not a level "
                                    f"of the vocabulary ({', '.join(sorted(vocabulary.levels))})",
                                    paths=str(config.path or "")))


def vocabulary_for(knowledge: Knowledge, config: Config) -> Vocabulary:
    base = knowledge.vocabulary
    # a level named in the config replaces that level's values; the other levels stay
    levels = {**base.levels, **(config.levels or {})}
    requires = frozenset(config.requires) if config.requires is not None else base.requires_secnumcloud
    return Vocabulary(keys=config.keys or base.keys, levels=levels, requires_secnumcloud=requires)


def load_fragments(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path) -> list[Fragment]:
    """``cwd``: the folder the options' paths are relative to (the repository root)."""
    skips = skipped()
    inputs = discover(options.paths, cwd, claims(), skips)
    request = Request(files=inputs.files, knowledge=knowledge, config=config, cwd=cwd, boundaries=inputs.boundaries,
                      skipped=skips, file_names=inputs.file_names, stdin=options.stdin, var_files=options.var_files,
                      variables=options.variables, jobs=options.jobs, parse_cache=options.cache)
    if _overlaps(request):
        fragments = forked.overlapped(lambda: run_frontends(request, inputs.problems), _import_later_stages)
        if fragments is not None:
            return fragments
    return run_frontends(request, inputs.problems, meanwhile=_import_later_stages)


def _overlaps(request: Request) -> bool:
    """Whether the frontends run in a forked process while this one imports the later stages: a
    scan too small for the root pool's workers (``SMALL_FOLDERS``: a larger one has them, and they
    overlap those imports themselves), on more than one CPU (``--jobs``) with one idle now, before
    those imports."""
    if not forked.available() or all(m in sys.modules for m in LATER_STAGES):
        return False
    folders = {posixpath.dirname(f) for files in request.files.values() for f in files}
    return len(folders) < SMALL_FOLDERS and forked.effective_jobs(request.jobs) >= 2 and forked.idle_cpus() >= 1


def _import_later_stages() -> None:
    """The later stages' modules, imported while the workers evaluate (or a small scan's forked
    frontends run: ``_overlaps``); they and what the scan holds so far live to its end
    (``gc_pacing.acyclic``)."""
    with acyclic():
        for name in LATER_STAGES:
            import_module(name)


def _covers_config(paths: Sequence[str], config: Config, cwd: Path) -> bool:
    """True when a scanned directory holds the config file's folder."""
    if config.path is None:
        return False
    folder = (cwd / config.path).resolve().parent
    return any((cwd / p).is_dir() and (cwd / p).resolve() in (folder, *folder.parents) for p in paths if p != "-")


def run_scan(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path | None = None) -> Scan:
    """Scan with the cycle collector paced for many long-lived objects (``linter.gc_pacing``)."""
    with fewer_collections():
        return _run_scan(options, config, knowledge, cwd)


def graph_context(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path | None = None) -> Context:
    """``run_scan(…).context`` without running the rules: what ``snclint graph`` shows of a scan."""
    with fewer_collections():
        return _judged(options, config, knowledge, cwd)[0]


def _judged(options: ScanOptions, config: Config, knowledge: Knowledge,
            cwd: Path | None) -> tuple[Context, list[Fragment], ScanOptions]:
    """The scan up to the rules: its graph, classified (the context), the fragments it came from
    and the options anchored at the repository root."""
    whole = _covers_config(options.paths, config, cwd or Path.cwd())
    options, cwd = anchored(options, cwd or Path.cwd())
    tell = options.progress or (lambda stage: None)
    tell("reading and evaluating files")
    fragments = declare(load_fragments(options, config, knowledge, cwd),
                        anchor_entries(config.declared_hosting, cwd), config.path or ".snclint.yaml")
    from linter.graph.build import build_graph
    from linter.graph.sensitivity import classify, propagate
    from linter.graph.systems import system_of, with_system
    from linter.rules.check_api import Context
    from linter.rules.suppressions import unreadable_dates

    tell("building the graph")
    graph, graph_problems = build_graph(fragments, knowledge, options.today)
    unreadable_dates(s for _, data in graph.nodes(data=True) for s in data["node"].suppressions)
    vocabulary = vocabulary_for(knowledge, config)
    check_systems(config, vocabulary)
    classifications = {}
    seeds = {}
    systems: dict[str, System] = {}
    declared = anchor_entries(config.systems, cwd)
    for key, data in graph.nodes(data=True):
        node = data["node"]
        if node.kind == NodeKind.HOSTING:
            continue
        system = system_of(node, declared) if declared else None
        if system is not None:
            systems[key] = system
        cls, floor = with_system(classify(node, vocabulary), node, system, vocabulary)
        classifications[key] = cls
        if cls.status == "classified" and cls.level in vocabulary.requires_secnumcloud:
            seeds[key] = cls.level
        elif floor is not None:
            seeds[key] = floor
    problems: list[Problem] = [p for f in fragments for p in f.problems] + graph_problems
    context = Context(
        graph=graph,
        knowledge=replace(knowledge, vocabulary=vocabulary),
        classifications=classifications,
        systems=systems,
        sensitive=propagate(graph, seeds),
        problems=tuple(problems),
        config_suppressions=tuple((e.address, e.file, e.suppression) for e in config.exceptions),
        today=options.today,
        whole_config_scope=whole,
    )
    return context, fragments, options


def _run_scan(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path | None) -> Scan:
    started = now()
    context, fragments, options = _judged(options, config, knowledge, cwd)
    from linter.inventory import inventory
    from linter.rules.engine import run_rules
    from linter.rules.selection import selected

    graph = context.graph
    tell = options.progress or (lambda stage: None)
    rules = selected(knowledge.rules, options.select, options.ignore)
    tell("running the rules")
    known = sorted({s for f in fragments for s in f.secrets}, key=len, reverse=True)
    files = sorted({f for fr in fragments for f in fr.files})
    listed = listing(files)
    findings = [scrub_finding(f, known, listed) for f in run_rules(context, rules, strict=options.strict)]
    resources = sum(1 for _, d in graph.nodes(data=True)
                    if d["node"].kind != NodeKind.HOSTING and d["node"].origin != "config")
    result = ScanResult(tool_version=__version__, files=tuple(files), resources=resources,
                        findings=tuple(findings), rules=tuple(rules), systems=inventory(context, findings),
                        scanned=options.paths, config_file=config.path,
                        notes=tuple(scrub(n, known, listed) for f in fragments for n in f.notes),
                        declared_systems=tuple(SystemInfo(name=s.name, level=s.level, owner=s.owner)
                                               for s in config.systems),
                        started_at=started, finished_at=now(),
                        catalogue=CatalogueStamp(checked_on=knowledge.catalog.checked_on,
                                                 checked_against=knowledge.catalog.checked_against,
                                                 extra_files=knowledge.catalog.files - 1))
    return Scan(result=result, context=context)
