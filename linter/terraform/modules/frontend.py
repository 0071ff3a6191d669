"""The Terraform frontend: discovered files → one ``Fragment`` of nodes per scan (HCL mode).

Files are grouped by directory (a directory is a module). The root modules are the directories
that no other scanned directory calls as a local module source (never under ``.terraform/``);
each root is evaluated as Terraform would — its variables from tfvars and the command line, its
module tree followed on disk — and every resource instance becomes a node keyed
``<root>::<address>``. Bad files are Problems; the rest is evaluated all the same.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Sequence

from linter import gc_pacing
from linter.errors import UsageError, unexpected
from linter.forked import effective_jobs
from linter.knowledge import Knowledge
from linter.loaders.ir import ConfigFile
from linter.model import Fragment, Node, Problem, ProblemKind
from linter.module_sources import is_local_source, module_key, module_type
from linter.policy_files import knowledge_digest
from linter.secrets import is_secret_name
from linter.terraform.language.literals import literal_string
from linter.terraform.modules import root_pool
from linter.terraform.modules.definitions import ModuleDef, build_module
from linter.terraform.modules.file_kinds import is_tfvars
from linter.terraform.modules.instances_to_nodes import Grouping
from linter.terraform.modules.reader import Reader, join
from linter.terraform.modules.resource_instances import walk
from linter.terraform.modules.root_cache import Outcome, Reads, RootCache, salt_of, tracked
from linter.terraform.modules.tree import ModuleInstance, RootContext
from linter.terraform.modules.variables import assignments, tfvars_order


def load_terraform(files: Sequence[str], *, knowledge: Knowledge, boundary: Path | Sequence[Path],
                   var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                   root_var_files: Mapping[str, Sequence[str]] | None = None,
                   cwd: Path | None = None, jobs: int = 1, parse_cache: bool = False,
                   not_roots: Collection[str] = (), incremental: str | None = None) -> Fragment:
    """Evaluate the root modules among ``files`` (``start_terraform``, then its end at once)."""
    return start_terraform(files, knowledge=knowledge, boundary=boundary, var_files=var_files, variables=variables,
                           root_var_files=root_var_files, cwd=cwd, jobs=jobs, parse_cache=parse_cache,
                           not_roots=not_roots, incremental=incremental)(lambda: None)


def start_terraform(files: Sequence[str], *, knowledge: Knowledge, boundary: Path | Sequence[Path],
                    var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                    root_var_files: Mapping[str, Sequence[str]] | None = None,
                    cwd: Path | None = None, jobs: int = 1, parse_cache: bool = False,
                    not_roots: Collection[str] = (),
                    incremental: str | None = None) -> Callable[[Callable[[], object]], Fragment]:
    """Start evaluating the root modules among ``files`` (posix paths relative to ``cwd``), and
    give what finishes it: on a large estate the worker processes (``root_pool``, ``jobs``) read
    the folders while the scan goes on with frontends that do not read this one's fragment. What
    finishes it is given the scan's own work for the time the workers evaluate (``meanwhile``),
    called once the roots are sent to them, so that they never wait on it (at once without them).
    ``root_var_files`` are each root's own var files (config ``terraform.roots``, or the one
    committed), applied before ``var_files`` (``--var-file``, every root); ``jobs`` and
    ``parse_cache`` only change how fast it runs. ``not_roots`` are folders evaluated elsewhere
    (Terragrunt units and their modules). ``incremental``: what the scan's outcome depends on
    besides the files and the knowledge (the config's digest), to reuse the roots and folders
    evaluated by an earlier scan that read the same files (``root_cache``); None: evaluate all."""
    cwd = cwd or Path.cwd()
    modules: dict[str, list[str]] = {}
    tfvars: dict[str, list[str]] = {}
    for path in files:
        path = posixpath.normpath(path)
        folder = posixpath.dirname(path) or "."
        (tfvars if is_tfvars(path) else modules).setdefault(folder, []).append(path)
    reader = Reader(cwd, boundary, {folder: tuple(sorted(paths)) for folder, paths in modules.items()},
                    cache=parse_cache)
    cache: dict[str, ModuleDef | None] = {}
    duplicates: dict[str, list[Problem]] = {}

    def definition_of(folder: str) -> ModuleDef | None:
        if folder not in cache:
            configs = reader.module(folder)
            definition = build_module(folder, configs) if configs is not None else None
            duplicates[folder] = [Problem(location=location, message=f"{what} is declared twice: the first one is used")
                                  for location, what in (definition.duplicates if definition else ())]
            cache[folder] = definition
        elif reader.trackers:
            reader.module(folder)  # its files' digests and problems, told again
        for problem in duplicates[folder]:
            reader.problem(problem.location.file, problem.location.line, problem.message)
        return cache[folder]

    extra, before = tracked(reader, lambda: _var_files(reader, var_files))
    units = RootCache(reader, _salt(knowledge, incremental, extra=before.files, variables=variables or {}),
                      enabled=parse_cache and incremental is not None)

    def folder_facts(folder: str) -> tuple[Outcome, Reads]:
        definition, reads = tracked(reader, lambda: definition_of(folder))
        return Outcome(nodes=(), problems=tuple(reads.problems), files=tuple(reads.read),
                       calls=tuple(local_calls(folder, definition))), reads

    def evaluate_root(root: str, key: str, is_called: bool) -> Outcome:
        """One root module's nodes, and the problems and files its evaluation raised and read
        (``key``: its slot in the cache; ``is_called``: another folder calls it as a module)."""
        failed: list[str] = []

        def evaluate() -> list[Node]:
            try:
                definition = definition_of(root)
                if definition is None:
                    return []
                given = [reader.parse(p, tfvars=True) for p in tfvars_order(tfvars.get(root, ()))]
                given += [reader.parse(p, tfvars=True) for p in (root_var_files or {}).get(root, ())]
                assigned = assignments([c for c in given if c is not None] + extra, variables or {})
                ctx = RootContext(root=root, knowledge=knowledge, reader=reader, definition_of=definition_of,
                                  assigned=assigned, implicit={}, provider_blocks={})
                try:
                    return Grouping(root, list(walk(ModuleInstance(ctx, definition)))).nodes()
                finally:
                    ctx.release()
            except Exception as error:  # noqa: BLE001 - the last resort: one root module, one SNC000
                first = (reader.given.get(root) or (root,))[0]
                reader.problem(first, 1, f"root module {root}: {unexpected(error)}")
                failed.append(root)
                return []

        nodes, reads = tracked(reader, evaluate)
        outcome = Outcome(nodes=tuple(nodes), problems=tuple(reads.problems), files=tuple(reads.read))
        if not failed:  # an unexpected error (memory…) may not happen again: never kept
            units.keep_root(key, outcome, reads)
        if not is_called:  # its syntax trees are of no further use: memory follows one root, not all
            cache.pop(root, None)
            reader.forget(root)
        return replace(outcome, reads=reads.logged())

    def serve(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        """A worker's part (``root_pool``): the facts of a chunk of folders (held until the worker
        has no folder left to read: the scan may be busy with other frontends meanwhile), then
        the roots among the folders it read, each sent when evaluated."""
        if phase == "folders":
            facts = {}
            with gc_pacing.acyclic():  # parsing makes no reference cycles; the trees live to their root
                reader.preparse([p for folder in items for p in modules[folder]])
                for folder in items:
                    outcome, reads = folder_facts(folder)  # read there: the scan's read log is told here
                    facts[folder] = (replace(outcome, reads=reads.logged()), reads)
            yield "", facts
        else:
            for root, key, is_called in items:
                yield root, evaluate_root(root, key, is_called)

    candidates = [f for f in sorted(modules) if ".terraform" not in f.split("/")]
    fresh = [f for f in candidates if not units.knows(f)]  # the folders no earlier scan kept
    if units.enabled:  # their roots are kept: a later scan parses them again only when they change
        reader.uncached = frozenset(fresh)
    workers = root_pool.pool_size(effective_jobs(jobs))
    pool = root_pool.Pool.start(workers, serve) if workers and len(fresh) >= root_pool.MIN_FOLDERS else None
    reading = pool.run("folders", root_pool.shares(fresh, lambda f: len(modules[f]), workers),
                       hold=True) if pool else None

    def finish(meanwhile: Callable[[], object]) -> Fragment:
        try:
            return end(reading, meanwhile)
        finally:
            if pool is not None:
                pool.close()

    def end(reading: Iterator[tuple[int, str, Any]] | None, meanwhile: Callable[[], object]) -> Fragment:
        nonlocal pool
        facts: dict[str, tuple[Outcome, Reads]] = {}
        owner: dict[str, int] = {}
        for worker, _, share in reading or ():
            facts.update(share)
            owner.update(dict.fromkeys(share, worker))
        if reading is None:  # parsed up front, files of the same bytes once
            reader.preparse([p for f in fresh for p in modules[f]])
        kept = {folder: units.folder(folder, lambda f: facts.pop(f, None) or folder_facts(f)) for folder in candidates}
        found = [r for r in roots(candidates, lambda f: kept[f].calls) if r not in not_roots]
        keys = {root: units.root_key(root, tfvars.get(root, ()), (root_var_files or {}).get(root, ()))
                for root in found}
        outcomes = {root: units.root(keys[root]) for root in found}
        missing = [root for root in found if outcomes[root] is None]
        called = {target for folder in candidates for target in kept[folder].calls}
        if pool is None and workers and len(missing) >= root_pool.MIN_ROOTS:  # the workers parse what they evaluate
            pool = root_pool.Pool.start(workers, serve)
        results = None
        if pool is not None:
            assigned: list[list[tuple[str, str, bool]]] = [[] for _ in range(workers)]
            for index, root in enumerate(missing):  # a root goes to the worker holding its trees
                assigned[owner.get(root, index % workers)].append((root, keys[root], root in called))
            results = pool.run("roots", assigned)
        meanwhile()  # the workers evaluate meanwhile
        if pool is None:
            reader.preparse([p for root in missing for p in modules[root]])

        def pooled() -> Iterator[tuple[str, Outcome]]:
            for _, root, outcome in results or ():
                yield root, outcome
            if pool is not None:
                pool.close()

        with gc_pacing.acyclic():  # the workers' results decoded, the roots left evaluated: no cycles
            evaluated = evaluate_roots(missing, pooled, lambda root: evaluate_root(root, keys[root], root in called))
        nodes: list[Node] = []
        problems: dict[Problem, None] = dict.fromkeys(before.problems)
        read = dict(before.read)
        for outcome in [kept[f] for f in candidates] + [outcomes[r] or evaluated[r] for r in found]:
            units.log(outcome.reads)
            nodes.extend(outcome.nodes)
            problems.update(dict.fromkeys(outcome.problems))
            read.update(dict.fromkeys(outcome.files))
        units.save()
        kept_problems, notes = notes_apart(list(problems))
        given = [reader.parse(p, tfvars=True) for paths in tfvars.values() for p in paths]
        secrets = secret_values([c for c in given if c is not None] + extra, variables or {})
        return Fragment(nodes=tuple(nodes), problems=kept_problems, files=tuple(sorted(read)),
                        notes=(*notes, *unknown_sources(nodes, knowledge)), secrets=secrets)

    return finish


def evaluate_roots(roots: Sequence[str], pooled: Callable[[], Iterable[tuple[str, Outcome]]],
                   here: Callable[[str], Outcome]) -> dict[str, Outcome]:
    """Each root's outcome: what the pool gives (``pooled``), then ``here`` in this process for the
    others, so the outcome never depends on the pool."""
    evaluated = dict(pooled())
    return {root: evaluated[root] if root in evaluated else here(root) for root in roots}


def _salt(knowledge: Knowledge, incremental: str | None, *, extra: Mapping[str, str],
          variables: Mapping[str, str]) -> str | None:
    """What every kept root depends on besides its own reads: the knowledge, the scan's
    ``incremental`` part (the config), ``--var`` and the ``--var-file``s' content."""
    if incremental is None:
        return None
    try:
        known = knowledge_digest(knowledge)
    except TypeError:
        return None  # knowledge this digest cannot tell apart: nothing is kept
    return salt_of(known, incremental, json.dumps([sorted(extra.items()), sorted(variables.items())]))


def notes_apart(problems: Sequence[Problem]) -> tuple[tuple[Problem, ...], list[str]]:
    """The problems that are findings, and the notes (``ProblemKind.NOTE``) as report lines."""
    notes = [f"{p.location.file}:{p.location.line}: {p.message}" for p in problems if p.kind == ProblemKind.NOTE]
    return tuple(p for p in problems if p.kind != ProblemKind.NOTE), notes


def unknown_sources(nodes: Sequence[Node], knowledge: Knowledge) -> list[str]:
    """One note per remote module source that is neither on disk nor known (``policies`` kind
    ``modules``), with its number of calls (call sites in each root): what it creates is a guess
    until it is declared, so it must stay visible."""
    calls: dict[str, set[tuple[str, str, int]]] = {}
    for node in nodes:
        source = node.attributes.get("source")
        if node.origin != "terraform" or not isinstance(source, str) or source == "?" or is_local_source(source):
            continue
        if node.type != module_key(source) or knowledge.module_info(node.type) is not None \
                or module_type(source) in knowledge.types:
            continue
        calls.setdefault(node.type, set()).add((node.scope, node.location.file, node.location.line))
    return [f"module source {key}: {len(sites)} call{'s' if len(sites) > 1 else ''}, neither on disk nor known: "
            f"each is one node of kind other, classified by its arguments and the provider configurations it "
            f"inherits; declare what it creates in a policy pack given with --policies (kind: modules, groups: "
            f"[{{name: in-house, modules: {{{key}: {{kind: datastore, provider: aws}}}}}}], docs/modules.md) or "
            f"download it (terraform init)"
            for key, sites in sorted(calls.items())]


def secret_values(configs: Sequence[ConfigFile], variables: Mapping[str, str]) -> tuple[str, ...]:
    """The literal values tfvars files and ``--var`` give to variables whose name says secret
    (``db_password``, ``api_token``…): reports show their shape, never them."""
    found = {v for k, v in variables.items() if is_secret_name(k)}
    for config in configs:
        for attribute in config.body.attributes:
            value = literal_string(attribute.expr)
            if value and is_secret_name(attribute.name):
                found.add(value)
    return tuple(sorted(v for v in found if len(v) >= 4))


def _var_files(reader: Reader, paths: Sequence[str]) -> list[ConfigFile]:
    """``--var-file``s, in the order given: the user names them, so they may be anywhere."""
    configs: list[ConfigFile] = []
    for path in paths:
        if not (reader.cwd / path).is_file():
            raise UsageError(f"--var-file {path}: no such file")
        config = reader.parse(posixpath.normpath(path), tfvars=True, checked=False)
        if config is not None:
            configs.append(config)
    return configs


def local_calls(folder: str, definition: ModuleDef | None) -> list[str]:
    """The folders of the local modules ``folder`` calls (literal sources only)."""
    found = []
    for decl in definition.calls.values() if definition else ():
        attribute = decl.block.body.attribute("source")
        source = literal_string(attribute.expr) if attribute is not None else None
        if source and is_local_source(source):
            found.append(join(folder, source))
    return found


def roots(folders: Sequence[str], calls_of: Callable[[str], Sequence[str]]) -> list[str]:
    """Folders no other scanned folder calls as a local module (``calls_of``: the folders a folder
    calls); a folder reached only through a cycle of calls becomes a root too, so that no scanned
    file is left out."""
    candidates = [f for f in folders if ".terraform" not in f.split("/")]
    calls: dict[str, set[str]] = {f: set() for f in candidates}
    for folder in candidates:
        for target in calls_of(folder):
            if target in calls and target != folder:
                calls[folder].add(target)
    called = {t for targets in calls.values() for t in targets}
    found = [f for f in candidates if f not in called]
    covered = _reachable(found, calls)
    for folder in candidates:
        if folder not in covered:
            found.append(folder)
            covered |= _reachable([folder], calls)
    return found


def _reachable(starts: Sequence[str], calls: Mapping[str, set[str]]) -> set[str]:
    seen = set(starts)
    stack = list(starts)
    while stack:
        for target in calls.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen

