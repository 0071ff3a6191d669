"""Reading operators' custom resources and Helm values: paths through lists and maps, label maps."""
from __future__ import annotations

import re

from linter.kubernetes.operators import nested, plain_path, texts_at, walk
from linter.kubernetes.terraform_object_reader import _label_tags, _set_path
from linter.model import Location


def test_walk_steps_through_lists_and_mappings() -> None:
    obj = {"spec": {"storages": {"a": {"s3": {"bucket": "x"}}, "b": {"s3": {"bucket": "y"}}},
                    "repos": [{"s3": {"bucket": "z"}}, {"volume": {}}]}}
    assert [v["bucket"] for v in walk(obj, "spec.storages.*.s3")] == ["x", "y"]
    assert [v["bucket"] for v in walk(obj, "spec.repos.*.s3")] == ["z"]
    assert plain_path("spec.repos.*.s3") == "spec.repos.s3"


def test_texts_at_reads_names_and_lists_of_names() -> None:
    obj = {"spec": {"template": {"includedNamespaces": ["a", "b", ""]}, "cluster": {"name": "pg"}}}
    assert texts_at(obj, "spec.template.includedNamespaces") == ["a", "b"]
    assert texts_at(obj, "spec.cluster.name") == ["pg"]
    assert texts_at(obj, "spec.missing") == []
    assert nested("spec.plugins.*.name", ["x"]) == {"spec": {"plugins": {"name": ["x"]}}}


def test_helm_set_keys_keep_escaped_dots() -> None:
    assert _set_path(r"podLabels.example\.org/sensibilite") == ["podLabels", "example.org/sensibilite"]


def test_label_maps_are_found_at_any_depth() -> None:
    values = {"primary": {"podLabels": {"sensibilite": "particuliere"}}, "image": {"tag": "16"},
              "commonAnnotations": {"owner": "x"}}
    tags = _label_tags(values, re.compile(r"(?i)(?:labels|annotations)$"), Location("main.tf", 3))
    assert [(t.key, t.value, t.source) for t in tags] == [
        ("sensibilite", "particuliere", "values primary.podLabels"), ("owner", "x", "values commonAnnotations")]
