"""Hosting resolution: provider, offer and region from clues, and their qualification, exactly."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import linter.graph.hosting as hosting_module
import linter.graph.recognise as recognise_module
from linter.graph.hosting import UNDETERMINED, csi_driver_provider, qualify, resolve_hosting, signal_provider
from linter.knowledge import Knowledge
from linter.model import Hosting, HostingClue, Location, ProviderConfig, Unknown
from linter.policy_files import load_knowledge

CHECKED = "catalogue row checked on 2026-12-07"
CHECKED_EARLIER = "catalogue row checked on 2026-11-29"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def clue(name: str, attributes: dict[str, Any], source: str | None = None, alias: str | None = None,
         line: int = 1) -> HostingClue:
    address = f"provider.{name}" + (f".{alias}" if alias else "")
    return HostingClue(provider=ProviderConfig(name=name, source=source, alias=alias, attributes=attributes,
                                               address=address, location=Location("main.tf", line)))


def test_aws_paris(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("aws", {"region": "eu-west-3"}, "hashicorp/aws", line=7), "aws_db_instance",
                            {"identifier": "patients"}, knowledge)
    assert found == Hosting(
        provider="aws", offer=None, region="eu-west-3", qualification="not-qualified",
        reason="provider-not-qualified",
        evidence="provider hashicorp/aws (provider.aws at main.tf:7), region eu-west-3 from provider.aws; "
                 f"Amazon Web Services is ineligible under SecNumCloud 3.2 §19.6 (newest source 2025, {CHECKED})")


def test_outscale_cloudgouv_via_api_block(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("outscale", {"api": [{"region": "cloudgouv-eu-west-1"}]}, "outscale/outscale"),
                            "outscale_volume", {"size": 100}, knowledge)
    assert found == Hosting(
        provider="outscale", offer="outscale/iaas", region="cloudgouv-eu-west-1", qualification="qualified",
        reason=None,
        evidence="provider outscale/outscale (provider.outscale at main.tf:1), region cloudgouv-eu-west-1 "
                 "from provider.outscale api.region, offer outscale/iaas (the provider's default); "
                 "outscale/iaas is qualified in cloudgouv-eu-west-1 (SecNumCloud 3.2, newest source 2024-06-20, "
                 f"{CHECKED})")


def test_outscale_subregion_gives_the_region(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("outscale", {"api": {"region": "eu-west-2"}}, "outscale/outscale"),
                            "outscale_volume", {"subregion_name": "cloudgouv-eu-west-1a"}, knowledge)
    assert found is not None and (found.region, found.qualification) == ("cloudgouv-eu-west-1", "qualified")
    assert "region cloudgouv-eu-west-1 from subregion_name = cloudgouv-eu-west-1a" in found.evidence


def test_outscale_us_east_2(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("outscale", {"api": {"region": "us-east-2"}}, "outscale/outscale", alias="us"),
                            "outscale_volume", {"subregion_name": "us-east-2a"}, knowledge)
    assert found == Hosting(
        provider="outscale", offer="outscale/iaas", region="us-east-2", qualification="not-qualified",
        reason="region-not-qualified",
        evidence="provider outscale/outscale (provider.outscale.us at main.tf:1), region us-east-2 from "
                 "subregion_name = us-east-2a, offer outscale/iaas (the provider's default); "
                 f"outscale/iaas is not qualified in us-east-2 (newest source 2026-03-18, {CHECKED})")


def test_outscale_unknown_region_is_undetermined_hosting(knowledge: Knowledge) -> None:
    """Outscale's status depends on the region: an unknown region leaves the hosting undetermined
    (SNC006), which is not the catalogue not knowing (qualification-unknown)."""
    found = resolve_hosting(clue("outscale", {"api": {"region": Unknown("var.region has no value")}},
                                 "outscale/outscale"), "outscale_volume", {}, knowledge)
    assert found == Hosting(
        provider="outscale", offer="outscale/iaas", region=None, qualification=UNDETERMINED,
        reason=None,
        evidence="provider outscale/outscale (provider.outscale at main.tf:1), region unknown "
                 "(var.region has no value) from provider.outscale api.region, offer outscale/iaas (the "
                 "provider's default); outscale/iaas: its status depends on the region, which is unknown")


def test_outscale_region_not_in_catalogue(knowledge: Knowledge) -> None:
    assert qualify("outscale", "outscale/iaas", "eu-north-9", knowledge) == ("unknown", "qualification-unknown")
    assert qualify("outscale", "outscale/iaas", None, knowledge) == (UNDETERMINED, None)


def test_google_s3ns_universe(knowledge: Knowledge) -> None:
    attributes = {"universe_domain": "s3nsapis.fr", "project": "s3ns:dossiers-prod", "region": "u-france-east1"}
    found = resolve_hosting(clue("google", attributes, alias="trusted"), "google_sql_database_instance",
                            {"name": "dossiers"}, knowledge)
    assert found == Hosting(
        provider="s3ns", offer="s3ns/premi3ns", region="u-france-east1", qualification="qualified", reason=None,
        evidence="provider hashicorp/google (implied by the name 'google'; provider.google.trusted at main.tf:1), "
                 "universe_domain = s3nsapis.fr: universe_domain s3nsapis.fr is S3NS PREMI3NS, region "
                 "u-france-east1 from provider.google.trusted; "
                 "s3ns/premi3ns is qualified in u-france-east1 (SecNumCloud 3.2, since 2025-12-17, valid until "
                 f"2028-12-17, newest source 2026-01-07, {CHECKED_EARLIER})")


def test_plain_google_paris(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("google", {"project": "dossiers-analytics", "region": "europe-west9"}),
                            "google_storage_bucket", {"location": "EUROPE-WEST9"}, knowledge)
    assert found == Hosting(
        provider="gcp", offer=None, region="europe-west9", qualification="not-qualified",
        reason="provider-not-qualified",
        evidence="provider hashicorp/google (implied by the name 'google'; provider.google at main.tf:1), "
                 "region europe-west9 from location = EUROPE-WEST9; Google Cloud (public) is ineligible under "
                 f"SecNumCloud 3.2 §19.6 (newest source 2022-10, {CHECKED_EARLIER})")


def test_google_unknown_universe_is_not_public_google(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("google", {"universe_domain": Unknown("var.universe")}, "hashicorp/google"),
                            "google_storage_bucket", {"location": "u-france-east1"}, knowledge)
    assert found == Hosting(
        provider=None, offer=None, region="u-france-east1", qualification="unknown", reason="qualification-unknown",
        evidence="provider hashicorp/google (provider.google at main.tf:1), region u-france-east1 from location = "
                 "u-france-east1, universe_domain is unknown (var.universe) and decides whether universe_domain "
                 "s3nsapis.fr is S3NS PREMI3NS")


def test_google_unknown_project_says_nothing(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("google", {"project": Unknown("var.project"), "region": "europe-west9"}),
                            "google_storage_bucket", {}, knowledge)
    assert found is not None and (found.provider, found.reason) == ("gcp", "provider-not-qualified")


def test_aws_provider_with_outscale_oos_endpoint(knowledge: Knowledge) -> None:
    attributes = {"region": "eu-west-2", "skip_region_validation": True,
                  "endpoints": [{"s3": "https://oos.eu-west-2.outscale.com"}]}
    found = resolve_hosting(clue("aws", attributes, "registry.terraform.io/hashicorp/aws"), "aws_s3_bucket",
                            {"bucket": "archives"}, knowledge)
    assert found == Hosting(
        provider="outscale", offer="outscale/iaas", region="eu-west-2", qualification="unknown",
        reason="qualification-unknown",
        evidence="provider hashicorp/aws (provider.aws at main.tf:1), endpoints.s3 = "
                 "https://oos.eu-west-2.outscale.com: the S3 endpoint is 3DS OUTSCALE OOS, region eu-west-2 "
                 "from endpoints.s3; outscale/iaas has no known qualification in eu-west-2 (newest source "
                 f"2024-06-20, {CHECKED})")


def test_s3_endpoint_does_not_move_a_database(knowledge: Knowledge) -> None:
    attributes = {"region": "eu-west-2", "endpoints": {"s3": "https://oos.eu-west-2.outscale.com"}}
    found = resolve_hosting(clue("aws", attributes, "hashicorp/aws"), "aws_db_instance", {}, knowledge)
    assert found is not None and (found.provider, found.region) == ("aws", "eu-west-2")


def test_aws_london_is_not_outscale(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("aws", {"region": "eu-west-2"}, "hashicorp/aws"), "aws_s3_bucket", {}, knowledge)
    assert found == Hosting(
        provider="aws", offer=None, region="eu-west-2", qualification="not-qualified",
        reason="provider-not-qualified",
        evidence="provider hashicorp/aws (provider.aws at main.tf:1), region eu-west-2 from provider.aws; "
                 f"Amazon Web Services is ineligible under SecNumCloud 3.2 §19.6 (newest source 2025, {CHECKED})")


def test_aws_resource_region_overrides_provider(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("aws", {"region": "eu-west-3"}, "hashicorp/aws"), "aws_ebs_volume",
                            {"availability_zone": "eu-central-1b"}, knowledge)
    assert found is not None and found.region == "eu-central-1"


def test_unrecognised_s3_endpoint_is_undetermined(knowledge: Knowledge) -> None:
    attributes = {"endpoints": {"s3": "http://minio.internal:9000"}}
    assert resolve_hosting(clue("aws", attributes, "hashicorp/aws"), "aws_s3_bucket", {}, knowledge) is None


def test_openstack_on_ovhcloud(knowledge: Knowledge) -> None:
    attributes = {"auth_url": "https://auth.cloud.ovh.net/v3/", "region": "GRA11"}
    found = resolve_hosting(clue("openstack", attributes), "openstack_blockstorage_volume_v3", {"size": 10},
                            knowledge)
    assert found == Hosting(
        provider="ovhcloud", offer="ovhcloud/public-cloud", region="GRA11", qualification="not-qualified",
        reason="offer-not-qualified",
        evidence="provider terraform-provider-openstack/openstack (implied by the name 'openstack'; "
                 "provider.openstack at main.tf:1), auth_url = https://auth.cloud.ovh.net/v3/: auth_url "
                 "auth.cloud.ovh.net is OVHcloud Public Cloud, region GRA11 from provider.openstack; "
                 f"ovhcloud/public-cloud is not qualified (not verified; newest source 2021-10, {CHECKED})")


def test_openstack_elsewhere_is_not_recognised(knowledge: Knowledge) -> None:
    attributes = {"auth_url": "https://keystone.example.org/v3"}
    assert resolve_hosting(clue("openstack", attributes), "openstack_compute_instance_v2", {}, knowledge) is None


def test_scaleway_is_pending(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("scaleway", {"zone": "fr-par-1"}, "scaleway/scaleway"), "scaleway_rdb_instance",
                            {}, knowledge)
    assert found == Hosting(
        provider="scaleway", offer="scaleway/cloud", region="fr-par", qualification="in-qualification",
        reason="qualification-pending",
        evidence="provider scaleway/scaleway (provider.scaleway at main.tf:1), region fr-par from provider.scaleway "
                 "zone, offer scaleway/cloud (the provider's default); scaleway/cloud is in qualification, J0 on "
                 f"2025-01-08 (not verified; newest source 2025-01, {CHECKED_EARLIER})")


def test_ovh_api_offer_by_type_and_region(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("ovh", {"endpoint": "ovh-eu"}, "ovh/ovh"), "ovh_cloud_project_database",
                            {"nodes": [{"region": "gra"}]}, knowledge)
    assert found is not None
    assert (found.provider, found.offer, found.region, found.reason) == \
        ("ovhcloud", "ovhcloud/public-cloud", "GRA", "offer-not-qualified")


def test_declared_bleu_is_pending(knowledge: Knowledge) -> None:
    found = resolve_hosting(HostingClue(declared={"provider": "bleu"}, why="kubernetes.clusters.prod.hosting"),
                            "PersistentVolumeClaim", {}, knowledge)
    assert found == Hosting(
        provider="bleu", offer="bleu/cloud-de-confiance", region=None, qualification="in-qualification",
        reason="qualification-pending",
        evidence="declared in kubernetes.clusters.prod.hosting: provider bleu, offer bleu/cloud-de-confiance "
                 "(the provider's default); bleu/cloud-de-confiance is in qualification, J1 "
                 f"(not verified; newest source 2025-04, {CHECKED})")


def test_declared_short_offer(knowledge: Knowledge) -> None:
    found = resolve_hosting(HostingClue(declared={"provider": "outscale", "offer": "iaas",
                                                  "region": "cloudgouv-eu-west-1"}), "Deployment", {}, knowledge)
    assert found is not None
    assert (found.offer, found.qualification, found.reason) == ("outscale/iaas", "qualified", None)


def test_declared_unknown_provider(knowledge: Knowledge) -> None:
    found = resolve_hosting(HostingClue(declared={"provider": "acme", "region": "paris"}), "Deployment", {},
                            knowledge)
    assert found == Hosting(
        provider="acme", offer=None, region="paris", qualification="unknown", reason="qualification-unknown",
        evidence="declared in the config file: provider acme, region paris; provider 'acme' is not in the catalogue")


def test_valid_until_in_the_past(knowledge: Knowledge) -> None:
    clue_ = HostingClue(declared={"provider": "s3ns", "offer": "premi3ns", "region": "u-france-east1"})
    found = resolve_hosting(clue_, "Deployment", {}, knowledge, today=date(2029, 1, 1))
    assert found == Hosting(
        provider="s3ns", offer="s3ns/premi3ns", region="u-france-east1", qualification="not-qualified",
        reason="qualification-expired",
        evidence="declared in the config file: provider s3ns, offer s3ns/premi3ns, region u-france-east1; "
                 "s3ns/premi3ns is qualified in u-france-east1 until 2028-12-17, now past (SecNumCloud 3.2, since "
                 f"2025-12-17, valid until 2028-12-17, newest source 2026-01-07, {CHECKED_EARLIER})")


def test_cluster_clue_is_followed_upstream(knowledge: Knowledge) -> None:
    assert resolve_hosting(HostingClue(cluster="cluster:prod"), "Deployment", {}, knowledge) is None


def test_kubernetes_provider_is_hosted_by_its_cluster(knowledge: Knowledge) -> None:
    assert resolve_hosting(clue("kubernetes", {"host": "https://k8s"}), "kubernetes_deployment", {},
                           knowledge) is None


def test_unknown_provider_source_is_known_hosting_of_unknown_qualification(knowledge: Knowledge) -> None:
    hosting = resolve_hosting(clue("acme", {}, "acme/acme"), "acme_db", {}, knowledge)
    assert hosting is not None
    assert (hosting.provider, hosting.qualification, hosting.reason) == (
        "acme/acme", "unknown", "qualification-unknown")
    assert hosting.evidence == "provider acme/acme (provider.acme) is not in the provider catalogue"


def test_csi_drivers(knowledge: Knowledge) -> None:
    assert csi_driver_provider("bsu.csi.outscale.com", knowledge) == ("outscale", "Outscale BSU (driver v1.0.0+)")
    provider, note = csi_driver_provider("ebs.csi.aws.com", knowledge)
    assert provider == "aws" and "before v1.0.0 the Outscale BSU CSI driver used this same name" in note
    assert csi_driver_provider("pd.csi.storage.gke.io", knowledge)[0] is None
    assert csi_driver_provider("cinder.csi.openstack.org", knowledge)[0] is None
    assert csi_driver_provider("disk.csi.azure.com", knowledge)[0] == "azure"
    assert csi_driver_provider("csi.scaleway.com", knowledge)[0] == "scaleway"
    assert csi_driver_provider("kubernetes.io/aws-ebs", knowledge)[0] == "aws"
    assert csi_driver_provider("example.com/nfs", knowledge) == \
        (None, "csi driver example.com/nfs is not in the recognition data")
    assert signal_provider("instance_type", "tinav3.c1r1p1", knowledge)[0] == "outscale"


def test_signals_without_cluster(knowledge: Knowledge) -> None:
    found = resolve_hosting(HostingClue(signals={"csi_driver": "bsu.csi.outscale.com"}), "PersistentVolumeClaim",
                            {}, knowledge)
    assert found is not None
    assert (found.provider, found.offer, found.qualification, found.reason) == \
        ("outscale", "outscale/iaas", UNDETERMINED, None)  # no region, and it decides: SNC006


@pytest.mark.parametrize("module", [hosting_module, recognise_module])
def test_code_names_no_provider(module: Any, knowledge: Knowledge) -> None:
    """Everything provider-specific is data: no provider id or resource prefix in the code."""
    source = Path(module.__file__).read_text(encoding="utf-8")
    literals = set(re.findall(r"[\"']([a-z0-9_./-]+)[\"']", source))
    named = literals & (set(knowledge.catalog.providers) | {t.split("_")[0] + "_" for t in knowledge.types})
    assert named == set()


def test_scalingo_regions(knowledge: Knowledge) -> None:
    fr1 = resolve_hosting(clue("scalingo", {"region": "osc-fr1"}, "Scalingo/scalingo"), "scalingo_addon", {},
                          knowledge)
    assert fr1 == Hosting(
        provider="scalingo", offer="scalingo/paas", region="osc-fr1", qualification="not-qualified",
        reason="region-not-qualified",
        evidence="provider scalingo/scalingo (provider.scalingo at main.tf:1), region osc-fr1 from "
                 "provider.scalingo, offer scalingo/paas (the provider's default); scalingo/paas is not qualified "
                 f"in osc-fr1 (not verified; newest source 2024-06-20, {CHECKED})")
    secnum = resolve_hosting(clue("scalingo", {"region": "osc-secnum-fr1"}), "scalingo_addon", {}, knowledge)
    assert secnum is not None
    assert (secnum.offer, secnum.region, secnum.qualification, secnum.reason) == (
        "scalingo/paas", "osc-secnum-fr1", "unknown", "qualification-unknown")


def test_numspot_region_from_its_api_host(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("numspot", {"numspot_host": "https://api.eu-west-2.numspot.com"},
                                 "numspot/numspot"), "numspot_volume", {}, knowledge)
    assert found == Hosting(
        provider="numspot", offer="numspot/cloud", region="eu-west-2", qualification="in-qualification",
        reason="qualification-pending",
        evidence="provider numspot/numspot (provider.numspot at main.tf:1), region eu-west-2 from "
                 "provider.numspot numspot_host = https://api.eu-west-2.numspot.com, offer numspot/cloud (the "
                 f"provider's default); numspot/cloud is in qualification (not verified; newest source 2026-04-08, "
                 f"{CHECKED})")
    zone = resolve_hosting(clue("numspot", {}, "numspot/numspot"), "numspot_volume",
                           {"availability_zone_name": "cloudgouv-eu-west-1a"}, knowledge)
    assert zone is not None and zone.region == "cloudgouv-eu-west-1"


def test_aws_european_sovereign_cloud(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("aws", {"region": "eusc-de-east-1"}, "hashicorp/aws"), "aws_db_instance", {},
                            knowledge)
    assert found is not None
    assert (found.provider, found.offer, found.region, found.reason) == (
        "aws", "aws/european-sovereign-cloud", "eusc-de-east-1", "provider-not-qualified")
    zone = resolve_hosting(clue("aws", {"region": "eusc-de-east-1"}, "hashicorp/aws"), "aws_ebs_volume",
                           {"availability_zone": "eusc-de-east-1a"}, knowledge)
    assert zone is not None and zone.region == "eusc-de-east-1"


def test_cloudtemple_object_storage_is_unknown(knowledge: Knowledge) -> None:
    found = resolve_hosting(clue("cloudtemple", {}, "Cloud-Temple/cloudtemple"), "cloudtemple_object_storage_bucket",
                            {}, knowledge)
    assert found is not None
    assert (found.provider, found.offer, found.qualification, found.reason) == (
        "cloudtemple", "cloudtemple/object-storage", "unknown", "qualification-unknown")


def test_a_memo_answers_as_resolving_each_resource_does(knowledge: Knowledge) -> None:
    """One graph build recognises each (configuration, type, region given) once: the resources of a
    configuration that give another region, or none, or an unknown one, still get their own hosting."""
    from linter.graph.hosting import HostingMemo

    memo = HostingMemo(knowledge, None)
    shared = clue("outscale", {"api": {"region": "cloudgouv-eu-west-1"}}, "outscale/outscale")
    other = clue("outscale", {"api": {"region": "cloudgouv-eu-west-1"}}, "outscale/outscale", line=9)
    cases = [(shared, "outscale_volume", {}), (shared, "outscale_volume", {"subregion_name": "eu-west-2a"}),
             (shared, "outscale_volume", {"subregion_name": Unknown("var.zone")}), (shared, "outscale_vm", {}),
             (other, "outscale_volume", {}), (shared, "outscale_volume", {"subregion_name": "eu-west-2a"})]
    for given, type_, attributes in cases:
        assert (resolve_hosting(given, type_, attributes, knowledge, memo=memo)
                == resolve_hosting(given, type_, attributes, knowledge))
    assert memo.from_provider(shared.provider, "outscale_volume", {}) is not memo.from_provider(
        other.provider, "outscale_volume", {})  # equal configurations at two places: two evidences
    assert len(memo._found) == 5


def test_configurations_read_alike_share_what_is_recognised_not_their_evidence(knowledge: Knowledge) -> None:
    """Two root modules' configurations that differ only in what recognition does not read (their
    tags) are recognised once; each hosting still names its own configuration's place. Values equal
    in Python but written differently (``1`` and ``True``) are not taken for one another."""
    from linter.graph.hosting import HostingMemo

    memo = HostingMemo(knowledge, None)
    one = clue("aws", {"region": "eu-west-3", "default_tags": [{"tags": {"team": "a"}}]}, "hashicorp/aws")
    two = clue("aws", {"region": "eu-west-3", "default_tags": [{"tags": {"team": "b"}}]}, "hashicorp/aws", line=5)
    odd = clue("aws", {"region": True}, "hashicorp/aws")
    other = clue("aws", {"region": 1}, "hashicorp/aws")
    for given in (one, two, odd, other):
        assert (resolve_hosting(given, "aws_s3_bucket", {}, knowledge, memo=memo)
                == resolve_hosting(given, "aws_s3_bucket", {}, knowledge))
    assert len(memo._recognised) == 3
    found = [resolve_hosting(c, "aws_s3_bucket", {}, knowledge, memo=memo) for c in (one, two)]
    assert found[0] is not None and found[1] is not None
    assert "main.tf:1" in found[0].evidence and "main.tf:5" in found[1].evidence
