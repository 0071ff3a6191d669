"""``policies/kustomize.yaml``: which fields kustomize's built-in transformers write, as data.

Read and validated by the policy loader (``linter/schemas/kustomize.schema.json``); a ``kind:
kustomize`` file of a ``--policies`` folder adds to it by that kind's merge rule
(``linter.policy_kinds``), e.g. the label fields of a CRD.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from linter.knowledge import Knowledge
from linter.policy_files import document, shipped_document


@dataclass(frozen=True, slots=True)
class Selector:
    """Objects of a group, version and kind (an empty part matches any)."""

    group: str = ""
    version: str = ""
    kind: str = ""

    def selects(self, api_version: str, kind: str) -> bool:
        group, _, version = api_version.rpartition("/")
        return ((not self.kind or self.kind == kind) and (not self.group or self.group == group)
                and (not self.version or self.version == version))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field of the selected objects: its path (a list on the way is walked item by item)."""

    selector: Selector
    path: tuple[str, ...]
    create: bool = False


@dataclass(frozen=True, slots=True)
class NameReference:
    target: Selector
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class KustomizeData:
    selector_labels: tuple[FieldSpec, ...]
    template_labels: tuple[FieldSpec, ...]
    claim_template_labels: tuple[FieldSpec, ...]
    annotations: tuple[FieldSpec, ...]
    namespace_names: tuple[Selector, ...]
    name_unchanged: tuple[Selector, ...]
    name_references: tuple[NameReference, ...]
    merge_keys: Mapping[str, tuple[str, ...]]


def kustomize_data(knowledge: Knowledge | None = None) -> KustomizeData:
    """The shipped facts, with the policy set's packs of this kind merged on (``policy_kinds``)."""
    if knowledge is None or not knowledge.packs.get("kustomize"):
        return shipped()
    return build(document(knowledge, "kustomize"))


@lru_cache(maxsize=1)
def shipped() -> KustomizeData:
    return build(shipped_document("kustomize"))


def _selector(raw: Mapping[str, Any]) -> Selector:
    return Selector(raw.get("group", ""), raw.get("version", ""), raw.get("kind", ""))


def _fields(raw: Any) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(_selector(f), tuple(p.removesuffix("[]") for p in f["path"].split("/")),
                           bool(f.get("create"))) for f in raw or ())


def build(raw: Mapping[str, Any]) -> KustomizeData:
    return KustomizeData(
        selector_labels=_fields(raw.get("selector_labels")),
        template_labels=_fields(raw.get("template_labels")),
        claim_template_labels=_fields(raw.get("claim_template_labels")),
        annotations=_fields(raw.get("annotations")),
        namespace_names=tuple(_selector(s) for s in raw.get("namespace_names") or ()),
        name_unchanged=tuple(_selector(s) for s in raw.get("name_unchanged") or ()),
        name_references=tuple(NameReference(_selector(r["target"]), _fields(r["fields"]))
                              for r in raw.get("name_references") or ()),
        merge_keys={k: tuple(v) for k, v in (raw.get("merge_keys") or {}).items()},
    )
