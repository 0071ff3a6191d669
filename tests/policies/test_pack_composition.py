"""Several user packs of every kind compose by that kind's one merge rule (``linter.policy_kinds``,
docs/architecture.md#policy-packs), and a bad pack of any kind is one line and exit code 2.

The kinds are the registry's: a new kind fails here until it has its case below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from linter.cli import main
from linter.knowledge import Knowledge
from linter.kubernetes.data import kubernetes_data
from linter.kubernetes.kustomize_data import kustomize_data
from linter.policy_files import document, load_knowledge
from linter.policy_kinds import KINDS, replace
from linter.provider_sources import cluster_clients

ROOT = Path(__file__).resolve().parents[2]
SECRET = "AKIAZZZZZZZZZZZZZZZZ"  # looks like a credential: never quoted back


@dataclass(frozen=True)
class Case:
    """``pack(entries)``: a pack of the kind declaring each name with its value; ``held``: the value
    the loaded knowledge gives a name (None when it has none); ``conflict``: what a name both packs
    declare gives, by the kind's rule; ``bad``: a pack with ``SECRET`` where the schema refuses it,
    and the JSON path the one line names."""

    pack: Callable[[dict[str, str]], str]
    held: Callable[[Knowledge, str], Any]
    bad: tuple[str, str]
    conflict: Any = "two"


def _lines(entries: dict[str, str], line: str) -> str:
    return "".join(line.format(name=name, value=value) for name, value in entries.items())


CASES: dict[str, Case] = {
    "rules": Case(
        pack=lambda e: "kind: rules\nversion: 1\nrules:\n" + _lines(
            {f"{ord(n)}": v for n, v in e.items()},
            "  - {{id: DR{name}, title: '{value}', severity: error, check: hosting-not-qualified,"
            " rationale: r, remediation: r}}\n"),
        held=lambda k, name: getattr(k.rule(f"DR{ord(name)}"), "title", None),
        bad=(f"kind: rules\nversion: 1\nrules:\n  - {{id: DR1, title: t, severity: {SECRET}, "
             "check: hosting-not-qualified, rationale: r, remediation: r}\n", "rules[0].severity")),
    "resource-types": Case(
        pack=lambda e: "kind: resource-types\nversion: 1\ngroups:\n  - name: g\n    types:\n" + _lines(
            e, "      acme_{name}: {{kind: datastore, tag_paths: [{value}]}}\n"),
        held=lambda k, name: k.types[f"acme_{name}"].tag_paths[0] if f"acme_{name}" in k.types else None,
        bad=(f"kind: resource-types\nversion: 1\ngroups:\n  - name: g\n    types:\n      acme_a: {SECRET}\n",
             "groups[0].types.acme_a")),
    "flows": Case(
        pack=lambda e: "kind: flows\nversion: 1\nflows:\n" + _lines(
            e, "  - {{type: acme_{name}, attribute: source_id, relation: copies_to, note: '{value}'}}\n"),
        held=lambda k, name: next((f.note for f in k.flows if f.type == f"acme_{name}"), None),
        bad=(f"kind: flows\nversion: 1\nflows:\n  - {{type: acme_a, attribute: source_id, relation: {SECRET}}}\n",
             "flows[0].relation")),
    "modules": Case(
        pack=lambda e: "kind: modules\nversion: 1\ngroups:\n  - name: g\n    modules:\n" + _lines(
            e, "      acme/{name}/aws: {{kind: datastore, classification: [{value}]}}\n"),
        held=lambda k, name: (info.tag_paths[0] if (info := k.module_info(f"acme/{name}/aws")) else None),
        bad=(f"kind: modules\nversion: 1\ngroups:\n  - name: g\n    modules:\n      acme/a/aws: {{kind: {SECRET}}}\n",
             "groups[0].modules.acme/a/aws.kind")),
    "catalog": Case(
        pack=lambda e: "kind: catalog\nversion: 1\nproviders:\n" + _lines(
            e, "  acme{name}: {{name: '{value}', status: unknown}}\n"),
        held=lambda k, name: getattr(k.catalog.providers.get(f"acme{name}"), "name", None),
        bad=(f"kind: catalog\nversion: 1\nproviders:\n  acme: {{name: A, status: {SECRET}}}\n",
             "providers.acme.status")),
    "recognition": Case(
        pack=lambda e: "kind: recognition\nversion: 1\nterraform:\n  implicit_sources:\n" + _lines(
            e, "    acme{name}: example/{value}\n"),
        held=lambda k, name: k.recognition["terraform"]["implicit_sources"].get(f"acme{name}", "")[8:] or None,
        bad=(f"kind: recognition\nversion: 1\nterraform:\n  registry_hosts: [{{x: {SECRET}}}]\n",
             "terraform.registry_hosts[0]")),
    "classification": Case(
        pack=lambda e: "kind: classification\nversion: 1\nlevels:\n  sensible: [placeholder]\nrequires: [sensible]\n"
                       "keys:\n" + _lines(e, "  - key_{name}_{value}\n"),
        held=lambda k, name: next((key.rsplit("_", 1)[1] for key in k.vocabulary.keys
                                   if key.startswith(f"key_{name}_")), None),
        bad=(f"kind: classification\nversion: 1\nkeys: [k]\nlevels: {{sensible: [x]}}\nrequires: [{{a: {SECRET}}}]\n",
             "requires[0]")),
    "kubernetes": Case(
        pack=lambda e: "kind: kubernetes\nversion: 1\nworkloads:\n" + _lines(
            e, "  Acme{name}: {{pod_metadata: spec.{value}, pod_spec: spec.template.spec}}\n"),
        held=lambda k, name: (w.pod_metadata[5:] if (w := kubernetes_data(k).workloads.get(f"Acme{name}")) else None),
        bad=(f"kind: kubernetes\nversion: 1\ncluster_scoped_kinds: [{{a: {SECRET}}}]\n", "cluster_scoped_kinds[0]")),
    "kustomize": Case(
        pack=lambda e: "kind: kustomize\nversion: 1\nmerge_keys:\n" + _lines(e, "  Acme{name}: [{value}]\n"),
        held=lambda k, name: kustomize_data(k).merge_keys.get(f"Acme{name}", (None,))[-1],
        bad=(f"kind: kustomize\nversion: 1\nmerge_keys:\n  Acme: {SECRET}\n", "merge_keys.Acme"),
        conflict="two"),  # lists add up: the later item comes last
    "terraform-kubernetes": Case(
        pack=lambda e: "kind: terraform-kubernetes\nversion: 1\ncluster_clients:\n" + _lines(
            e, "  - {{sources: [example/acme{name}], attributes: [{value}]}}\n"),
        held=lambda k, name: cluster_clients(k).get(f"example/acme{name}", (None,))[0],
        bad=(f"kind: terraform-kubernetes\nversion: 1\ncluster_clients: [{{sources: [{SECRET}], attributes: [a]}}]\n",
             "cluster_clients[0].sources[0]")),
}


def test_every_kind_has_its_case() -> None:
    assert sorted(CASES) == sorted(KINDS)


def test_every_kind_has_a_schema_and_a_shipped_file() -> None:
    schemas = {p.name.removesuffix(".schema.json") for p in (ROOT / "linter" / "schemas").glob("*.schema.json")}
    assert sorted(schemas - {"config"}) == sorted(KINDS)
    assert sorted(p.stem for p in (ROOT / "policies").glob("*.yaml")) == sorted(KINDS)


def test_the_docs_table_is_the_merge_rules() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("### Policy packs"):]
    section = section[:section.index("\n### ", 1)]
    assert dict(re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", section, re.M)) == {
        name: kind.rule for name, kind in KINDS.items()}


def _pack(tmp_path: Path, folder: str, kind: str, text: str) -> str:
    (tmp_path / folder).mkdir()
    (tmp_path / folder / f"{kind}.yaml").write_text(text, encoding="utf-8")
    return (tmp_path / folder).as_posix()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_two_user_packs_of_a_kind_compose(kind: str, tmp_path: Path) -> None:
    """``--policies A --policies B``: each pack's own names are known (unless the kind's rule is to
    replace the whole, where B's are), and on a name both declare the kind's rule decides."""
    case = CASES[kind]
    first = _pack(tmp_path, "a", kind, case.pack({"a": "one", "x": "one"}))
    second = _pack(tmp_path, "b", kind, case.pack({"b": "two", "x": "two"}))
    knowledge = load_knowledge([first, second])
    whole = KINDS[kind].merge is replace
    assert {name: case.held(knowledge, name) for name in "abx"} == {
        "a": None if whole else "one", "b": "two", "x": case.conflict}
    shipped_only = load_knowledge()
    assert [case.held(shipped_only, name) for name in "abx"] == [None, None, None]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_bad_pack_of_a_kind_is_one_line_and_exit_2(kind: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    text, where = CASES[kind].bad
    bad = _pack(tmp_path, "bad", kind, text)
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    assert main(["scan", tmp_path.as_posix(), "--policies", bad]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(rf"(?:snclint: )?(?:error: )?{re.escape(bad)}/{re.escape(kind)}\.yaml: "
                        rf"{re.escape(where)}: [^\n]+", err), err
    assert SECRET not in err and "Traceback" not in err


@pytest.mark.parametrize(("text", "where"), [
    (f"kind: classification\nversion: 1\nkeys: [k]\nlevels: {{sensible: [x]}}\nrequires: [{SECRET}]\n",
     "requires[0]"),  # a check beyond the schema, that names the value
    (f"kind: rules\nversion: 1\nrules: []\n{SECRET}: 1\n", "<20 characters"),  # an unknown key
])
def test_no_problem_line_quotes_a_secret(text: str, where: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = _pack(tmp_path, "bad", "pack", text)
    assert main(["policies", "validate", bad]) == 2
    out = capsys.readouterr()
    assert where in out.out + out.err and SECRET not in out.out + out.err


def test_the_config_file_is_read_and_checked_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".snclint.yaml").write_text(f"version: 1\nfail_on: {SECRET}\n", encoding="utf-8")
    assert main(["scan", tmp_path.as_posix()]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(r"(?:snclint: )?(?:error: )?\S*\.snclint\.yaml: fail_on: expected one of: [^\n]+", err), err
    assert SECRET not in err


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_one_document_with_its_packs(kind: str, tmp_path: Path) -> None:
    """What a stage asks of any kind holds the shipped file and the packs, merged."""
    pack = _pack(tmp_path, "a", kind, CASES[kind].pack({"a": "one"}))
    merged = document(load_knowledge([pack]), kind)
    assert merged != document(load_knowledge(), kind) and merged["kind"] == kind
