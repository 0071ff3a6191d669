from __future__ import annotations

from linter.loaders.plan_config import ConfigModule, ModuleCall
from linter.model import Unknown
from linter.terraform.plan.expressions import value_of, walk
from linter.terraform.plan.references import Instance, ReferenceResolver


def module(outputs: dict | None = None, calls: dict | None = None) -> ConfigModule:
    return ConfigModule(resources={}, module_calls=calls or {}, outputs=outputs or {})


def refs(*items: str) -> dict:
    return {"references": list(items)}


INSTANCES: dict[Instance, dict[str, list[tuple[str | None, str]]]] = {
    (): {"aws_db_instance.p": [("0", "k::p[0]"), ("1", "k::p[1]")],
         "aws_s3_bucket.one": [(None, "k::one")],
         "aws_s3_bucket.logs": [('"eu"', 'k::logs["eu"]'), ('"us"', 'k::logs["us"]')]},
    (("db", '"a"'),): {"aws_db_instance.r": [(None, 'k::module.db["a"].r')]},
    (("db", '"b"'),): {"aws_db_instance.r": [(None, 'k::module.db["b"].r')]},
}
CONFIGS = {
    (): module(calls={"db": ModuleCall(source="./db", expressions={"source": refs("aws_db_instance.p[1].arn",
                                                                                  "aws_db_instance.p[1]",
                                                                                  "aws_db_instance.p"),
                                                                   "loop": refs("module.db.loop", "module.db")},
                                       module=module())}),
    ("db",): module(outputs={"arn": refs("aws_db_instance.r.arn", "aws_db_instance.r"),
                             "loop": refs("var.loop")}),
}
RESOLVER = ReferenceResolver(CONFIGS, INSTANCES)


def test_keyed_references_name_their_instances() -> None:
    assert RESOLVER.targets(["aws_db_instance.p[0].arn", "aws_db_instance.p[0]", "aws_db_instance.p"], ()) == [
        "k::p[0]"]
    assert RESOLVER.targets(['aws_s3_bucket.logs["us"].id'], ()) == ['k::logs["us"]']


def test_unkeyed_references_name_every_instance() -> None:
    assert RESOLVER.targets(["aws_db_instance.p"], ()) == ["k::p[0]", "k::p[1]"]  # a splat, a dynamic index
    assert RESOLVER.targets(["aws_s3_bucket.one.id", "aws_s3_bucket.one"], ()) == ["k::one"]
    # p[0] and, besides it, an unkeyed reference to p: two bare forms for one keyed one
    assert RESOLVER.targets(["aws_db_instance.p[0].id", "aws_db_instance.p[0]", "aws_db_instance.p",
                             "aws_db_instance.p", "count.index"], ()) == ["k::p[0]", "k::p[1]"]


def test_ignored_and_unresolvable_references() -> None:
    assert RESOLVER.targets(["var.x", "local.y", "data.aws_region.r.name", "data.aws_region.r", "each.key",
                             "path.module", "aws_s3_bucket.nothing", "module.nope.x", "a[", "module.db"], ()) == []


def test_variables_follow_the_module_call_argument() -> None:
    assert RESOLVER.targets(["var.source"], (("db", '"a"'),)) == ["k::p[1]"]


def test_outputs_follow_into_the_module_instances() -> None:
    assert RESOLVER.targets(["module.db.arn"], ()) == ['k::module.db["a"].r', 'k::module.db["b"].r']
    assert RESOLVER.targets(['module.db["b"].arn', 'module.db["b"]'], ()) == ['k::module.db["b"].r']


def test_cycles_end() -> None:
    """Terraform refuses them; a hostile plan may hold them anyway."""
    assert RESOLVER.targets(["module.db.loop"], ()) == []


def test_expression_walk_and_values() -> None:
    expressions = {"bucket": refs("aws_s3_bucket.one.id", "aws_s3_bucket.one"),
                   "rule": [{"destination": [{"bucket": refs("aws_s3_bucket.logs")}], "id": {"constant_value": "x"}}],
                   "single": {"inner": refs("var.x")}, "plain": {"constant_value": 3}}
    assert list(walk(expressions)) == [("bucket", ["aws_s3_bucket.one.id", "aws_s3_bucket.one"]),
                                       ("rule.destination.bucket", ["aws_s3_bucket.logs"]),
                                       ("single.inner", ["var.x"])]
    assert value_of(expressions["rule"]) == [{"destination": [{"bucket": Unknown(
        "set from aws_s3_bucket.logs: a plan does not record the evaluated value")}], "id": "x"}]
    assert value_of({}) == Unknown("an expression that a plan does not record (a function call?)")
    assert value_of({"constant_value": None}) is None
    assert value_of(refs("var.region"), {"region": "eu-west-3"}) == Unknown(
        "set from var.region ('eu-west-3' in this plan): a plan does not record the evaluated value")
