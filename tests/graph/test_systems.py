"""Systems of the config: membership, and how a system's level meets a node's own tags."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import node

from linter.config import System, load_config
from linter.errors import ConfigError
from linter.graph.anchoring import anchor_entries
from linter.graph.sensitivity import classify
from linter.graph.systems import system_of, with_system
from linter.knowledge import Vocabulary
from linter.model import NodeKind

VOCABULARY = Vocabulary(keys=("data_sensitivity",),
                        levels={"particuliere": ("particuliere",), "standard": ("standard",)},
                        requires_secnumcloud=frozenset({"particuliere"}))
STRICT = System(name="usagers", level="particuliere", roots=("envs/prod",), namespaces=("usagers",),
                addresses=("helm_release.*",), paths=("k8s/usagers/**",))
LAX = System(name="vitrine", level="standard", paths=("vitrine/**",))


def _apply(system: System | None, tags: dict[str, str] | None = None, kind: NodeKind = NodeKind.DATASTORE):
    n = node("aws_s3_bucket.x", tags=tags, kind=kind)
    cls, floor = with_system(classify(n, VOCABULARY), n, system, VOCABULARY)
    return cls.status, cls.level, cls.tag.source if cls.tag else None, floor


def test_membership_by_root_namespace_address_and_path() -> None:
    systems = (STRICT, LAX)
    assert system_of(replace(node("aws_db_instance.a"), root="envs/prod"), systems) is STRICT
    assert system_of(replace(node("aws_db_instance.a"), root="envs/staging"), systems) is None
    assert system_of(replace(node("StatefulSet/usagers/db"), namespace="usagers"), systems) is STRICT
    assert system_of(replace(node("StatefulSet/public/db"), namespace="public"), systems) is None
    assert system_of(node("helm_release.keycloak"), systems) is STRICT
    assert system_of(replace(node("kubernetes_secret.a"), namespace="usagers"), systems) is STRICT
    assert system_of(node("aws_s3_bucket.site", file="vitrine/s3.tf"), systems) is LAX


def test_untagged_holders_take_the_level_and_others_only_the_name() -> None:
    assert _apply(STRICT) == ("classified", "particuliere", "system", None)
    assert _apply(STRICT, kind=NodeKind.OTHER) == ("unclassified", None, None, None)
    assert _apply(None) == ("unclassified", None, None, None)


def test_a_tag_wins_only_when_at_least_as_strict_or_allowed() -> None:
    assert _apply(STRICT, {"data_sensitivity": "standard"})[:3] == ("classified", "particuliere", "system")
    allowed = replace(STRICT, allow_lower_tags=True)
    assert _apply(allowed, {"data_sensitivity": "standard"})[:3] == ("classified", "standard", "tags")
    assert _apply(LAX, {"data_sensitivity": "particuliere"})[:3] == ("classified", "particuliere", "tags")


def test_a_bad_tag_is_still_reported_and_a_strict_system_keeps_the_node_sensitive() -> None:
    assert _apply(STRICT, {"data_sensitivity": "particuliare"}) == ("invalid", None, "tags", "particuliere")
    assert _apply(LAX, {"data_sensitivity": "particuliare"}) == ("invalid", None, "tags", None)
    assert _apply(replace(STRICT, allow_lower_tags=True), {"data_sensitivity": "x"})[3] is None


def test_paths_and_roots_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    system = replace(STRICT, folder=str(tmp_path / "infra"))
    (anchored,) = anchor_entries((system,), tmp_path)
    assert anchored.roots == ("infra/envs/prod",) and anchored.paths == ("infra/k8s/usagers/**",)
    assert anchored.namespaces == STRICT.namespaces and anchored.addresses == STRICT.addresses


@pytest.mark.parametrize(("text", "error"), [
    ("systems:\n  - {name: a, level: particuliere, members: {}}\n", "should be non-empty"),
    ("systems:\n  - {name: a, level: particuliere, members: {hosts: [x]}}\n", "hosts: unknown key"),
    ("systems:\n  - {name: a, level: particuliere, members: {paths: [x]}}\n"
     "  - {name: a, level: standard, members: {paths: [y]}}\n", "a name is used twice (a)"),
])
def test_config_is_validated(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / ".snclint.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")
    with pytest.raises(ConfigError, match=".*") as caught:
        load_config(path, ".snclint.yaml")
    assert error in str(caught.value)


def test_a_level_outside_the_vocabulary_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".snclint.yaml").write_text(
        "version: 1\nsystems:\n  - {name: a, level: secret, members: {paths: ['**']}}\n", encoding="utf-8")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    assert main(["scan", "."]) == 2
