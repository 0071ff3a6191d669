"""The Terraform frontend: discovered files → one ``Fragment`` of nodes per scan (HCL mode).

Files are grouped by directory (a directory is a module). The root modules are the directories
that no other scanned directory calls as a local module source (never under ``.terraform/``);
each root is evaluated as Terraform would — its variables from tfvars and the command line, its
module tree followed on disk — and every resource instance becomes a node keyed
``<root>::<address>``. Bad files are Problems; the rest is evaluated all the same.
"""
from __future__ import annotations

import posixpath
from itertools import islice
from pathlib import Path
from typing import Callable, Collection, Mapping, Sequence

from linter.errors import UsageError, unexpected
from linter.knowledge import Knowledge
from linter.loaders.ir import ConfigFile
from linter.loaders.parallel import effective_jobs
from linter.model import Fragment, Node, Problem, ProblemKind
from linter.module_sources import is_local_source, module_key, module_type
from linter.secrets import is_secret_name
from linter.terraform.language.literals import literal_string
from linter.terraform.modules.definitions import ModuleDef, build_module
from linter.terraform.modules.instances_to_nodes import Grouping
from linter.terraform.modules.reader import Reader, join
from linter.terraform.modules.resource_instances import walk
from linter.terraform.modules.root_pool import RootResult, evaluate_roots
from linter.terraform.modules.tree import ModuleInstance, RootContext
from linter.terraform.modules.variables import assignments, tfvars_order

TFVARS_NAMES = ("terraform.tfvars", "terraform.tfvars.json")
TFVARS_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")


def is_tfvars(path: str) -> bool:
    name = posixpath.basename(path)
    return name in TFVARS_NAMES or name.endswith(TFVARS_SUFFIXES)


def load_terraform(files: Sequence[str], *, knowledge: Knowledge, boundary: Path | Sequence[Path],
                   var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                   root_var_files: Mapping[str, Sequence[str]] | None = None,
                   cwd: Path | None = None, jobs: int = 1, parse_cache: bool = False,
                   not_roots: Collection[str] = ()) -> Fragment:
    """Evaluate the root modules among ``files`` (posix paths relative to ``cwd``); ``root_var_files``
    are each root's own var files (config ``terraform.roots``, or the one committed), applied before
    ``var_files`` (``--var-file``, every root); ``jobs`` and ``parse_cache`` only change how fast files
    are parsed (``linter.loaders.parallel``). ``not_roots`` are folders evaluated elsewhere
    (Terragrunt units and their modules)."""
    cwd = cwd or Path.cwd()
    modules: dict[str, list[str]] = {}
    tfvars: dict[str, list[str]] = {}
    for path in files:
        path = posixpath.normpath(path)
        folder = posixpath.dirname(path) or "."
        (tfvars if is_tfvars(path) else modules).setdefault(folder, []).append(path)
    reader = Reader(cwd, boundary, {folder: tuple(sorted(paths)) for folder, paths in modules.items()},
                    cache=parse_cache)
    reader.preparse([p for paths in modules.values() for p in paths], jobs=jobs)
    cache: dict[str, ModuleDef | None] = {}

    def definition_of(folder: str) -> ModuleDef | None:
        if folder not in cache:
            configs = reader.module(folder)
            definition = build_module(folder, configs) if configs is not None else None
            for location, what in definition.duplicates if definition else ():
                reader.problem(location.file, location.line, f"{what} is declared twice: the first one is used")
            cache[folder] = definition
        return cache[folder]

    extra = _var_files(reader, var_files)

    def evaluate_root(root: str) -> RootResult:
        """One root module's nodes, and the problems and files its evaluation added."""
        known_problems, known_files = len(reader.problems), len(reader.files)  # both only grow

        def added() -> tuple[list[Problem], list[str]]:
            return reader.problems[known_problems:], list(islice(reader.files, known_files, None))

        try:
            definition = definition_of(root)
            if definition is None:
                return [], *added()
            given = [reader.parse(p, tfvars=True) for p in tfvars_order(tfvars.get(root, ()))]
            given += [reader.parse(p, tfvars=True) for p in (root_var_files or {}).get(root, ())]
            assigned = assignments([c for c in given if c is not None] + extra, variables or {})
            ctx = RootContext(root=root, knowledge=knowledge, reader=reader, definition_of=definition_of,
                              assigned=assigned, implicit={}, provider_blocks={})
            drafts = list(walk(ModuleInstance(ctx, definition)))
            return Grouping(root, drafts).nodes(), *added()
        except Exception as error:  # noqa: BLE001 - the last resort: one root module, one SNC000
            first = (reader.given.get(root) or (root,))[0]
            reader.problem(first, 1, f"root module {root}: {unexpected(error)}")
            return [], *added()

    found = [r for r in roots(sorted(modules), definition_of) if r not in not_roots]
    results = evaluate_roots(found, evaluate_root, effective_jobs(jobs) if jobs != 1 else 1)
    nodes: list[Node] = []
    problems = list(reader.problems)
    known = set(problems)
    read = dict(reader.files)
    for root in found:
        root_nodes, root_problems, root_files = results[root]
        nodes.extend(root_nodes)
        problems.extend(p for p in root_problems if p not in known)
        known.update(root_problems)
        read.update(dict.fromkeys(root_files))
    kept, notes = notes_apart(problems)
    given = [reader.parse(p, tfvars=True) for paths in tfvars.values() for p in paths]
    secrets = secret_values([c for c in given if c is not None] + extra, variables or {})
    return Fragment(nodes=tuple(nodes), problems=kept, files=tuple(sorted(read)),
                    notes=(*notes, *unknown_sources(nodes, knowledge)), secrets=secrets)


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


def roots(folders: Sequence[str], definition_of: Callable[[str], ModuleDef | None]) -> list[str]:
    """Folders no other scanned folder calls as a local module; a folder reached only through a
    cycle of calls becomes a root too, so that no scanned file is left out."""
    candidates = [f for f in folders if ".terraform" not in f.split("/")]
    calls: dict[str, set[str]] = {f: set() for f in candidates}
    for folder in candidates:
        definition = definition_of(folder)
        for decl in definition.calls.values() if definition else ():
            attribute = decl.block.body.attribute("source")
            source = literal_string(attribute.expr) if attribute is not None else None
            if source and is_local_source(source):
                target = join(folder, source)
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

