"""A small Terraform project on disk and the frontend run over it, for the frontend tests."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Mapping, Sequence

from linter.knowledge import Catalog, Knowledge, TypeInfo, Vocabulary
from linter.model import Fragment, Node, NodeKind
from linter.terraform.modules.file_kinds import is_tfvars
from linter.terraform.modules.frontend import load_terraform

_TYPES = {
    "aws_db_instance": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",), region_paths=("region",)),
    "aws_s3_bucket": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",), region_paths=("region",)),
    "aws_eks_cluster": TypeInfo(kind=NodeKind.CLUSTER, tag_paths=("tags",)),
    "outscale_volume": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",)),
    "scaleway_rdb_instance": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",)),
    "google_sql_database_instance": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("settings.user_labels",)),
    "kubernetes_persistent_volume_claim": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("metadata.labels",)),
    "terraform-aws-modules/rds/aws": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",)),
    "terraform-aws-modules/eks/aws": TypeInfo(kind=NodeKind.CLUSTER, tag_paths=("tags",)),
}
RECOGNITION = {"terraform": {
    "registry_hosts": ["registry.terraform.io", "registry.opentofu.org"],
    "implicit_sources": {"outscale": "outscale/outscale", "scaleway": "scaleway/scaleway"},
    "providers": [
        {"sources": ["hashicorp/aws"], "default_tags": "default_tags.tags"},
        {"sources": ["hashicorp/google"], "default_tags": "default_labels"},
    ],
}}
KNOWLEDGE = Knowledge(types=_TYPES, default_tag_paths=("tags", "labels"), flows=(), catalog=Catalog(providers={}),
                      recognition=RECOGNITION, rules=(),
                      vocabulary=Vocabulary(keys=("data_sensitivity",), levels={}, requires_secnumcloud=frozenset()))


def write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def discovered(files: Mapping[str, str]) -> list[str]:
    """What discovery would hand over: Terraform files and tfvars, never under .terraform/."""
    return sorted(p for p in files if ".terraform" not in p.split("/")
                  and (p.endswith((".tf", ".tf.json")) or is_tfvars(p)))


def run(root: Path, files: Mapping[str, str], *, given: Sequence[str] | None = None,
        var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
        boundary: Path | None = None, knowledge: Knowledge = KNOWLEDGE) -> Fragment:
    write(root, files)
    return load_terraform(given if given is not None else discovered(files), knowledge=knowledge,
                          boundary=boundary or root, var_files=var_files, variables=variables or {}, cwd=root)


def nodes(fragment: Fragment) -> dict[str, Node]:
    return {n.key: n for n in fragment.nodes}


def tags(node: Node) -> dict[str, object]:
    return {t.key: t.value for t in node.tags}


def provider(node: Node) -> str | None:
    clue = node.hosting
    return clue.provider.address if clue is not None and clue.provider is not None else None
