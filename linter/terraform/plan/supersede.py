"""A plan scanned together with the Terraform files of its own root module must not report twice.

The plan wins: its resources are expanded and carry real values. The Terraform frontend's nodes of
the same root module (same directory as the plan file) whose unexpanded address the plan knows —
a resource of its configuration, or a module call (an opaque module node) — are listed in the
plan fragment's ``replaces`` and left out of the graph. Each plan node takes the inline
suppressions (``# snclint:ignore``) of the Terraform block it was planned from, since a plan has
no comments of its own. A Terraform resource the plan does not know (a plan older than the code)
is left to the Terraform frontend.
"""
from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Iterable

from linter.loaders.plan_config import ConfigModule
from linter.model import Node, Suppression
from linter.terraform.plan.addresses import join_module, parse, strip_keys


def directory_of(path: str) -> str:
    """The scope of a file's root module: its folder, posix, ``.`` for the working directory."""
    return _norm(posixpath.dirname(path))


def known_addresses(root: ConfigModule | None, nodes: Iterable[Node]) -> set[str]:
    """Unexpanded addresses of the plan's managed resources and module calls."""
    out = {strip_keys(node.address) for node in nodes}
    stack: list[tuple[tuple[str, ...], ConfigModule]] = [((), root)] if root is not None else []
    while stack:
        path, module = stack.pop()
        steps = tuple((name, None) for name in path)
        out.update(join_module(steps, r.address) for r in module.resources.values() if r.mode == "managed")
        for name, call in module.module_calls.items():
            out.add(join_module(steps + ((name, None),)))
            stack.append((path + (name,), call.module))
    return out


def supersede(nodes: list[Node], root: ConfigModule | None, directory: str,
              terraform: Iterable[Node]) -> tuple[list[Node], list[str]]:
    """The plan nodes with their Terraform twins' suppressions, and the Terraform keys replaced."""
    known = known_addresses(root, nodes)
    twins: dict[str, list[Node]] = {}
    for other in terraform:
        if other.origin == "terraform" and _norm(other.scope) == directory:
            address = strip_keys(other.address)
            if address in known:
                twins.setdefault(address, []).append(other)
    out = []
    for node in nodes:
        parsed = parse(node.address)
        found = twins.get(parsed.unexpanded if parsed else node.address, [])
        inherited: dict[Suppression, None] = dict.fromkeys(s for twin in found for s in twin.suppressions)
        if inherited:
            node = replace(node, suppressions=tuple(dict.fromkeys((*node.suppressions, *inherited))))
        out.append(node)
    return out, sorted({twin.key for group in twins.values() for twin in group})


def _norm(path: str) -> str:
    return posixpath.normpath(path or ".")
