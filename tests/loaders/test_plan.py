from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders.plan import PlanFile, load_plan
from linter.model import Problem, Unknown

AWS = "registry.terraform.io/hashicorp/aws"


def resource(address: str, values: dict[str, Any], mode: str = "managed") -> dict[str, Any]:
    type_, name = address.split(".")[-2:]
    return {"address": address, "mode": mode, "type": type_, "name": name.split("[")[0], "provider_name": AWS,
            "schema_version": 0, "values": values, "sensitive_values": {}}


def plan(resources: list[Any], changes: list[dict[str, Any]] | None = None, **extra: Any) -> dict:
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": changes or [], **extra}


def loaded(doc: Any, indent: int | None = 2) -> PlanFile:
    result = load_plan("infra/plan.json", json.dumps(doc, indent=indent))
    assert isinstance(result, PlanFile), result
    return result


def test_values_known_after_apply_are_unknown() -> None:
    values = {"bucket": "b", "tags": {"owner": "x"}, "rules": [{"id": "r1"}, None]}
    change = {"address": "aws_s3_bucket.b", "change": {
        "actions": ["create"], "after": values,
        "after_unknown": {"arn": True, "tags": {"level": True}, "rules": [{}, True], "lifecycle": [{"id": True}],
                          "versioning": {}, "bucket": False}}}
    got = loaded(plan([resource("aws_s3_bucket.b", values)], [change])).resources[0]
    after = Unknown("known after apply")
    assert got.values == {"bucket": "b", "tags": {"owner": "x", "level": after}, "rules": [{"id": "r1"}, after],
                          "arn": after, "lifecycle": [{"id": after}]}


def test_deposed_changes_do_not_count() -> None:
    changes = [{"address": "aws_s3_bucket.b", "deposed": "00abcd", "change": {"after_unknown": {"x": True}}}]
    assert loaded(plan([resource("aws_s3_bucket.b", {"x": 1})], changes)).resources[0].values == {"x": 1}


def test_resource_lines_follow_planned_values_in_order() -> None:
    doc = plan([resource("aws_s3_bucket.a", {}), resource('aws_s3_bucket.logs["eu"]', {})],
               [{"address": 'aws_s3_bucket.logs["eu"]', "change": {"actions": ["create"]}}])
    # resource_changes written before planned_values: lines still come from planned_values
    doc = {"format_version": "1.2", "resource_changes": doc["resource_changes"],
           "planned_values": doc["planned_values"]}
    text = json.dumps(doc, indent=2)
    lines = text.splitlines()
    got = load_plan("p.json", text)
    assert isinstance(got, PlanFile)
    for res in got.resources:
        assert json.dumps(res.address) in lines[res.line - 1]
        assert '"planned_values"' in "\n".join(lines[:res.line])
    assert [r.line for r in got.resources] == [17, 27]


def test_compact_plan_is_on_line_one() -> None:
    got = loaded(plan([resource("aws_s3_bucket.a", {}), resource("aws_s3_bucket.b", {})]), indent=None)
    assert [r.line for r in got.resources] == [1, 1]


def test_child_modules_are_read_recursively() -> None:
    inner = {"address": "module.a.module.b", "resources": [resource("module.a.module.b.aws_s3_bucket.x", {})]}
    outer = {"address": "module.a", "resources": [resource("module.a.aws_s3_bucket.y", {})], "child_modules": [inner]}
    doc = plan([resource("aws_s3_bucket.z", {})])
    doc["planned_values"]["root_module"]["child_modules"] = [outer]
    assert [r.address for r in loaded(doc).resources] == [
        "aws_s3_bucket.z", "module.a.aws_s3_bucket.y", "module.a.module.b.aws_s3_bucket.x"]


def test_variables_providers_and_configuration() -> None:
    doc = plan([], variables={"region": {"value": "eu-west-3"}, "bad": "x"}, configuration={
        "provider_config": {
            "aws": {"name": "aws", "full_name": AWS, "expressions": {"region": {"references": ["var.region"]}}},
            "module.db:aws.replica": {"name": "aws", "full_name": AWS, "alias": "replica",
                                      "module_address": "module.db", "expressions": {}},
        },
        "root_module": {
            "resources": [{"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
                           "provider_config_key": "aws", "expressions": {"bucket": {"constant_value": "a"}}},
                          {"address": 3}],
            "outputs": {"arn": {"expression": {"references": ["aws_s3_bucket.a.arn", "aws_s3_bucket.a"]}}},
            "module_calls": {"db": {"source": "./db", "expressions": {"x": {"constant_value": 1}},
                                    "module": {"resources": []}}},
        }})
    got = loaded(doc)
    assert got.variables == {"region": "eu-west-3"}
    assert got.providers["aws"].expressions == {"region": {"references": ["var.region"]}}
    replica = got.providers["module.db:aws.replica"]
    assert (replica.name, replica.alias, replica.module_address, replica.full_name) == (
        "aws", "replica", "module.db", AWS)
    assert replica.line == json.dumps(doc, indent=2).splitlines().index('      "module.db:aws.replica": {') + 1
    assert got.root is not None
    assert list(got.root.resources) == ["aws_s3_bucket.a"]
    assert got.root.resources["aws_s3_bucket.a"].provider_config_key == "aws"
    assert got.root.outputs["arn"] == {"references": ["aws_s3_bucket.a.arn", "aws_s3_bucket.a"]}
    assert got.root.module_calls["db"].expressions == {"x": {"constant_value": 1}}


def test_partial_plans_say_so() -> None:
    assert loaded(plan([], errored=True, complete=False)).notes == (
        "infra/plan.json: Terraform reported errors while planning: resources may be missing",)
    assert loaded(plan([], complete=False)).notes == (
        "infra/plan.json: an incomplete plan (deferred changes): resources may be missing",)
    assert loaded(plan([], complete=True, errored=False)).notes == ()


def test_state_json_is_read_without_configuration() -> None:
    doc = {"format_version": "1.0", "terraform_version": "1.9.5",
           "values": {"root_module": {"resources": [resource("aws_s3_bucket.a", {"bucket": "a"})]}}}
    got = loaded(doc)
    assert got.is_state and got.root is None
    assert [r.values for r in got.resources] == [{"bucket": "a"}]
    assert got.notes == ("infra/plan.json: a Terraform state, not a plan: provider configurations are not known",)


def test_bad_resource_entries_are_problems_not_crashes() -> None:
    doc = plan([resource("aws_s3_bucket.a", {}), {"address": "aws_s3_bucket.b", "mode": "managed"}, "junk"])
    got = loaded(doc)
    assert [r.address for r in got.resources] == ["aws_s3_bucket.a"]
    assert [(p.location.file, p.location.line, p.address) for p in got.problems] == [
        ("infra/plan.json", 18, "aws_s3_bucket.b"), ("infra/plan.json", 1, "")]


def problem_of(text: str) -> tuple[str, int, str]:
    got = load_plan("plans/prod.json", text)
    assert isinstance(got, Problem)
    return got.location.file, got.location.line, got.message


def test_malformed_json_is_one_problem_with_file_and_line() -> None:
    assert problem_of('{\n  "format_version": "1.2",\n  "planned_values": {,}\n}') == (
        "plans/prod.json", 3, "not valid JSON: Expecting property name enclosed in double quotes (column 22)")


def test_truncated_plan_points_at_its_last_line() -> None:
    text = json.dumps(plan([resource("aws_s3_bucket.a", {"bucket": "a"})]), indent=2)
    cut = text[:text.index('"bucket": "a"') + 9]
    assert problem_of(cut) == ("plans/prod.json", cut.count("\n") + 1,
                               "not valid JSON: the document ends too early (a truncated plan?)")


def test_not_a_plan() -> None:
    assert problem_of("[1, 2]")[2] == "not a Terraform plan: the document is not a JSON object"
    assert problem_of('{"format_version": "2.0", "planned_values": {}}')[2] == (
        "not a Terraform plan of a supported format: format_version '2.0' (supported: 0.x, 1.x)")
    assert problem_of('{"format_version": "1.2"}')[2] == "not a Terraform plan: no planned_values object"
    assert problem_of('{"format_version": "1.2", "planned_values": {"root_module": []}}')[2] == (
        "planned_values.root_module is not an object")
    assert problem_of('{"format_version": 1.2, "planned_values": {}}')[1] == 1
    assert problem_of("") == ("plans/prod.json", 1, "empty document: not a Terraform plan")
    assert problem_of('{"format_version": NaN}')[2] == "not valid JSON: NaN is not a JSON number"


def test_nesting_and_size_are_bounded() -> None:
    assert problem_of("[" * 100_000 + "]" * 100_000)[2] == "JSON nested too deeply: not read"
    deep: Any = "leaf"
    for _ in range(150):
        deep = {"x": deep}
    got = loaded(plan([resource("aws_s3_bucket.a", {"deep": deep})]), indent=None)
    value = got.resources[0].values["deep"]
    depth = 0
    while isinstance(value, dict):
        value, depth = value["x"], depth + 1
    assert value == Unknown("nested too deeply to be read") and depth < 150


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30)
keys = st.sampled_from(["address", "mode", "type", "name", "values", "resources", "child_modules",
                        "root_module", "change", "after_unknown", "expressions", "module_calls",
                        "provider_config", "module", "outputs", "references", "constant_value", "value"])
shaped = st.recursive(
    json_values,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=40)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(planned=shaped, changes=shaped, configuration=shaped, variables=shaped,
       version=st.sampled_from(["1.2", "0.1", "1", "3.0", ""]))
def test_load_plan_never_raises_on_plan_shaped_json(planned: Any, changes: Any, configuration: Any,
                                                    variables: Any, version: str) -> None:
    doc = {"format_version": version, "planned_values": planned, "resource_changes": changes,
           "configuration": configuration, "variables": variables}
    assert isinstance(load_plan("p.json", json.dumps(doc, indent=1)), (PlanFile, Problem))


@settings(max_examples=200, deadline=None)
@given(doc=json_values)
def test_load_plan_never_raises_on_any_json(doc: Any) -> None:
    assert isinstance(load_plan("p.json", json.dumps(doc)), (PlanFile, Problem))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_load_plan_never_raises_on_any_text(text: str) -> None:
    assert isinstance(load_plan("p.json", text), (PlanFile, Problem))
