"""The Kubernetes namespace a Terraform resource names in its ``metadata`` block (the kubernetes
provider's objects: ``metadata { namespace = "usagers" }``), read alike by the module tree and the
plan frontends: a config system claims the object by that namespace as it claims a manifest's."""
from __future__ import annotations

from typing import Any, Mapping


def metadata_namespace(attributes: Mapping[str, Any]) -> str | None:
    """``metadata.namespace`` when it is a string (a block is a list of one), else None."""
    metadata: Any = attributes.get("metadata")
    if isinstance(metadata, list) and metadata and isinstance(metadata[0], dict):
        metadata = metadata[0]
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    return namespace if isinstance(namespace, str) else None
