"""Model values through JSON come back exactly: tuples stay tuples, enums and dates their own."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

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
    for cls in model_json.FIELDS:
        assert "__slots__" in vars(cls) and not hasattr(cls, "__post_init__"), cls.__name__


def test_instances_met_again_are_written_once_and_shared_when_read() -> None:
    """A root module's resources share their provider configuration: one object written once,
    and one object again when read back (as the evaluation built them)."""
    first = sample()
    second = replace(first, key="envs/a::aws_db_instance.other", location=Location("envs/a/main.tf", 4),
                     hosting=replace(first.hosting))
    text = model_json.encode((first, second))
    assert text.count('"ProviderConfig"') == 1 and text.count('"Location"') == 1
    back = model_json.decode(text)
    assert back == (first, second)
    assert back[0].hosting is not back[1].hosting  # equal, but holding a dict: never merged
    assert back[0].hosting.provider is back[1].hosting.provider
    assert back[0].location is back[1].location is back[0].tags[0].location


def test_only_exactly_equal_instances_are_merged() -> None:
    """``1``, ``True`` and ``1.0`` are equal in Python but not in a report; nor are 0.0 and -0.0."""
    where = Location("a.tf", 1)
    tags = tuple(Tag(key="k", value=v, location=where) for v in (1, True, 1.0, 0.0, -0.0, "1", Unknown("1")))
    back = model_json.decode(model_json.encode(tags))
    assert [(type(t.value), repr(t.value)) for t in back] == [(type(t.value), repr(t.value)) for t in tags]
    assert back[0].location is back[6].location


def test_a_list_in_a_field_declared_a_tuple_is_refused() -> None:
    """It would come back a tuple: nothing is kept rather than something else."""
    node = replace(sample(), notes=["a list"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        model_json.encode(node)


@pytest.mark.parametrize("text", ['{"\\u0000r": 0}', '[{"Location": ["a", 1]}, {"\\u0000r": 1}]',
                                  '[{"Location": ["a", 1]}, {"\\u0000r": true}]',
                                  '{"Problem": [{"Location": ["a", 1]}, "m", "nope", ""]}',
                                  '{"Problem": [{"Location": ["a", 1]}, "m", [], ""]}'])
def test_a_reference_to_nothing_or_a_wrong_member_is_a_decode_error(text: str) -> None:
    with pytest.raises(model_json.DecodeError):
        model_json.decode(text)


@pytest.mark.parametrize("text", ["[]", " [ ] ", "[1]", '[ "a" , {"b": 1, "c": 2} ,[]] ',
                                  model_json.encode([sample(), sample(), (sample(),), {"k": sample()}])])
def test_items_one_by_one_are_the_whole_decoded(text: str) -> None:
    items = list(model_json.decode_items(text))
    assert items == model_json.decode(text)
    if len(items) == 4:  # the instances met again in later items are the ones of the first
        assert items[1].location is items[0].location and items[3]["k"].location is items[0].location


@pytest.mark.parametrize("text", ["", "{}", "[1,]", "[1 2]", "[1] 2", "[1", '[1, {"\\u0000r": 5}]', "[1]]"])
def test_items_of_anything_else_end_in_a_decode_error(text: str) -> None:
    with pytest.raises(model_json.DecodeError):
        list(model_json.decode_items(text))


def test_items_after_the_one_asked_for_are_not_decoded() -> None:
    items = model_json.decode_items('["head", {"Location": ["a"]}]')
    assert next(items) == "head"
    with pytest.raises(model_json.DecodeError):
        next(items)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 8])
def test_entries_in_pieces_are_the_text_of_the_whole(size: int) -> None:
    mapping = {f"/repo/f{i}.tf": ("0" * 64 if i % 3 else True if i % 2 else None) for i in range(size)}
    pieces = list(model_json.encode_entries(mapping, batch=2))
    assert "".join(pieces) == model_json.encode(mapping)
    assert len(pieces) == (1 if size <= 1 else -(-size // 2) + 1)
    assert model_json.decode("".join(pieces)) == mapping


@pytest.mark.parametrize("mapping", [{1: "a", "b": "c"}, {"a": "b", "c": Location("x")}, {"a": "b", "c": ("d",)}])
def test_entries_in_pieces_are_scalars_by_string_keys(mapping: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        "".join(model_json.encode_entries(mapping))


def every_class() -> list[object]:
    """Instances of every model class, each field given in turn every kind of value a writer tells
    apart: scalars (``1``, ``True`` and ``1.0`` differ), instances shared or only equal, tuples, a
    dict (an instance holding one has no content), enum members, a date; then one equal to the last
    instance of its class, another object."""
    shared = Location("a.tf", 1)
    values: list[object] = ["s", None, 1, True, 1.0, -0.0, shared, Location("a.tf", 1), Unknown("r"),
                            ("t", 2, shared), {"k": [1, (2,)]}, {}, NodeKind.DATASTORE, date(2027, 1, 2)]
    made: list[object] = []
    for cls, names in model_json.FIELDS.items():
        shapes = model_json._SHAPES[cls]
        for turn in range(len(values)):
            given: dict[str, object] = {}
            for i, (name, shape) in enumerate(zip(names, shapes, strict=True)):
                value = values[(turn + i) % len(values)]
                if shape is tuple:
                    given[name] = (value,) if turn % 3 else None
                elif shape is not None:
                    members = list(shape)  # type: ignore[call-overload]
                    given[name] = members[(turn + i) % len(members)]
                else:
                    given[name] = value
            made.append(cls(**given))
        made.append(cls(**given))
    return made


def _containers_only(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    writers = {kind: write for kind, write in model_json._WRITERS.items() if kind in (list, tuple, dict)}
    monkeypatch.setattr(model_json, "_WRITERS", writers)
    monkeypatch.setattr(model_json, "_WRITTEN", {})
    monkeypatch.setattr(model_json, "_WRITER_AFTER", after)


def test_a_class_own_writer_writes_what_the_generic_path_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_writer``'s functions, made for a class written often, against ``_Encoder.instance``:
    the same text for every class of the model, whether made before or in the middle of a value."""
    value = every_class()
    assert {type(v) for v in value} == set(model_json.FIELDS)
    _containers_only(monkeypatch, after=10**9)
    generic = model_json.encode(value)
    assert model_json._WRITERS.keys() == {list, tuple, dict}
    assert model_json.decode(generic) == value
    _containers_only(monkeypatch, after=3)  # each class switches to its writer at its third instance
    assert model_json.encode(value) == generic
    assert set(model_json.FIELDS) <= model_json._WRITERS.keys()
    model_json._WRITERS.update({cls: model_json._writer(cls) for cls in model_json.FIELDS})
    assert model_json.encode(value) == generic


@pytest.mark.parametrize("after", [10**9, 1])
@pytest.mark.parametrize("change", [{"notes": ["a list"]}, {"kind": "datastore"}])
def test_a_class_own_writer_refuses_what_the_generic_path_refuses(monkeypatch: pytest.MonkeyPatch, after: int,
                                                                  change: dict[str, object]) -> None:
    """A list in a field declared a tuple, a string in a field declared an enum: refused by the
    generic path (``after`` never reached) and by the writer (made at the first ``Node``)."""
    _containers_only(monkeypatch, after)
    with pytest.raises(TypeError):
        model_json.encode([sample(), replace(sample(), **change)])  # type: ignore[arg-type]
    assert (Node in model_json._WRITERS) is (after == 1)


def long_fragments() -> list[object]:
    """Fragments whose tuples are longer than a batch: nodes sharing instances across batches,
    scalars, an equal fragment (written as a reference to the first) and the same one again."""
    first = sample()
    nodes = tuple(replace(first, key=f"envs/a::aws_db_instance.db{i}", location=Location("envs/a/main.tf", i % 3))
                  for i in range(7))
    problems = tuple(Problem(location=Location("x.tf", i % 2), message=f"m{i % 2}") for i in range(5))
    fragment = model.Fragment(nodes=nodes, problems=problems, files=tuple(f"f{i}.tf" for i in range(6)))
    few = model.Fragment(problems=problems[:1], notes=("n",))
    return [few, fragment, replace(fragment), fragment, model.Fragment(files=fragment.files), few, "end", [1, 2]]


@pytest.mark.parametrize("batch", [1, 2, 3, 256])
@pytest.mark.parametrize("value", [long_fragments, every_class, lambda: model.Fragment(nodes=(sample(),) * 4),
                                   lambda: [], lambda: [model.Fragment()], lambda: (sample(), sample()), sample])
def test_a_value_in_parts_is_the_text_of_the_whole(value: Callable[[], object], batch: int) -> None:
    """``encode_parts``: the pieces make ``encode``'s text, equal instances written once whichever
    batch they are in, a fragment equal to an earlier one a reference to it."""
    made = value()
    pieces = list(model_json.encode_parts(made, batch=batch))
    assert "".join(pieces) == model_json.encode(made)
    assert model_json.decode("".join(pieces)) == made


def test_a_long_tuple_is_written_in_batches_and_never_whole() -> None:
    value = long_fragments()
    pieces = list(model_json.encode_parts(value, batch=2))
    assert max(len(p) for p in pieces) < len(model_json.encode(value[1].nodes[:3]))  # type: ignore[attr-defined]
    assert model_json.encode(value).count('"Fragment"') == 3  # the equal one and the same one: references


def test_what_cannot_come_back_identically_is_refused_in_parts_too() -> None:
    with pytest.raises(TypeError):
        "".join(model_json.encode_parts([model.Fragment(nodes=(sample(), replace(sample(), notes=["a list"]))),
                                         {1: "a"}], batch=1))  # type: ignore[arg-type]
