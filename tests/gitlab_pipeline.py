"""Reading GitLab CI YAML as GitLab does, for the template and docs tests: ``extends`` and
``include`` are deep merges of mappings, the later file or job winning."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "ci" / "snclint.gitlab-ci.yml"


def template() -> dict[str, Any]:
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def resolved_job(config: dict[str, Any], name: str) -> dict[str, Any]:
    """The job with its ``extends`` merged in."""
    job = config[name]
    parents = job.get("extends", [])
    merged: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged = merge(merged, resolved_job(config, parent))
    return merge(merged, {k: v for k, v in job.items() if k != "extends"})


def documented_variables() -> set[str]:
    """The ``SNCLINT_*`` settings the template's header documents (it declares no variables)."""
    return {m.group(1) for m in re.finditer(r"^#\s+(SNCLINT_[A-Z_]+)\s", TEMPLATE.read_text(encoding="utf-8"), re.M)}
