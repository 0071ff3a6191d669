"""The knowledge against each provider's own resource list (``tests/providers``).

Two checks: every resource type that ``policies/`` names exists in its provider's list (a stale
name is knowledge that never matches), and at least 95 % of the types that hold data in each
provider list are data stores in ``policies/resource-types.yaml``. Which types hold data is a
judgement kept as data (``tests/providers/stores``), so the figure can be reproduced and argued
with. Run ``python -m pytest tests/policies/test_provider_coverage.py -s`` to see the table.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "providers"
POLICIES = REPO / "policies"
PROVIDERS = ("aws", "google", "azurerm", "ovh", "scaleway", "outscale", "openstack", "cloudtemple", "numspot",
             "scalingo")
THRESHOLD = 0.95
TYPE_NAME = re.compile(r"^(?P<provider>[a-z]+)_[a-z0-9_]+$")


def names(path: Path) -> list[str]:
    """The type names of a list file: one a line, ``#`` comments and blank lines left out."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


@cache
def provider_types(provider: str) -> set[str]:
    """Every resource type of a provider: its list, plus for AWS the names its lower-bound list misses."""
    found = set(names(DATA / "resources" / f"{provider}.txt"))
    return found | set(names(DATA / "resources" / f"{provider}-extra.txt"))


def provider_of(name: str) -> str | None:
    match = TYPE_NAME.match(name)
    return match["provider"] if match and match["provider"] in PROVIDERS else None


@cache
def _policy(name: str) -> Any:
    return yaml.safe_load((POLICIES / name).read_text(encoding="utf-8"))


def _type_entries() -> dict[str, Any]:
    return {name: spec for group in _policy("resource-types.yaml")["groups"] for name, spec in group["types"].items()}


def datastores() -> set[str]:
    return {name for name, spec in _type_entries().items()
            if (spec if isinstance(spec, str) else spec["kind"]) == "datastore"}


ATTRIBUTE_KEYS = {"attribute", "from_attribute", "region_attributes", "resource_region_paths"}  # attribute paths


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            if key not in ATTRIBUTE_KEYS:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@cache
def named_types() -> dict[str, set[str]]:
    """Resource type names in every shipped policy file (whole strings or mapping keys), by file;
    types marked ``removed`` in resource-types.yaml are left out (kept on purpose)."""
    removed = {name for name, spec in _type_entries().items() if isinstance(spec, dict) and "removed" in spec}
    out: dict[str, set[str]] = {}
    for path in sorted(POLICIES.glob("*.yaml")):
        found = {s for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))) if provider_of(s)}
        out[path.name] = found - removed
    return out


def type_patterns() -> list[str]:
    """The regular expressions over resource types in recognition.yaml (``offers_by_type``)."""
    entries = _policy("recognition.yaml").get("terraform", {}).get("providers", [])
    return [t["types"] for entry in entries for t in entry.get("offers_by_type", [])]


def coverage() -> dict[str, tuple[int, int, list[str]]]:
    """Per provider: (data stores known, data-holding types, the missing ones)."""
    known = datastores()
    out = {}
    for provider in PROVIDERS:
        stores = names(DATA / "stores" / f"{provider}.txt")
        missing = [t for t in stores if t not in known]
        out[provider] = (len(stores) - len(missing), len(stores), missing)
    return out


def table() -> str:
    flows = {f["type"] for f in _policy("flows.yaml")["flows"]}
    lines = [f"{'provider':<12} {'data stores':>12} {'coverage':>9}   copy carriers in flows.yaml"]
    for provider, (hit, total, _) in coverage().items():
        carriers = names(DATA / "carriers" / f"{provider}.txt")
        carried = sum(1 for c in carriers if c in flows)
        lines.append(f"{provider:<12} {f'{hit}/{total}':>12} {hit / total:>9.1%}   {carried}/{len(carriers)}")
    return "\n".join(lines)


def test_print_coverage() -> None:
    print("\n" + table())


@pytest.mark.parametrize("provider", PROVIDERS)
def test_data_holding_types_are_known(provider: str) -> None:
    hit, total, missing = coverage()[provider]
    assert total and hit / total >= THRESHOLD, f"{provider}: {hit}/{total} data stores known; missing {missing}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_judgement_lists_name_real_types(provider: str) -> None:
    real = provider_types(provider)
    for kind in ("stores", "carriers"):
        listed = names(DATA / kind / f"{provider}.txt")
        assert [t for t in listed if t not in real] == [], f"{kind}/{provider}.txt names types the provider lacks"
        assert len(listed) == len(set(listed)), f"{kind}/{provider}.txt repeats a type"
    both = set(names(DATA / "stores" / f"{provider}.txt")) & set(names(DATA / "carriers" / f"{provider}.txt"))
    assert both == set(), "a type is either a data store or a carrier"


@pytest.mark.parametrize("file", sorted(p.name for p in POLICIES.glob("*.yaml")))
def test_no_stale_type_names(file: str) -> None:
    stale = sorted(name for name in named_types()[file] if name not in provider_types(provider_of(name) or ""))
    assert stale == [], f"{file} names resource types that no provider list has (mark removed ones `removed:`)"


def test_type_patterns_match_real_types() -> None:
    every = {t for p in PROVIDERS for t in provider_types(p)}
    assert [p for p in type_patterns() if not any(re.search(p, t) for t in every)] == []


def test_removed_types_are_really_gone() -> None:
    removed = [name for name, spec in _type_entries().items() if isinstance(spec, dict) and "removed" in spec]
    assert removed and [n for n in removed if n in provider_types(provider_of(n) or "")] == []


def test_stale_check_catches_a_misspelt_name() -> None:
    assert "aws_docdb_elastic_cluster" not in provider_types("aws")
    assert "aws_docdbelastic_cluster" in datastores()
