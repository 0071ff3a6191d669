"""The HCL, JSON and YAML front ends never raise: any text gives IR or a parse error."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.loaders.hcl import load_hcl
from linter.loaders.ir import ConfigFile
from linter.loaders.kubernetes import ManifestFile, load_manifests
from linter.loaders.tf_json import load_tf_json

HCL_ALPHABET = st.sampled_from(list('abcxyz_019 \t\n{}[]()=:,."\'$%<>-+*/!?#&|~\\') + ["${", "%{", "<<EOT\n", "EOT\n"])
hcl_text = st.lists(HCL_ALPHABET, max_size=200).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(hcl_text, st.text(max_size=200)))
def test_hcl_never_raises(text: str) -> None:
    assert isinstance(load_hcl("x.tf", text), ConfigFile)


json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20).map(json.dumps)


@SETTINGS
@given(st.one_of(json_text, st.text(max_size=200)))
def test_tf_json_never_raises(text: str) -> None:
    assert isinstance(load_tf_json("x.tf.json", text), ConfigFile)


YAML_PIECES = list("ab:- \n[]{},&*!|>'\"#%@`?") + ["---\n", "<<: ", "!!python/object ", "&a ", "*a"]
yaml_text = st.lists(st.sampled_from(YAML_PIECES), max_size=120).map("".join)


@SETTINGS
@given(st.one_of(yaml_text, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_manifests_never_raise(text: str) -> None:
    for name in ("x.yaml", "x.json"):
        assert isinstance(load_manifests(name, text.encode("utf-8", "surrogatepass")), ManifestFile)
