"""Model values through JSON come back exactly: tuples stay tuples, enums and dates their own."""
from __future__ import annotations

from datetime import date

import pytest

from linter import model
from linter.loaders import model_json
from linter.model import Location, Node, NodeKind, Problem, ProblemKind, Tag, Unknown


def sample() -> Node:
    where = Location("envs/a/main.tf", 4)
    provider = model.ProviderConfig(name="aws", source="hashicorp/aws", alias=None, attributes={"region": "eu-west-3"},
                              address="provider.aws", location=where)
    return Node(key="envs/a::aws_db_instance.db", address="aws_db_instance.db", type="aws_db_instance",
                kind=NodeKind.DATASTORE, origin="terraform", location=where, scope="envs/a", root="envs/a",
                tags=(Tag(key="sensibilite", value=Unknown("var.level"), location=where),),
                attributes={"one": {"\0t": 1}, "list": [1, 2.5, None, True], "tuple": (1, "a"), "empty": {},
                            "two": {"a": (), "b": [()]}},
                hosting=model.HostingClue(provider=provider, signals={"csi": "x"}),
                references=(model.Reference(attribute="a", target="k", location=where),),
                suppressions=(model.Suppression(rules=("SNC001",), reason=None, until=date(2027, 1, 2),
                                                location=where),))


def test_round_trip_is_exact() -> None:
    value = [sample(), (Problem(location=Location("x.tf"), message="m", kind=ProblemKind.NOTE),)]
    back = model_json.decode(model_json.encode(value))
    assert back == value
    assert type(back[1]) is tuple and type(back[0].attributes["tuple"]) is tuple
    assert type(back[0].attributes["list"]) is list and back[0].kind is NodeKind.DATASTORE


@pytest.mark.parametrize("value", [{1: "a"}, {"a"}, object(), (frozenset(),)])
def test_what_cannot_come_back_identically_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        model_json.encode(value)


@pytest.mark.parametrize("text", ['{"Evil": []}', '{"Location": ["a"]}', '{"\\u0000e": ["NodeKind", "nope"]}',
                                  '{"\\u0000e": ["Path", "x"]}', '{"\\u0000x": 1}', "[", '{"\\u0000D": "2027-13-01"}'])
def test_anything_else_is_a_decode_error(text: str) -> None:
    with pytest.raises(model_json.DecodeError):
        model_json.decode(text)


def test_every_model_class_is_plain_slots() -> None:
    """Decoding sets slots directly, which is only right for classes whose ``__init__`` does nothing
    else: frozen slotted dataclasses without ``__post_init__``."""
    for cls in model_json._FIELDS:
        assert "__slots__" in vars(cls) and not hasattr(cls, "__post_init__"), cls.__name__
