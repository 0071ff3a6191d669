"""A small Knowledge made by hand: the Kubernetes frontend only asks it what kind a type is."""
from __future__ import annotations

import pytest

from linter.knowledge import Catalog, Knowledge, TypeInfo, Vocabulary
from linter.model import NodeKind

KINDS = {
    "PersistentVolumeClaim": NodeKind.DATASTORE, "PersistentVolume": NodeKind.DATASTORE,
    "postgresql.cnpg.io/Cluster": NodeKind.DATASTORE,
    "Deployment": NodeKind.COMPUTE, "StatefulSet": NodeKind.COMPUTE, "CronJob": NodeKind.COMPUTE,
    "Job": NodeKind.COMPUTE, "Pod": NodeKind.COMPUTE, "DaemonSet": NodeKind.COMPUTE,
}


def small_knowledge() -> Knowledge:
    return Knowledge(types={k: TypeInfo(kind=v) for k, v in KINDS.items()}, default_tag_paths=(),
                     flows=(), catalog=Catalog(providers={}), recognition={}, rules=(),
                     vocabulary=Vocabulary(keys=("sensibilite",), levels={}, requires_secnumcloud=frozenset()))


@pytest.fixture
def knowledge() -> Knowledge:
    return small_knowledge()
