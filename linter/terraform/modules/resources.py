"""A resource block of one module instance: its instances and their attributes, lazily.

The same cells answer references from elsewhere (``aws_s3_bucket.logs.bucket``) and build the
node, so each attribute is evaluated once. An attribute the configuration does not set is computed
by the provider (``id``, ``arn``…): Unknown, "known after apply".
"""
from __future__ import annotations

from typing import Any

from linter.model import Unknown
from linter.terraform.language.deferred import Cell, LazyMap
from linter.terraform.modules.definitions import Decl
from linter.terraform.modules.expand import RESOURCE_META, Expansion, Extended, Scope, body_thunks, expansion
from linter.terraform.modules.instance import Instance


class ResourceInstance:
    __slots__ = ("key", "scope", "attributes")

    def __init__(self, key: int | str | None, scope: Scope, attributes: LazyMap) -> None:
        self.key = key
        self.scope = scope
        self.attributes = attributes


class ResourceEval:
    """``type.name`` in one module instance."""

    def __init__(self, inst: Instance, type_: str, name: str, decl: Decl) -> None:
        self.inst = inst
        self.type = type_
        self.name = name
        self.decl = decl
        self.local_address = f"{type_}.{name}"
        self.address = f"{inst.address}.{self.local_address}" if inst.address else self.local_address
        self.base = f"{inst.base}.{self.local_address}" if inst.base else self.local_address
        self._expansion = Cell(lambda: inst.ctx.admit(expansion(decl.block.body, inst.scope, self.address),
                                                      self.address), f"count/for_each of {self.address}")
        self._instances: list[ResourceInstance] | None = None
        self.value = Cell(self._value, self.address)

    @property
    def expansion(self) -> Expansion:
        found = self._expansion.get()
        if isinstance(found, Expansion):
            return found
        reason = found.reason if isinstance(found, Unknown) else "not known"
        return Expansion(mode="unknown", meta=_meta(self.decl), items=((None, None),),
                         reason=f"count/for_each of {self.address} is not known: {reason}")

    @property
    def instances(self) -> list[ResourceInstance]:
        if self._instances is None:
            exp = self.expansion
            self._instances = [self._instance(exp, key, value) for key, value in exp.items]
        return self._instances

    def _instance(self, exp: Expansion, key: int | str | None, value: Any) -> ResourceInstance:
        scope: Scope = Extended(self.inst.scope, exp.names(key, value)) if exp.meta else self.inst.scope
        thunks = body_thunks(self.decl.block.body, scope, RESOURCE_META)
        what = f"{self.address}{'' if key is None else f'[{key!r}]'}"
        cells = {name: Cell(thunk, f"{what}.{name}") for name, thunk in thunks.items()}
        missing = lambda attr: Unknown(f"{self.local_address}.{attr} is known after apply")  # noqa: E731
        return ResourceInstance(key, scope, LazyMap(cells, missing))

    def _value(self) -> Any:
        """What ``type.name`` evaluates to in an expression."""
        exp = self.expansion
        if exp.mode == "unknown":
            return Unknown(exp.reason)
        if exp.mode == "single":
            return self.instances[0].attributes
        if exp.mode == "count":
            return [i.attributes for i in self.instances]
        return {str(i.key): i.attributes for i in self.instances}


def _meta(decl: Decl) -> str:
    body = decl.block.body
    return "count" if body.attribute("count") else "for_each" if body.attribute("for_each") else ""
