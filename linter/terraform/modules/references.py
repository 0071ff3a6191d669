"""From a reference in an expression to the node it points at.

``aws_db_instance.main.arn`` names a resource of the same module instance; ``module.db.arn`` is
followed into the child's output expression, down to the resources it reads (or to the call itself
when the child is opaque); ``data.x.y`` is followed through the data source's arguments only when
asked (a Kubernetes provider's ``host`` read from ``data.aws_eks_cluster``). Targets are kept
unexpanded with the instance key the reference names, if any: which node that is depends on how
instances are grouped into nodes, decided later.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter import limits
from linter.loaders.ir import Expr, traversals
from linter.module_sources import module_type
from linter.terraform.modules.expand import Expansion

if TYPE_CHECKING:
    from linter.terraform.modules.tree import ModuleInstance

MAX_HOPS = limits.REFERENCE_HOPS


@dataclass(frozen=True, slots=True)
class Target:
    base: str  # unexpanded address of the target node: a resource, or an opaque module call
    module: str  # expanded address of the module instance that holds it ("" for the root)
    key: int | str | None  # the instance the reference names, None for all of them
    kind_of: str  # what knowledge.kind_of is asked: the resource type or the module's source


def targets_of(inst: ModuleInstance, expr: Expr, *, follow_data: bool = False) -> list[Target]:
    found: list[Target] = []
    for path in traversals(expr):
        for target in resolve(inst, path, follow_data=follow_data):
            if target not in found:
                found.append(target)
    return found


def resolve(inst: ModuleInstance, path: tuple[str, ...], *, follow_data: bool = False,
            hops: int = 0) -> list[Target]:
    if hops > MAX_HOPS or len(path) < 2:
        return []
    head, name, rest = path[0], path[1], path[2:]
    if head == "module":
        return _module(inst, name, rest, follow_data, hops)
    if head == "data":
        return _data(inst, path, follow_data, hops) if follow_data else []
    resource = inst.resources.get((head, name))
    if resource is None:
        return []
    key = _instance_key(resource.expansion, rest)
    return [Target(base=resource.base, module=inst.address, key=key, kind_of=head)]


def _module(inst: ModuleInstance, name: str, rest: tuple[str, ...], follow_data: bool,
            hops: int) -> list[Target]:
    if name not in inst.definition.calls:
        return []
    call = inst.call_result(name)
    key = _instance_key(call.expansion, rest)
    if key is not None:
        rest = rest[1:]
    if call.opaque is not None:
        base = f"{inst.base}.module.{name}" if inst.base else f"module.{name}"
        return [Target(base=base, module=inst.address, key=key, kind_of=module_type(call.source))]
    if not rest:
        return []
    found: list[Target] = []
    for child in call.children:
        if key is not None and child.key != key:
            continue
        output = child.definition.outputs.get(rest[0])
        value = output.block.body.attribute("value") if output is not None else None
        if value is None:
            continue
        for path in traversals(value.expr):
            found.extend(t for t in resolve(child, path, follow_data=follow_data, hops=hops + 1)
                         if t not in found)
    return found


def _data(inst: ModuleInstance, path: tuple[str, ...], follow_data: bool, hops: int) -> list[Target]:
    if len(path) < 3:
        return []
    decl = inst.definition.data.get((path[1], path[2]))
    if decl is None:
        return []
    found: list[Target] = []
    for attribute in decl.block.body.attributes:
        for sub in traversals(attribute.expr):
            found.extend(t for t in resolve(inst, sub, follow_data=follow_data, hops=hops + 1)
                         if t not in found)
    return found


def _instance_key(exp: Expansion, rest: tuple[str, ...]) -> int | str | None:
    """The instance a traversal names right after the resource or call (``x[0]``, ``x["eu"]``)."""
    if not rest or exp.mode not in ("count", "for_each"):
        return None
    first = rest[0]
    keys = {str(k): k for k, _ in exp.items}
    return keys.get(first)
