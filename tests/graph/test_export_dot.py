"""``snclint graph --format dot``: real line breaks, colours by sensitivity and qualification, one
cluster box per root module or Kubernetes cluster, and ``--only-sensitive``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from linter.cli import main

CHAIN = Path(__file__).resolve().parents[2] / "fixtures" / "flows" / "outscale-chain"


def _dot(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["graph", str(CHAIN), "-f", "dot", *args]) == 0
    return capsys.readouterr().out


def _labels(dot: str) -> dict[str, str]:
    return dict(re.findall(r'^\s+"[^"]*::([^"]+)" \[label="((?:[^"\\]|\\.)*)"', dot, re.M))


def test_labels_break_lines_and_nodes_are_coloured(capsys: pytest.CaptureFixture[str]) -> None:
    dot = _dot(capsys)
    labels = _labels(dot)
    assert labels["outscale_volume.dossiers_pra"] == (
        "outscale_volume.dossiers_pra\\ndatastore\\nsensitive: particuliere\\nnot-qualified")
    assert "\\\\n" not in dot, "a label's line break is Graphviz's \\n, not an escaped backslash"
    line = next(x for x in dot.splitlines() if "::outscale_volume.dossiers_pra\" [" in x)
    assert 'fillcolor="#f8d7da"' in line and 'color="#c82333"' in line and "shape=cylinder" in line
    line = next(x for x in dot.splitlines() if "::outscale_volume.dossiers\" [" in x)
    assert 'color="#1e7e34"' in line, "qualified hosting is green"


def test_each_root_is_a_cluster_box(capsys: pytest.CaptureFixture[str]) -> None:
    dot = _dot(capsys)
    assert dot.count("subgraph cluster_") == 1
    assert 'label="root fixtures/flows/outscale-chain"' in dot


def test_only_sensitive_keeps_the_sensitive_chains(capsys: pytest.CaptureFixture[str]) -> None:
    everything, sensitive = _labels(_dot(capsys)), _labels(_dot(capsys, "--only-sensitive"))
    assert set(sensitive) < set(everything)
    assert all("sensitive: " in label for label in sensitive.values())
    assert "outscale_volume.dossiers_pra" in sensitive


def test_a_hostile_address_cannot_break_out_of_its_label() -> None:
    from linter.graph.export import _dot_label

    assert _dot_label('a"] x [y="', "b\nc") == '"a\\"] x [y=\\"\\nb c"'
