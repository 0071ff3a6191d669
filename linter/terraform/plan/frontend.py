"""Terraform plan JSON files → one Fragment (docs/architecture.md#inputs: ``planned_values``, ``resource_changes``,
``configuration.provider_config``).

Each plan is a root module: its node keys are ``f"{scope}::{address}"`` with the plan file's
directory as scope, like the Terraform frontend's, so that a plan and the ``.tf`` files beside it
name the same root module (``supersede`` then keeps the plan's nodes only). When one directory holds
several plans (one per environment, say) each plan file is its own scope, so that their
resources stay apart. A bad plan is one Problem (SNC000); the other plans are still read.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

from linter.files import NotReadable, read_regular
from linter.knowledge import Knowledge
from linter.loaders.plan import MAX_PLAN_BYTES, load_plan
from linter.model import Fragment, Location, Node, Problem
from linter.terraform.plan.nodes import plan_nodes
from linter.terraform.plan.supersede import directory_of, supersede


def load_plans(paths: Sequence[str], *, knowledge: Knowledge, hcl: Sequence[Fragment],
               cwd: Path | None = None) -> Fragment:
    """``paths``: posix paths relative to ``cwd`` (default: the working directory), as reports write
    them; ``hcl``: the fragments already built in this scan (only their Terraform nodes are looked at)."""
    cwd = cwd or Path.cwd()
    terraform = [node for fragment in hcl for node in fragment.nodes if node.origin == "terraform"]
    per_directory = Counter(directory_of(path) for path in paths)
    nodes: list[Node] = []
    problems: list[Problem] = []
    notes: list[str] = []
    replaces: list[str] = []
    for path in paths:
        text = _read(cwd / path, path)
        plan = text if isinstance(text, Problem) else load_plan(path, text)
        if isinstance(plan, Problem):
            problems.append(plan)
            continue
        problems.extend(plan.problems)
        notes.extend(plan.notes)
        directory = directory_of(path)
        scope = directory if per_directory[directory] == 1 else path
        built, replaced = supersede(plan_nodes(plan, scope, knowledge), plan.root, directory, terraform)
        nodes.extend(built)
        replaces.extend(replaced)
        if replaced:
            notes.append(f"{path}: the planned values replace {len(replaced)} resource(s) of the Terraform"
                         f" files in {directory}")
    return Fragment(nodes=tuple(nodes), problems=tuple(problems), files=tuple(paths), notes=tuple(notes),
                    replaces=tuple(dict.fromkeys(replaces)))


def _read(real: Path, path: str) -> str | Problem:
    def problem(message: str, line: int = 1) -> Problem:
        return Problem(location=Location(path, line), message=message)

    try:
        data = read_regular(real, MAX_PLAN_BYTES)
    except NotReadable as why:
        return problem(str(why).replace("could not be read:", "cannot read the plan:"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return problem(f"not UTF-8 text (byte {err.start})", data.count(b"\n", 0, err.start) + 1)
