"""``policies/kubernetes.yaml``: how Kubernetes objects are shaped, as data (not code).

Which kinds are cluster-scoped, where each workload kind keeps its pod template, which
annotations snclint reads: read once, validated by ``linter/schemas/kubernetes.schema.json``. A
``kind: kubernetes`` file of a ``--policies`` folder (``Knowledge.extra["kubernetes"]``, validated
by the policy loader) adds to it: a user adds the cluster-scoped kinds of their CRDs without
copying the rest.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Mapping

import jsonschema
import yaml

from linter.errors import PolicyError
from linter.knowledge import Knowledge

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    pod_metadata: str  # dotted path, "" for the object itself
    pod_spec: str
    claim_templates: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class KubernetesData:
    cluster_annotation: str
    ignore_annotation: str
    cluster_scoped: frozenset[str]
    not_object_groups: frozenset[str]
    not_object_kinds: frozenset[str]
    workloads: Mapping[str, Workload]
    default_class_annotations: tuple[str, ...]
    class_annotation: str | None
    in_tree_volumes: Mapping[str, str]
    kustomization_files: frozenset[str]

    def type_of(self, knowledge: Knowledge, api_version: str, kind: str) -> str:
        """The key of ``policies/resource-types.yaml`` for an object: ``group/Kind`` for a custom
        resource listed there (``postgresql.cnpg.io/Cluster``), else its Kind."""
        group = _group(api_version)
        return f"{group}/{kind}" if group and f"{group}/{kind}" in knowledge.types else kind

    def workload(self, api_version: str, kind: str) -> Workload | None:
        """Where a kind keeps its pod template (``group/Kind`` first, as custom resources are
        keyed), None for kinds that run no pods."""
        group = _group(api_version)
        return (self.workloads.get(f"{group}/{kind}") if group else None) or self.workloads.get(kind)

    def is_object(self, api_version: str, kind: str) -> bool:
        """False for tool configuration that looks like an object (kustomizations, kubeconfigs)."""
        return _group(api_version) not in self.not_object_groups and kind not in self.not_object_kinds


def kubernetes_data(knowledge: Knowledge | None = None) -> KubernetesData:
    """The shipped facts, with the policy set's additions when it has any."""
    added = knowledge.extra.get("kubernetes") if knowledge is not None else None
    return build(merged(shipped_raw(), added)) if isinstance(added, Mapping) else shipped()


@lru_cache(maxsize=1)
def shipped() -> KubernetesData:
    return build(shipped_raw())


@lru_cache(maxsize=1)
def shipped_raw() -> Mapping[str, Any]:
    text = (files("linter.policies") / "kubernetes.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=_Loader)
    schema = json.loads((files("linter.schemas") / "kubernetes.schema.json").read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(raw))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise PolicyError(f"policies/kubernetes.yaml: {where}: {error.message}")
    return raw  # type: ignore[no-any-return]


def merged(base: Any, added: Any) -> Any:
    """``added`` over ``base``: mappings merged key by key, lists appended (without repeats)."""
    if isinstance(base, Mapping) and isinstance(added, Mapping):
        return {k: merged(base.get(k), added[k]) if k in added else base[k] for k in {**base, **added}}
    if isinstance(base, list) and isinstance(added, list):
        return list(dict.fromkeys([*base, *added]))
    return added


def _group(api_version: str) -> str:
    """``apps/v1`` → ``apps``; the core ``v1`` has no group."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def build(raw: Mapping[str, Any]) -> KubernetesData:
    storage = raw["storage"]
    not_objects = raw.get("not_objects") or {}
    return KubernetesData(
        cluster_annotation=raw["annotations"]["cluster"],
        ignore_annotation=raw["annotations"]["ignore"],
        cluster_scoped=frozenset(raw["cluster_scoped_kinds"]),
        not_object_groups=frozenset(not_objects.get("api_groups") or ()),
        not_object_kinds=frozenset(not_objects.get("kinds") or ()),
        workloads={kind: Workload(pod_metadata=w["pod_metadata"], pod_spec=w["pod_spec"],
                                  claim_templates=w.get("claim_templates"))
                   for kind, w in raw["workloads"].items()},
        default_class_annotations=tuple(storage["default_class_annotations"]),
        class_annotation=storage.get("class_annotation"),
        in_tree_volumes=dict(storage["in_tree_volumes"]),
        kustomization_files=frozenset(raw["kustomization_files"]),
    )


def dig(obj: Any, path: str) -> Any:
    """The value at a dotted path ("" is ``obj``), None when any step is missing or not a mapping."""
    if not path:
        return obj
    for part in path.split("."):
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(part)
    return obj
