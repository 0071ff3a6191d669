"""The shipped policies validate; user policies and catalogues are merged on top, and every
problem in them is one line naming the file and the key."""
from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from linter.errors import PolicyError
from linter.graph.hosting import qualify
from linter.knowledge import FlowRule, TypeInfo
from linter.model import NodeKind, Severity
from linter.policy_files import load_knowledge, parse_document, shipped_problems, validate_policy_dir

SPEC_PROVIDERS = ["aws", "azure", "gcp", "s3ns", "bleu", "outscale", "ovhcloud", "scaleway",
                  "cloudtemple", "numspot", "oodrive", "worldline", "whaller"]


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path.as_posix()


def test_shipped_files_validate() -> None:
    assert shipped_problems() == []


def test_shipped_rules() -> None:
    rules = {r.id: (r.severity, r.check) for r in load_knowledge().rules}
    assert rules == {
        "SNC000": (Severity.ERROR, "parse-error"),
        "SNC001": (Severity.ERROR, "hosting-not-qualified"),
        "SNC002": (Severity.ERROR, "flow-not-qualified"),
        "SNC003": (Severity.WARNING, "datastore-unclassified"),
        "SNC004": (Severity.WARNING, "classification-unevaluated"),
        "SNC005": (Severity.ERROR, "classification-invalid"),
        "SNC006": (Severity.ERROR, "hosting-undetermined"),
        "SNC007": (Severity.WARNING, "suppression-invalid"),
        "SNC008": (Severity.WARNING, "qualification-unverified"),
        "SNC009": (Severity.WARNING, "type-unknown"),
    }
    snc001 = load_knowledge().rule("SNC001")
    assert snc001 is not None and snc001.help_uri == "docs/rules.md#snc001"
    assert snc001.references[0] == ("Loi n° 2024-449 du 21 mai 2024 (SREN), article 31 — "
                                    "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000049563368")
    assert set(snc001.examples) == {"fail", "pass"}


def test_shipped_vocabulary() -> None:
    vocabulary = load_knowledge().vocabulary
    assert vocabulary.keys == ("data_sensitivity", "data-sensitivity", "sensitivity", "sensibilite",
                               "data_classification", "data-classification")
    assert vocabulary.levels["particuliere"] == ("particuliere", "particulière", "particular",
                                                 "sensitive-particular", "dsp")
    assert vocabulary.levels["standard"] == ("standard", "internal", "interne", "public", "none")
    assert vocabulary.requires_secnumcloud == frozenset({"particuliere"})


def test_shipped_types() -> None:
    knowledge = load_knowledge()
    assert len(knowledge.types) >= 300
    assert knowledge.types["google_sql_database_instance"] == TypeInfo(
        kind=NodeKind.DATASTORE, tag_paths=("settings.user_labels",), region_paths=("region",))
    assert knowledge.types["outscale_volume"] == TypeInfo(
        kind=NodeKind.DATASTORE, tag_paths=("tags",), tag_format="key-value-blocks", provider="outscale",
        region_paths=("subregion_name", "placement_subregion_name", "region"))
    assert knowledge.types["scaleway_rdb_instance"].tag_format == "key=value-list"
    assert knowledge.types["scaleway_object_bucket"].tag_format == "map"
    assert knowledge.kind_of("StatefulSet") == NodeKind.COMPUTE
    assert knowledge.kind_of("PersistentVolumeClaim") == NodeKind.DATASTORE
    assert knowledge.kind_of("StorageClass") == NodeKind.OTHER
    assert knowledge.kind_of("terraform-aws-modules/rds/aws") == NodeKind.DATASTORE
    assert knowledge.kind_of("aws_eks_cluster") == NodeKind.CLUSTER
    assert knowledge.kind_of("random_id") == NodeKind.OTHER
    assert knowledge.tag_paths("aws_db_instance") == ("tags", "tags_all")
    assert knowledge.tag_paths("random_id") == ("tags", "labels")


def test_shipped_flows() -> None:
    flows = load_knowledge().flows
    assert FlowRule(type="aws_db_instance", attribute="replicate_source_db", relation="replicates_to",
                    direction="from-target", note="a read replica of the source instance") in flows
    replication = next(f for f in flows if f.type == "aws_s3_bucket_replication_configuration")
    assert (replication.from_attribute, replication.attribute, replication.relation, replication.direction) == \
        ("bucket", "rule.destination.bucket", "replicates_to", "to-target")


def test_shipped_catalogue() -> None:
    catalog = load_knowledge().catalog
    assert set(SPEC_PROVIDERS) <= set(catalog.providers)
    assert catalog.checked_on == "2026-12-07"
    outscale = catalog.providers["outscale"]
    iaas = next(o for o in outscale.offers if o.id == "outscale/iaas")
    # eu-west-2 is Outscale's public region: no source puts it inside the visa (fail closed)
    assert [(r.name, r.status, r.verified) for r in iaas.regions] == [
        ("cloudgouv-eu-west-1", "qualified", True), ("eu-west-2", "unknown", True),
        ("us-east-2", "not_qualified", True), ("us-west-1", "not_qualified", True),
        ("ap-northeast-1", "not_qualified", True)]
    assert all(p.checked_on in ("2026-11-29", "2026-12-07") for p in catalog.providers.values())
    assert catalog.providers["docaposte"].offers[0].status == "unknown"


def test_knowledge_is_cached() -> None:
    assert load_knowledge() is load_knowledge(())


def test_dates_stay_strings() -> None:
    assert parse_document("since: 2025-12-17\n", "x.yaml") == {"since": "2025-12-17"}


def test_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    name = write(tmp_path, "rules.yaml", "kind: rules\nrules: [\n")
    with pytest.raises(PolicyError) as err:
        load_knowledge([tmp_path.as_posix()])
    assert str(err.value).startswith(f"{name}:3: not valid YAML: ")


def test_bad_user_rule_is_one_line_naming_file_and_key(tmp_path: Path) -> None:
    name = write(tmp_path, "dr.yaml", """kind: rules
version: 1
rules:
  - id: DR001
    title: Diffusion restreinte outside SecNumCloud
    sevrity: error
    check: hosting-not-qualified
    rationale: r
    remediation: r
""")
    with pytest.raises(PolicyError) as err:
        load_knowledge([tmp_path.as_posix()])
    assert str(err.value) == (
        f"{name}: rules[0].sevrity: unknown key (expected one of: check, examples, help_uri, id, params, "
        "rationale, references, remediation, severity, title)")


def test_bad_check_name(tmp_path: Path) -> None:
    name = write(tmp_path, "rules/DR001.yaml", """kind: rules
rules:
  - {id: DR001, title: t, severity: error, check: hosting, rationale: r, remediation: r}
""")
    with pytest.raises(PolicyError) as err:
        load_knowledge([tmp_path.as_posix()])
    message = str(err.value)
    assert message.startswith(f"{name}: rules[0].check: expected one of: parse-error, ")
    assert "'hosting'" not in message  # the value found is never quoted
    assert "\n" not in message


def test_user_rules_add_and_override(tmp_path: Path) -> None:
    write(tmp_path, "rules.yaml", """kind: rules
version: 1
rules:
  - id: DR001
    title: Diffusion restreinte outside SecNumCloud
    severity: error
    check: hosting-not-qualified
    params: {levels: [dr]}
    rationale: II 901 systems belong on qualified offers.
    remediation: Move it.
  - {id: SNC003, title: Datastore without a classification, severity: error,
     check: datastore-unclassified, rationale: r, remediation: r}
""")
    knowledge = load_knowledge([tmp_path.as_posix()])
    assert [r.id for r in knowledge.rules] == ["DR001", "SNC000", "SNC001", "SNC002", "SNC003", "SNC004",
                                               "SNC005", "SNC006", "SNC007", "SNC008", "SNC009"]
    dr = knowledge.rule("DR001")
    assert dr is not None and dr.check == "hosting-not-qualified" and dict(dr.params) == {"levels": ["dr"]}
    snc003 = knowledge.rule("SNC003")
    assert snc003 is not None and snc003.severity == Severity.ERROR


def test_user_types_flows_and_recognition(tmp_path: Path) -> None:
    write(tmp_path, "types.yaml", """kind: resource-types
groups:
  - name: in-house
    types:
      acme_database: datastore
      aws_s3_object: {kind: datastore, tag_paths: [tags]}
""")
    write(tmp_path, "flows.yaml", """kind: flows
flows:
  - {type: acme_database, attribute: source_id, relation: replicates_to}
""")
    write(tmp_path, "recognition.yaml", """kind: recognition
terraform:
  implicit_sources: {acme: acme/acme}
  providers:
    - {sources: [acme/acme], provider: outscale, note: an in-house wrapper of Outscale}
""")
    knowledge = load_knowledge([tmp_path.as_posix()])
    assert knowledge.kind_of("acme_database") == NodeKind.DATASTORE
    assert knowledge.kind_of("aws_s3_object") == NodeKind.DATASTORE
    assert knowledge.kind_of("aws_db_instance") == NodeKind.DATASTORE
    assert FlowRule(type="acme_database", attribute="source_id", relation="replicates_to") in knowledge.flows
    assert knowledge.recognition["terraform"]["providers"][0]["sources"] == ["acme/acme"]
    assert knowledge.recognition["terraform"]["implicit_sources"]["acme"] == "acme/acme"
    assert knowledge.recognition["terraform"]["implicit_sources"]["aws"] == "hashicorp/aws"


def test_user_recognition_must_name_catalogued_providers(tmp_path: Path) -> None:
    name = write(tmp_path, "recognition.yaml", """kind: recognition
terraform:
  providers:
    - {sources: [acme/acme], provider: acme}
""")
    with pytest.raises(PolicyError) as err:
        load_knowledge([tmp_path.as_posix()])
    assert str(err.value) == f"{name}: terraform.providers[0]: provider 'acme' is not in the catalogue"


def test_unknown_kind(tmp_path: Path) -> None:
    name = write(tmp_path, "notes.yaml", "hello: world\n")
    with pytest.raises(PolicyError) as err:
        load_knowledge([tmp_path.as_posix()])
    assert str(err.value).startswith(f"{name}: kind: 'notes' is not a known kind (expected one of: ")


def test_extra_catalogue_overrides_and_adds(tmp_path: Path) -> None:
    name = write(tmp_path, "ours.yaml", """kind: catalog
checked_on: 2027-02-01
providers:
  scaleway:
    name: Scaleway
    status: qualified
    default_offer: scaleway/cloud
    note: re-checked against ANSSI's list on 2027-02-01
    offers:
      - {id: scaleway/cloud, name: Scaleway Cloud, status: qualified, since: 2027-01-15}
  acme:
    name: ACME cloud
    status: not_qualified
""")
    knowledge = load_knowledge((), [name])
    scaleway = knowledge.catalog.providers["scaleway"]
    assert (scaleway.status, scaleway.checked_on, scaleway.offers[0].since) == ("qualified", "2027-02-01", "2027-01-15")
    assert knowledge.catalog.checked_on == "2026-12-07"  # the shipped catalogue's date
    assert knowledge.catalog.files == 2
    assert qualify("scaleway", None, None, knowledge) == ("qualified", None)
    assert qualify("acme", None, None, knowledge) == ("not-qualified", "provider-not-qualified")
    assert knowledge.catalog.providers["outscale"].default_offer == "outscale/iaas"


def test_extra_catalogue_consistency(tmp_path: Path) -> None:
    name = write(tmp_path, "ours.yaml", """kind: catalog
providers:
  acme:
    name: ACME cloud
    status: unknown
    default_offer: acme/iaas
    offers:
      - {id: acme/paas, name: PaaS, status: qualified}
""")
    with pytest.raises(PolicyError) as err:
        load_knowledge((), [name])
    assert str(err.value) == f"{name}: providers.acme.default_offer: 'acme/iaas' is not one of its offers"


def test_catalogue_date_format(tmp_path: Path) -> None:
    name = write(tmp_path, "ours.yaml", """kind: catalog
providers:
  acme:
    name: ACME cloud
    status: qualified
    checked_on: 2027-13-01
""")
    with pytest.raises(PolicyError) as err:
        load_knowledge((), [name])
    assert str(err.value) == f"{name}: providers.acme.checked_on: not a valid date"


def test_validate_policy_dir_lists_every_problem(tmp_path: Path) -> None:
    bad = write(tmp_path, "a.yaml", "kind: flows\nflows:\n  - {type: x, attribute: y, relation: flows_to}\n")
    worse = write(tmp_path, "b.yaml", "kind: rules\nrules: [{id: X1}]\n")
    lines = validate_policy_dir(tmp_path.as_posix())
    assert lines[0] == (f"{bad}: flows[0].relation: expected one of: replicates_to, backs_up_to, exports_to, "
                        "copies_to, mounts, uses")
    assert lines[1] == f"{worse}: rules[0]: missing key 'title'"
    assert len(lines) == 6  # title, severity, check, rationale, remediation are all missing
    assert all("\n" not in line for line in lines)


def test_validate_policy_dir_good_and_missing(tmp_path: Path) -> None:
    write(tmp_path, "flows.yaml", "kind: flows\nflows:\n  - {type: x, attribute: y, relation: copies_to}\n")
    assert validate_policy_dir(tmp_path.as_posix()) == []
    missing = (tmp_path / "nope").as_posix()
    assert validate_policy_dir(missing) == [f"{missing}: not a directory"]


def test_validate_policy_dir_checks_across_files(tmp_path: Path) -> None:
    write(tmp_path, "catalog.yaml", "kind: catalog\nproviders:\n  acme: {name: ACME, status: unknown}\n")
    write(tmp_path, "recognition.yaml",
          "kind: recognition\nterraform:\n  providers:\n    - {sources: [acme/acme], provider: acme}\n")
    assert validate_policy_dir(tmp_path.as_posix()) == []


@pytest.mark.parametrize("loader", [parse_document, lambda text, _name: yaml.safe_load(text)])
def test_config_schema_accepts_the_spec_example(loader) -> None:
    schema = json.loads((files("linter.schemas") / "config.schema.json").read_text(encoding="utf-8"))
    example = loader("""version: 1
classification:
  keys: [data_sensitivity, sensibilite]
  levels: {particuliere: [particuliere, dsp]}
kubernetes:
  clusters:
    prod:
      hosting: {provider: outscale, offer: iaas, region: cloudgouv-eu-west-1}
      paths: ["k8s/prod/**"]
    staging:
      terraform: module.k8s.ovh_cloud_project_kube.main
      root: infra/prod
  default: prod
catalog: [extra-catalog.yaml]
policies: [my-policies/]
exceptions:
  - {rule: SNC001, address: aws_s3_bucket.legacy, reason: "migration Q3", expires: 2027-06-30}
""", "x")
    jsonschema.Draft202012Validator(schema).validate(example)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate({"version": 1, "exeptions": []})


def test_qualify_uses_today() -> None:
    knowledge = load_knowledge()
    assert qualify("s3ns", "s3ns/premi3ns", "u-france-east1", knowledge, date(2028, 12, 17)) == ("qualified", None)
    assert qualify("s3ns", "s3ns/premi3ns", "u-france-east1", knowledge, date(2028, 12, 18)) == \
        ("not-qualified", "qualification-expired")
