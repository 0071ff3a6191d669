"""Systems declared in the config: which nodes belong to one, and how its level meets their tags.

SREN art. 31 speaks of the data an *information system* processes, and many resources cannot
carry a tag (a managed database add-on, a Helm release). A node belongs to the first system, in
config order, that names its file, its root (Terraform root module, Terragrunt unit, plan
folder), its Kubernetes namespace or its address. The system's level then classifies it when it
holds or processes data (data stores, compute, clusters, as for every inherited classification);
IAM, DNS and the like only carry the system's name into their findings.

A tag on the node wins over the system's level only when it is at least as strict (both or
neither require SecNumCloud), or when the system sets ``allow_lower_tags``. A tag that cannot be
evaluated or is outside the vocabulary is still reported (SNC004, SNC005); the node is sensitive
all the same when its system's level requires SecNumCloud and no tag may lower it.
"""
from __future__ import annotations

from typing import Iterable

from linter.config import System
from linter.globs import glob_match
from linter.graph.sensitivity import Classification
from linter.knowledge import Vocabulary
from linter.model import Node, NodeKind, Tag

HOLDERS = frozenset({NodeKind.DATASTORE, NodeKind.COMPUTE, NodeKind.CLUSTER})
SOURCE = "system"



def system_of(node: Node, systems: Iterable[System]) -> System | None:
    """The first system that claims the node, or None."""
    namespace = node.namespace
    for system in systems:
        if (any(glob_match(p, node.location.file) for p in system.paths)
                or (node.root is not None and any(glob_match(p, node.root) for p in system.roots))
                or (namespace is not None and any(glob_match(p, namespace) for p in system.namespaces))
                or any(glob_match(p, node.address) for p in system.addresses)):
            return system
    return None


def system_tag(system: System) -> Tag:
    return Tag(key=f"system {system.name}", value=system.level, location=system.location, source=SOURCE)


def with_system(cls: Classification, node: Node, system: System | None,
                vocabulary: Vocabulary) -> tuple[Classification, str | None]:
    """The node's classification once its system is applied, and the level it is sensitive at
    even though its classification is not ``classified`` (a typo in a tag of a system that
    requires SecNumCloud): None when there is no such floor."""
    if system is None or node.kind not in HOLDERS:
        return cls, None
    strict = system.level in vocabulary.requires_secnumcloud
    by_system = Classification(status="classified", level=system.level, tag=system_tag(system))
    if cls.status == "unclassified":
        return by_system, None
    if cls.status == "classified":
        tag_strict = cls.level in vocabulary.requires_secnumcloud
        if tag_strict or not strict or system.allow_lower_tags:
            return cls, None
        return Classification(status="classified", level=system.level, tag=system_tag(system),
                              detail=f"level of system {system.name}: the tag {cls.tag.key if cls.tag else ''} = "
                                     f"{cls.level} is less strict and allow_lower_tags is not set"), None
    # unknown or invalid: still reported; a strict system keeps the node sensitive
    if strict and not system.allow_lower_tags:
        return cls, system.level
    return cls, None
