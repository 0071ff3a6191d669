"""Placement: path globs, the most specific pattern, annotations before paths, the default."""
from __future__ import annotations

import pytest

from linter.config import ClusterSpec, KubernetesConfig
from linter.globs import glob_match
from linter.kubernetes.placement import UNPLACED_WHY, Placement, Placer, nearest


@pytest.mark.parametrize("pattern, path, expected", [
    ("k8s/prod/**", "k8s/prod/a.yaml", True),
    ("k8s/prod/**", "k8s/prod/apps/a.yaml", True),
    ("k8s/prod/**", "k8s/production/a.yaml", False),
    ("**/prod/*.yaml", "envs/eu/prod/a.yaml", True),
    ("**/prod/*.yaml", "prod/a.yaml", True),
    ("**/prod/*.yaml", "prod/apps/a.yaml", False),
    ("k8s/*.yaml", "k8s/a.yaml", True),
    ("k8s/*.yaml", "k8s/a/b.yaml", False),
    ("k8s/a?.yaml", "k8s/ab.yaml", True),
    ("k8s/[!a]*.yaml", "k8s/b.yaml", True),
    ("k8s/[!a]*.yaml", "k8s/a.yaml", False),
    ("k8s/prod", "k8s/prod/a.yaml", True),  # a folder: everything below it
    ("k8s/prod/", "k8s/prod/x/a.yaml", True),
    ("k8s/prod", "k8s/prod2/a.yaml", False),
    ("./k8s/**", "k8s/a.yaml", True),
    ("k8s/a.yaml", "k8s/a.yaml", True),
    ("**", "-", True),
    ("-", "-", True),
    ("k8s/(a)+.yaml", "k8s/(a)+.yaml", True),  # regex characters are literal
    ("k8s/(a)+.yaml", "k8s/aa.yaml", False),
])
def test_glob(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


CONFIG = KubernetesConfig(clusters={
    "all": ClusterSpec(name="all", hosting={"provider": "aws"}, paths=("k8s/**",)),
    "prod": ClusterSpec(name="prod", hosting={"provider": "outscale"}, paths=("k8s/prod/**", "other/")),
}, default="all")


def test_most_specific_pattern_wins() -> None:
    placer = Placer(CONFIG)
    assert placer.by_path("k8s/prod/a.yaml") == Placement("prod", "kubernetes.clusters.prod.paths matches "
                                                                  "k8s/prod/a.yaml (k8s/prod/**)")
    assert placer.by_path("k8s/dev/a.yaml") == Placement("all", "kubernetes.clusters.all.paths matches "
                                                                "k8s/dev/a.yaml (k8s/**)")
    assert placer.by_path("elsewhere/a.yaml") is None


def test_order_annotation_namespace_paths_default() -> None:
    placer = Placer(CONFIG)
    assert placer.place("k8s/prod/a.yaml", "edge", ("all", "Namespace/x")) == \
        Placement("edge", "annotation snclint.io/cluster")
    assert placer.place("k8s/prod/a.yaml", None, ("all", "Namespace/x")) == \
        Placement("all", "annotation snclint.io/cluster on Namespace/x")
    assert placer.place("k8s/prod/a.yaml", None, None).cluster == "prod"
    assert placer.place("-", None, None) == Placement("all", "kubernetes.default")
    assert Placer(KubernetesConfig()).place("-", None, None) == Placement(None, UNPLACED_WHY)


def test_nearest_file() -> None:
    assert nearest("k8s/prod/app/a.yaml", ["k8s/dev/ns.yaml", "k8s/prod/ns.yaml", "ns.yaml"]) == 1
    assert nearest("a.yaml", ["x/ns.yaml", "y/ns.yaml"]) == 0
