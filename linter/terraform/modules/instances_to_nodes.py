"""Instances → nodes: Terraform addresses stay unexpanded in HCL mode unless that would lose facts.

HCL-mode addresses are written unexpanded (``aws_s3_bucket.logs``). Every instance of a
``count``/``for_each`` resource (or of a resource inside a module called with them) is evaluated
on its own; when all instances agree on what decides a finding — tags, provider configuration,
cluster, region attributes — they are one node at the unexpanded address, whose attributes keep
the values the instances share (the others are Unknown, "differs between instances"). When they
disagree (``data_sensitivity = each.value.level`` over a map mixing levels), each instance is a
node at its expanded address (``aws_s3_bucket.logs["patients"]``): a sensitive instance is never
averaged away. An unknown ``count``/``for_each`` is one instance evaluated with ``each``/``count``
unknown, at the unexpanded address.
"""
from __future__ import annotations

from typing import Any, Iterable

from linter.model import Node, Reference, Unknown
from linter.terraform.modules.references import Target
from linter.terraform.modules.resource_instances import Draft
from linter.terraform.object_namespace import metadata_namespace


class Grouping:
    def __init__(self, root: str, drafts: Iterable[Draft]) -> None:
        self.root = root
        self.groups: dict[str, list[Draft]] = {}
        for draft in drafts:
            self.groups.setdefault(draft.base, []).append(draft)
        self.merged = {base: _alike(members) for base, members in self.groups.items()}

    def key(self, address: str) -> str:
        return f"{self.root}::{address}"

    def keys_of(self, target: Target) -> list[str]:
        """The node keys a reference target lands on once instances are grouped."""
        members = self.groups.get(target.base)
        if not members:
            return []
        if self.merged[target.base]:
            return [self.key(target.base)]
        return [self.key(m.address) for m in members
                if m.module == target.module and (target.key is None or m.key == target.key)]

    def nodes(self) -> list[Node]:
        nodes: list[Node] = []
        for base, members in self.groups.items():
            if self.merged[base]:
                nodes.append(self._node(base, members))
            else:
                nodes.extend(self._node(m.address, [m]) for m in members)
        return nodes

    def _node(self, address: str, members: list[Draft]) -> Node:
        first = members[0]
        references: dict[Reference, None] = {}  # in order, once each
        for member in members:
            for attribute, target, location in member.references:
                for key in self.keys_of(target):
                    references[Reference(attribute=attribute, target=key, location=location)] = None
        cluster = next((k for t in first.clusters for k in self.keys_of(t)), None)
        notes = list(first.notes)
        if len(members) > 1:
            notes.append(f"{len(members)} instances ({_keys(members)}) agree on tags and hosting: "
                         "one node at the unexpanded address")
        attributes = first.attributes if len(members) == 1 else _common(members)
        return Node(
            key=self.key(address), address=address, type=first.type, kind=first.kind, origin="terraform",
            location=first.location, scope=self.root, root=self.root, namespace=metadata_namespace(attributes),
            tags=first.tags, attributes=attributes,
            hosting=first.clue(cluster), references=tuple(references),
            suppressions=first.suppressions, notes=tuple(notes),
        )


def _alike(members: list[Draft]) -> bool:
    first = members[0].signature()
    return all(m.signature() == first for m in members[1:])


def _common(members: list[Draft]) -> dict[str, Any]:
    names: dict[str, None] = {}
    for member in members:
        names.update(dict.fromkeys(member.attributes))
    common: dict[str, Any] = {}
    for name in names:
        values = [m.attributes.get(name) for m in members]
        if all(v == values[0] for v in values[1:]):
            common[name] = values[0]
        else:
            common[name] = Unknown(f"{name} differs between the instances of {members[0].base}")
    return common


def _keys(members: list[Draft]) -> str:
    more = f", … {len(members) - 5} more" if len(members) > 5 else ""
    return ", ".join(m.address for m in members[:5]) + more

