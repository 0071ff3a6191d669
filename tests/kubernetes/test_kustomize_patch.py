"""Strategic merge, JSON 6902 and target selection, on small values with exact results."""
from __future__ import annotations

import time

import pytest

from linter.kubernetes.kustomize_data import shipped
from linter.kubernetes.kustomize_patch import (
    DELETE,
    PatchError,
    json_patch,
    name_pattern,
    selector_matches,
    strategic_merge,
)

KEYS = shipped().merge_keys


def test_strategic_merge_merges_maps_and_keyed_lists() -> None:
    base = {"metadata": {"name": "a", "labels": {"x": "1", "y": "2"}},
            "spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b"}], "args": ["1"]}}
    patch = {"metadata": {"labels": {"y": None, "z": "3"}},
             "spec": {"containers": [{"name": "a", "image": "a:2"}, {"name": "b", "$patch": "delete"},
                                     {"name": "c", "image": "c"}], "args": ["2"]}}
    assert strategic_merge(base, patch, KEYS) == {
        "metadata": {"name": "a", "labels": {"x": "1", "z": "3"}},
        "spec": {"containers": [{"name": "a", "image": "a:2"}, {"name": "c", "image": "c"}], "args": ["2"]}}
    assert strategic_merge(base, {"$patch": "delete"}, KEYS) is DELETE
    assert strategic_merge(base, {"spec": {"$patch": "replace", "replicas": 1}}, KEYS)["spec"] == {"replicas": 1}


def test_json_patch_creates_missing_parents_on_add_like_kustomize() -> None:
    assert json_patch({"metadata": {"name": "a"}}, [{"op": "add", "path": "/metadata/labels/x", "value": "1"}]) == \
        {"metadata": {"name": "a", "labels": {"x": "1"}}}
    with pytest.raises(PatchError, match="JSON patch failed"):
        json_patch({"metadata": {}}, [{"op": "replace", "path": "/metadata/labels/x", "value": "1"}])


@pytest.mark.parametrize("pattern", ["(a+)+$", "a{1,9}", "[a-z]+", "x.*.*.*", "a" * 300, 3])
def test_target_patterns_that_could_backtrack_are_refused(pattern: object) -> None:
    start = time.perf_counter()
    with pytest.raises(PatchError, match="is not a pattern snclint evaluates"):
        name_pattern(pattern, "name")
    assert time.perf_counter() - start < 0.1


def test_target_patterns_are_anchored() -> None:
    assert name_pattern("web|db-.*", "name").match("db-1")
    assert not name_pattern("web", "name").match("web-2")
    assert name_pattern("a\\.b", "name").match("a.b")


@pytest.mark.parametrize("selector, expected", [
    ("app=web", True), ("app==web,tier", True), ("app!=web", False), ("!tier", False),
    ("app in (db, web)", True), ("app notin (web)", False), ("tier=front,app in (x)", False), ("", True),
])
def test_label_selectors(selector: str, expected: bool) -> None:
    assert selector_matches(selector, {"app": "web", "tier": "front"}) is expected
