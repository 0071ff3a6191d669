"""Recognition helpers: attribute paths through blocks and unknowns, region normalisation."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.graph.recognise import normalise_region, recognise_destination, values_at
from linter.knowledge import Knowledge
from linter.model import Destination, Unknown
from linter.policy_files import load_knowledge
from linter.provider_sources import normalise_provider_source


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def test_values_at_walks_repeated_blocks() -> None:
    attributes = {"api": [{"region": "eu-west-2"}, {"region": "us-east-2"}], "endpoints": {"s3": "x"}}
    assert values_at(attributes, "api.region") == ["eu-west-2", "us-east-2"]
    assert values_at(attributes, "endpoints.s3") == ["x"]
    assert values_at(attributes, "endpoints.ec2") == []


def test_values_at_keeps_unknown() -> None:
    unknown = Unknown("var.endpoints")
    assert values_at({"endpoints": unknown}, "endpoints.s3") == [unknown]


@pytest.mark.parametrize(("region", "provider", "expected"), [
    ("cloudgouv-eu-west-1a", "outscale", "cloudgouv-eu-west-1"),
    ("eu-west-2", "outscale", "eu-west-2"),
    ("eu-west-3b", "aws", "eu-west-3"),
    ("europe-west9-a", "gcp", "europe-west9"),
    ("EUROPE-WEST9", "gcp", "europe-west9"),
    ("u-france-east1-b", "s3ns", "u-france-east1"),
    ("fr-par-2", "scaleway", "fr-par"),
    ("France Central", "azure", "francecentral"),
    ("gra", "ovhcloud", "GRA"),
    ("somewhere", "acme", "somewhere"),
])
def test_normalise_region(region: str, provider: str, expected: str, knowledge: Knowledge) -> None:
    assert normalise_region(region, provider, knowledge) == expected


def test_normalise_provider_source(knowledge: Knowledge) -> None:
    assert normalise_provider_source("registry.terraform.io/HashiCorp/AWS", knowledge) == "hashicorp/aws"
    assert normalise_provider_source("registry.opentofu.org/outscale/outscale", knowledge) == "outscale/outscale"
    assert normalise_provider_source("example.com/acme/cloud", knowledge) == "example.com/acme/cloud"


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.just(Unknown("x")),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    max_leaves=12,
)


@given(json_like, st.sampled_from(["a", "a.b", "a.b.c", "c.a"]))
def test_values_at_never_fails(obj: Any, path: str) -> None:
    for value in values_at(obj, path):
        assert value is not None


@given(st.text(max_size=30), st.sampled_from(["outscale", "aws", "gcp", "s3ns", "scaleway", "azure", "ovhcloud"]))
def test_normalise_region_is_idempotent(region: str, provider: str) -> None:
    knowledge = load_knowledge()
    once = normalise_region(region, provider, knowledge)
    assert normalise_region(once, provider, knowledge) == once


@pytest.mark.parametrize(("destination", "expected"), [
    (Destination(endpoint="https://s3.gra.io.cloud.ovh.net", url="s3://b/p"),
     ("ovhcloud", "ovhcloud/public-cloud", "GRA")),
    (Destination(endpoint="oos.cloudgouv-eu-west-1.outscale.com"),
     ("outscale", "outscale/iaas", "cloudgouv-eu-west-1")),
    (Destination(endpoint="https://s3.fr-par.scw.cloud"), ("scaleway", None, "fr-par")),
    (Destination(url="s3://bucket/path"), ("aws", None, None)),
    (Destination(url="gs://bucket/path"), ("gcp", None, None)),
    (Destination(url="https://compte.blob.core.windows.net/c"), ("azure", None, None)),
    (Destination(provider="velero.io/aws", region="eu-west-3"), ("aws", None, "eu-west-3")),
    (Destination(endpoint="b-1.x.c2.kafka.eu-west-3.amazonaws.com:9094", endpoints="kafka"),
     ("aws", None, "eu-west-3")),
    (Destination(api_group="s3.aws.upbound.io", region="eu-west-3"), ("aws", None, "eu-west-3")),
])
def test_destinations_are_recognised(destination: Destination, expected: tuple[Any, ...], knowledge: Knowledge) -> None:
    place = recognise_destination(destination, knowledge)
    assert (place.provider, place.offer, place.region) == expected and not place.in_cluster


@pytest.mark.parametrize("endpoint", ["http://minio:9000", "minio.stockage.svc.cluster.local:9000",
                                      "http://minio.velero.svc:9000"])
def test_service_names_are_in_the_cluster(endpoint: str, knowledge: Knowledge) -> None:
    assert recognise_destination(Destination(endpoint=endpoint, url="s3://b"), knowledge).in_cluster


@pytest.mark.parametrize("destination", [Destination(endpoint="https://s3.example.net", url="s3://b"),
                                         Destination(endpoint="minio.stockage:9000"),
                                         Destination(provider="community.example/plugin")])
def test_unknown_endpoints_are_undetermined_never_the_default_cloud(destination: Destination,
                                                                     knowledge: Knowledge) -> None:
    place = recognise_destination(destination, knowledge)
    assert place.undetermined and place.provider is None and not place.in_cluster


def _walked(obj: Any, path: str) -> list[Any]:
    """``values_at`` as the general walk gives it, one part of the path at a time."""
    current = [obj]
    for part in path.split("."):
        found: list[Any] = []
        for item in current:
            if isinstance(item, Unknown):
                found.append(item)
            elif isinstance(item, dict) and item.get(part) is not None:
                value = item[part]
                found.extend(v for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None)
        current = found
    return current


def test_values_at_one_key_of_a_dict() -> None:
    unknown = Unknown("var.region")
    attributes = {"region": "eu-west-3", "zones": ["a", None, "b"], "none": None, "u": unknown, "t": ("x",)}
    assert [values_at(attributes, k) for k in ("region", "zones", "none", "gone", "u", "t")] == \
        [["eu-west-3"], ["a", "b"], [], [], [unknown], ["x"]]


@given(json_like, st.sampled_from(["a", "b", "a.b", "a.b.c"]))
def test_values_at_one_key_reads_as_the_walk_does(obj: Any, path: str) -> None:
    assert values_at(obj, path) == _walked(obj, path)
