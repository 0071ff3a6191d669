"""References between resource instances of a plan, rebuilt from the configuration's expressions.

Terraform writes every reference of an expression with its shorter forms: ``aws_db_instance.p[0].arn``
gives ``["aws_db_instance.p[0].arn", "aws_db_instance.p[0]", "aws_db_instance.p"]``. A reference
naming instance keys targets those instances; one without a key (``aws_db_instance.p.arn``, a
dynamic index ``[count.index]``, a splat) targets every instance of the resource in the same module
instance — more edges rather than a missed data flow. Input variables (``var.x`` inside a module)
are followed to the module call's argument, and module outputs (``module.db.arn``) to the output's
expression, so that flows across modules are kept. Locals are not in a plan: references through
them are lost (the Terraform frontend sees them).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from linter import limits
from linter.loaders.plan_config import ConfigModule
from linter.terraform.plan.addresses import Step, segments
from linter.terraform.plan.expressions import is_expression, references

MAX_HOPS = limits.REFERENCE_HOPS
IGNORED_ROOTS = frozenset({"data", "local", "count", "each", "path", "terraform", "self"})
Instance = tuple[Step, ...]  # a module instance: (("db", "0"),) for module.db[0]


@dataclass(slots=True)
class _Parsed:
    resources: dict[str, list[tuple[str | None, bool]]] = field(default_factory=dict)  # base → (key, exact)
    variables: list[str] = field(default_factory=list)
    outputs: list[tuple[str, str | None, str]] = field(default_factory=list)  # (call, key, output)


def _parse(refs: Iterable[str]) -> _Parsed:
    parsed = _Parsed()
    for ref in refs:
        parts = segments(ref)
        if not parts or len(parts) < 2 or parts[0][1] is not None or parts[0][0] in IGNORED_ROOTS:
            continue
        (head, _), (name, key) = parts[0], parts[1]
        if head == "var":
            parsed.variables.append(name)
        elif head == "module":
            if len(parts) >= 3:
                parsed.outputs.append((name, key, parts[2][0]))
        else:
            parsed.resources.setdefault(f"{head}.{name}", []).append((key, len(parts) == 2))
    return parsed


def _chosen_keys(forms: list[tuple[str | None, bool]]) -> set[str] | None:
    """The instance keys the references name; None for all instances."""
    keyed = {key for key, _ in forms if key is not None}
    bare = sum(1 for key, exact in forms if exact and key is None)
    exact_keyed = sum(1 for key, exact in forms if exact and key is not None)
    if not keyed or bare > exact_keyed:  # an unkeyed reference besides the keyed ones
        return None
    return keyed


class ReferenceResolver:
    """Node keys that references made in a module instance point at."""

    def __init__(self, configs: Mapping[tuple[str, ...], ConfigModule],
                 instances: Mapping[Instance, Mapping[str, list[tuple[str | None, str]]]]) -> None:
        self._configs = configs
        # module instance → base address → instance key → node key (insertion: document order)
        self._instances = {where: {base: dict(keyed) for base, keyed in bases.items()}
                           for where, bases in instances.items()}
        self._cache: dict[tuple[Instance, tuple[str, ...]], list[str]] = {}
        self._children: dict[Instance, set[Instance]] = {}
        for inst in instances:
            for i in range(len(inst)):
                self._children.setdefault(inst[:i], set()).add(inst[:i + 1])

    def targets(self, refs: list[str], where: Instance) -> list[str]:
        """Every instance of a resource in a module instance refers alike: resolved once."""
        key = (where, tuple(refs))
        if key not in self._cache:
            out: dict[str, None] = {}
            self._resolve(refs, where, out, 0, set())
            self._cache[key] = list(out)
        return self._cache[key]

    def _resolve(self, refs: list[str], where: Instance, out: dict[str, None], hops: int,
                 seen: set[tuple[Instance, tuple[str, ...]]]) -> None:
        if hops > MAX_HOPS or (where, tuple(refs)) in seen:
            return
        seen.add((where, tuple(refs)))
        parsed = _parse(refs)
        present = self._instances.get(where, {})
        for base, forms in parsed.resources.items():
            keys = _chosen_keys(forms)
            found = present.get(base, {})
            chosen = [v for k, v in found.items() if keys is None or k in keys]
            out.update(dict.fromkeys(chosen))
        if where:
            call = self._call(where[:-1], where[-1][0])
            for variable in parsed.variables:
                argument = call.get(variable) if call is not None else None
                if is_expression(argument):
                    self._resolve(references(argument), where[:-1], out, hops + 1, seen)
        for name, key, output in parsed.outputs:
            config = self._configs.get(tuple(n for n, _ in where) + (name,))
            expression = config.outputs.get(output) if config is not None else None
            if not is_expression(expression):
                continue
            for child in sorted(self._children.get(where, ()), key=repr):
                if child[-1][0] == name and (key is None or child[-1][1] == key):
                    self._resolve(references(expression), child, out, hops + 1, seen)

    def _call(self, parent: Instance, name: str) -> Mapping[str, object] | None:
        config = self._configs.get(tuple(n for n, _ in parent))
        call = config.module_calls.get(name) if config is not None else None
        return call.expressions if call is not None else None
