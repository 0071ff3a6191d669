"""Several user packs of one kind compose: each adds to the shipped knowledge and to the packs
before it, none silently drops another (docs/architecture.md#policy-packs)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from linter.knowledge import Knowledge
from linter.policy_files import load_knowledge


def _rule(rid: str) -> str:
    return f"""kind: rules
version: 1
rules:
  - {{id: {rid}, title: t, severity: error, check: hosting-not-qualified, rationale: r, remediation: r}}
"""


# kind → (a pack's text for one name, what the knowledge holds for that name)
PACKS: dict[str, tuple[Callable[[str], str], Callable[[Knowledge, str], Any]]] = {
    "rules": (_rule, lambda k, name: k.rule(name)),
    "resource-types": (lambda name: f"kind: resource-types\nversion: 1\n"
                       f"groups: [{{name: g, types: {{{name}: datastore}}}}]\n",
                       lambda k, name: k.types.get(name)),
    "flows": (lambda name: f"kind: flows\nversion: 1\n"
              f"flows: [{{type: {name}, attribute: source_id, relation: copies_to}}]\n",
              lambda k, name: next((f for f in k.flows if f.type == name), None)),
    "kubernetes": (lambda name: f"kind: kubernetes\nversion: 1\ncluster_scoped_kinds: [{name}]\n",
                   lambda k, name: name in k.extra["kubernetes"]["cluster_scoped_kinds"] or None),
    "terraform-kubernetes": (lambda name: f"kind: terraform-kubernetes\nversion: 1\n"
                             f"cluster_clients: [{{sources: [example/{name}], attributes: [host]}}]\n",
                             lambda k, name: any(f"example/{name}" in c["sources"]
                                                 for c in k.extra["terraform-kubernetes"]["cluster_clients"]) or None),
    "kustomize": (lambda name: f"kind: kustomize\nversion: 1\nname_unchanged: [{{kind: {name}}}]\n",
                  lambda k, name: {"kind": name} in k.extra["kustomize"]["name_unchanged"] or None),
}
NAMES = {"rules": ("DR001", "DR002"), "resource-types": ("acme_store_a", "acme_store_b"),
         "flows": ("acme_copy_a", "acme_copy_b"), "kubernetes": ("WidgetA", "WidgetB"),
         "terraform-kubernetes": ("a", "b"), "kustomize": ("WidgetA", "WidgetB")}


@pytest.mark.parametrize("kind", sorted(PACKS))
def test_two_user_packs_of_a_kind_compose(kind: str, tmp_path: Path) -> None:
    text, held = PACKS[kind]
    dirs = []
    for index, name in enumerate(NAMES[kind]):
        folder = tmp_path / f"pack{index}"
        folder.mkdir()
        (folder / f"{kind}.yaml").write_text(text(name), encoding="utf-8")
        dirs.append(folder.as_posix())
    knowledge = load_knowledge(dirs)
    assert [name for name in NAMES[kind] if held(knowledge, name) is None] == []


def test_the_same_relative_folder_elsewhere_is_another_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two scans in one process (tests, a library user) from different folders, each with its own
    ``packs/``: the second does not get the first's knowledge."""
    for name in ("one", "two"):
        (tmp_path / name / "packs").mkdir(parents=True)
        (tmp_path / name / "packs" / "rules.yaml").write_text(_rule(f"DR{1 if name == 'one' else 2:03}"),
                                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path / "one")
    assert load_knowledge(["packs"]).rule("DR001") is not None
    monkeypatch.chdir(tmp_path / "two")
    knowledge = load_knowledge(["packs"])
    assert knowledge.rule("DR002") is not None and knowledge.rule("DR001") is None
