"""The list of shipped flows in ``docs/flows.md`` is generated from ``policies/flows.yaml``, and
the YAML keeps the conventions the doc promises (one entry per type and attribute, unverified
names marked). Run this file with python to rewrite the list."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.policy_files import validate_policy_dir

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "flows.md"
POLICY = REPO / "policies" / "flows.yaml"
START, END = "<!-- flows:start -->", "<!-- flows:end -->"
# headings of the list, by the provider word that starts a resource type
FAMILIES = {
    "aws": "AWS", "google": "Google Cloud and S3NS", "azurerm": "Microsoft Azure", "outscale": "3DS OUTSCALE",
    "numspot": "NumSpot",
    "ovh": "OVHcloud", "openstack": "OpenStack (OVHcloud Public Cloud)", "scaleway": "Scaleway",
    "kubernetes": "Kubernetes operators",
}


def _flows() -> list[dict[str, Any]]:
    return list(yaml.safe_load(POLICY.read_text(encoding="utf-8"))["flows"])


def _line(flow: dict[str, Any]) -> str:
    relation, attribute = flow["relation"], f"`{flow['attribute']}`"
    value = flow.get("value", "reference")
    if value != "reference":
        when = flow.get("when") or {}
        gate = "".join(f" when {k} `{str(v).lower() if isinstance(v, bool) else v}`" for k, v in when.items())
        what = f"this → the {value} in {attribute}{gate} ({relation})"
    elif "from_attribute" in flow:
        what = f"`{flow['from_attribute']}` → {attribute} ({relation}; carrier)"
    else:
        arrow = {"from-target": f"{attribute} → this", "to-target": f"this → {attribute}",
                 "both": f"this ↔ {attribute}"}[flow.get("direction", "from-target")]
        what = f"{arrow} ({relation})"
    note = f" — {flow['note']}" if flow.get("note") else ""
    return f"- `{flow['type']}`: {what}{note}"


def render() -> str:
    by_family: dict[str, list[str]] = {}
    for flow in _flows():
        family = "kubernetes" if "/" in flow["type"] else flow["type"].split("_", 1)[0]
        by_family.setdefault(family, []).append(_line(flow))
    parts = []
    for family, title in FAMILIES.items():
        if family in by_family:
            parts += [f"### {title}", "", *by_family.pop(family), ""]
    assert not by_family, f"no heading for {sorted(by_family)}: add it to FAMILIES"
    return "\n".join([START, "", *parts, END])


def _current() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index(START):text.index(END) + len(END)]


def test_doc_lists_the_shipped_flows() -> None:
    assert _current() == render(), "regenerate: python tests/test_flows_doc.py"


def test_one_entry_per_type_and_attribute() -> None:
    """Entries are keyed on (type, attribute) when policies are merged: a duplicate would vanish."""
    keys = [(f["type"], f["attribute"]) for f in _flows()]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_unverified_is_said_first() -> None:
    for flow in _flows():
        note = flow.get("note", "")
        assert "unverified" not in note or note.startswith("unverified"), flow


def test_every_path_step_is_a_dotted_name() -> None:
    step = re.compile(r"^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$")
    for flow in _flows():
        for path in filter(None, (flow["attribute"], flow.get("from_attribute"))):
            assert all(step.match(a) for hop in path.split(">") for a in hop.split("|")), flow


@pytest.mark.parametrize(("flow", "problem"), [
    ({"attribute": "plan_id>rule.target_vault_name", "from_attribute": "resources"}, None),
    ({"attribute": "snapshot|source_disk", "direction": "both"}, None),
    ({"attribute": "a..b"}, "does not match"),
    ({"attribute": "a>", "direction": "to-target"}, "does not match"),
    ({"attribute": "b", "from_attribute": "a", "direction": "from-target"}, "to-target"),
    ({"attribute": "b", "direction": "sideways"}, "direction: expected one of: from-target, to-target, both"),
])
def test_the_schema_checks_paths_and_directions(tmp_path: Path, flow: dict[str, str], problem: str | None) -> None:
    entry = {"type": "x_y", "relation": "copies_to", **flow}
    (tmp_path / "flows.yaml").write_text(yaml.safe_dump({"kind": "flows", "version": 1, "flows": [entry]}),
                                         encoding="utf-8")
    lines = validate_policy_dir(str(tmp_path))
    if problem is None:
        assert lines == []
    else:
        assert len(lines) == 1 and problem in lines[0], lines


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(text.replace(_current(), render()), encoding="utf-8")
