"""Manifest loading: which documents are Kubernetes objects, their lines and comments, and what
happens to templates, binary files, bombs and everything that is not a manifest."""
from __future__ import annotations

import codecs
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders.kubernetes import MAX_BYTES, TEMPLATE_ADVICE, Manifest, ManifestFile, decode, load_manifests
from linter.model import Location, Problem


def problem(path: str, line: int, message: str) -> Problem:
    return Problem(location=Location(path, line), message=message)


def test_multi_document_file_with_lines_and_comments() -> None:
    text = b"""# Source: chart/templates/a.yaml
# snclint:ignore SNC001 reason="x"
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
# unrelated: blank line below

---
apiVersion: v1
kind: Secret
metadata: {name: b}
"""
    loaded = load_manifests("m.yaml", text)
    assert loaded == ManifestFile("m.yaml", (
        Manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}, 3,
                 ((1, "# Source: chart/templates/a.yaml"), (2, '# snclint:ignore SNC001 reason="x"'))),
        Manifest({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}, 10, ()),
    ))


def test_documents_that_are_not_objects_are_left_out_quietly() -> None:
    text = b"name: chart\nversion: 1.0\n---\n- a\n- b\n---\napiVersion: v1\n---\nkind: Pod\n---\n"
    assert load_manifests("values.yaml", text) == ManifestFile("values.yaml")


def test_list_and_typed_list_items_with_their_lines() -> None:
    text = b"""apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: a}
  - not an object
  - apiVersion: apps/v1
    kind: DeploymentList
    items:
      - metadata: {name: d}
"""
    loaded = load_manifests("list.yaml", text)
    assert [(m.obj["kind"], m.obj.get("metadata"), m.line) for m in loaded.documents] == [
        ("Namespace", {"name": "a"}, 4),
        ("Deployment", {"name": "d"}, 11),
    ]
    assert loaded.documents[1].obj["apiVersion"] == "apps/v1"


def test_json_list_items_with_their_lines() -> None:
    text = b'{\n\t"apiVersion": "v1",\n\t"kind": "List",\n\t"items": [{"apiVersion": "v1", "kind": "Pod",\n' \
           b'\t\t"metadata": {"name": "p"}}]\n}\n'
    loaded = load_manifests("export.json", text)
    assert [(m.obj["metadata"]["name"], m.line) for m in loaded.documents] == [("p", 4)]
    assert loaded.problems == ()


def test_json_values_are_json_s_when_yaml_reads_them_otherwise() -> None:
    # YAML 1.1 reads an unquoted 1e3 as a string: JSON's value wins, every object on line 1
    text = b'{"apiVersion": "v1", "kind": "List", "items": [\n{"apiVersion": "v1", "kind": "Pod",\n' \
           b'"metadata": {"name": "p"}, "spec": {"n": 1e3}}]}'
    assert [(m.obj["spec"], m.line) for m in load_manifests("x.json", text).documents] == [({"n": 1000.0}, 1)]


def test_broken_json_manifest_is_reported_other_json_is_not() -> None:
    # `{"name": }` is valid YAML (a null) but not JSON
    broken = b'{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": }\n}'
    assert load_manifests("pod.json", broken) == ManifestFile("pod.json", problems=(
        problem("pod.json", 4, "not valid JSON: Expecting value"),))
    assert load_manifests("package.json", b'{\n\t"name": oops}') == ManifestFile("package.json")
    assert load_manifests("package-lock.json", b'{"name": "x", "lockfileVersion": 3}') == \
        ManifestFile("package-lock.json")
    assert load_manifests("deep.json", b'{"apiVersion": "v1", "kind": ' + b"[" * 100_000) == ManifestFile(
        "deep.json", problems=(problem("deep.json", 1, "not valid JSON: nested too deeply"),))


def test_helm_template_under_templates_is_reported_with_the_advice() -> None:
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    assert load_manifests("chart/templates/cm.yaml", text) == ManifestFile(
        "chart/templates/cm.yaml", problems=(problem("chart/templates/cm.yaml", 4,
                                                     f"Go template (Helm?): {TEMPLATE_ADVICE}"),))


def test_template_outside_templates_when_it_does_not_parse() -> None:
    text = b"apiVersion: v1\nkind: ConfigMap\n{{- if .Values.x }}\nmetadata: {name: a}\n{{- end }}\n"
    loaded = load_manifests("deploy/cm.yaml", text)
    assert loaded.problems == (problem("deploy/cm.yaml", 3, f"Go template (Helm?): {TEMPLATE_ADVICE}"),)


def test_braces_inside_a_string_are_just_text() -> None:
    text = b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n" \
           b"  arguments: '{{workflow.name}}'\n"
    loaded = load_manifests("wf.yaml", text)
    assert loaded.problems == () and loaded.documents[0].obj["spec"] == {"arguments": "{{workflow.name}}"}


def test_broken_manifest_is_reported_and_earlier_documents_kept() -> None:
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\n" \
           b"metadata: {name: [b}\n"
    loaded = load_manifests("m.yaml", text)
    assert [m.obj["metadata"]["name"] for m in loaded.documents] == ["a"]
    assert len(loaded.problems) == 1 and loaded.problems[0].location == Location("m.yaml", 7)
    assert loaded.problems[0].message.startswith("not valid YAML: ")


def test_broken_yaml_that_is_not_a_manifest_is_skipped_quietly() -> None:
    jest = b"// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`x`] = `\n  a: : b\n`;\n"
    assert load_manifests("__snapshots__/a.yaml", jest) == ManifestFile("__snapshots__/a.yaml")


def test_yaml_1_1_value_tag_in_a_crd() -> None:
    text = b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n" \
           b"spec:\n  enum: ['<', =, '>']\n"
    assert load_manifests("crd.yaml", text).documents[0].obj["spec"] == {"enum": ["<", "=", ">"]}


def test_binary_and_undecodable_files_are_skipped_with_a_reason() -> None:
    assert load_manifests("secret.yaml", b"\x00GITCRYPT\x00\x01") == \
        ManifestFile("secret.yaml", skipped="binary content (encrypted?)")
    assert load_manifests("latin1.yaml", b"a: caf\xe9\n") == ManifestFile("latin1.yaml", skipped="not UTF-8 text")


def test_utf16_with_bom_is_read() -> None:
    data = codecs.BOM_UTF16_LE + "apiVersion: v1\nkind: Pod\nmetadata: {name: é}\n".encode("utf-16-le")
    assert load_manifests("pod.yaml", data).documents[0].obj["metadata"] == {"name": "é"}
    assert decode(codecs.BOM_UTF8 + b"a") == ("a", "")


def test_too_large_file_is_reported_not_read() -> None:
    loaded = load_manifests("big.yaml", b"#" * (MAX_BYTES + 1))
    assert loaded == ManifestFile("big.yaml", problems=(
        problem("big.yaml", 1, "file too large (20 MB, limit 20 MB): not read"),))


def test_billion_laughs_finishes_fast_with_a_problem() -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n"
            + "".join(f"  {line}\n" for line in levels)).encode()
    start = time.perf_counter()
    loaded = load_manifests("bomb.yaml", text)
    assert time.perf_counter() - start < 1.0
    assert loaded.documents == ()
    assert loaded.problems == (problem("bomb.yaml", 10, "too many aliases (YAML bomb?): they expand to more "
                                                        "than 100000 nodes"),)


def test_deep_nesting_is_a_problem_even_without_apiversion() -> None:
    assert load_manifests("deep.yaml", b"[" * 5000).problems == (
        problem("deep.yaml", 1, "nesting deeper than 256 levels"),)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["a.yaml", "a.json", "chart/templates/a.yaml", "-"]))
def test_never_raises_on_any_bytes(data: bytes, path: str) -> None:
    loaded = load_manifests(path, data)
    assert isinstance(loaded, ManifestFile)
    assert all(p.location.file == path and p.location.line >= 1 for p in loaded.problems)


PIECES = ["apiVersion: v1\n", "kind: Pod\n", "kind: List\n", "items:\n", "  - ", "metadata:\n", "  name: x\n",
          "---\n", "# snclint:ignore\n", "{{ .x }}", "&a ", "*a", "<<: ", "[", "]", "{", "}", ": ", "\t", "'",
          "\n", "- ", "=", "!!binary ", "\x00", "…", "\ufeff"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_never_raises_on_manifest_like_text(text: str) -> None:
    loaded = load_manifests("m.yaml", text.encode("utf-8"))
    assert all(isinstance(m.obj, dict) and m.line >= 1 for m in loaded.documents)


def test_jest_snapshot_of_manifests_is_a_note_not_a_parse_error() -> None:
    jest = (b"// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`x`] = `\n\"apiVersion: v1\nkind: Namespace\n"
            b"metadata:\n  annotations:\n    a: \\\\\"1\\\\\"\n\"\n`;\n")
    loaded = load_manifests("__snapshots__/a.yaml", jest)
    assert loaded.problems == () and loaded.documents == () and "Jest snapshot" in (loaded.skipped or "")


def test_github_actions_workflow_under_templates_is_not_a_go_template() -> None:
    text = b"name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" \
           b"      - run: echo ${{ github.sha }}\n"
    assert load_manifests("templates/.github/workflows/ci.yaml", text) == ManifestFile(
        "templates/.github/workflows/ci.yaml")


def test_helm_template_wholly_commented_out_is_not_a_problem() -> None:
    text = b"# apiVersion: v1\n# kind: ResourceQuota\n# metadata:\n#   namespace: {{ .Values.namespace }}\n" \
           b"{{/* spec:\n  hard: {{ .Values.quota }} */}}\n"
    assert load_manifests("chart/templates/quota.yaml", text) == ManifestFile("chart/templates/quota.yaml")


def test_helm_template_action_after_comments_is_reported_at_its_line() -> None:
    text = b"# {{ .Values.note }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    loaded = load_manifests("chart/templates/cm.yaml", text)
    assert [p.location.line for p in loaded.problems] == [5]
