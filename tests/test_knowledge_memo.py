"""What hot paths derive from the knowledge is computed once per knowledge object, and is not part
of what the knowledge is (``linter.knowledge.derived``)."""
from __future__ import annotations

from dataclasses import replace

from linter.knowledge import derived, per_knowledge
from linter.loaders.value_digest import value_digest
from linter.policy_files import load_knowledge
from linter.provider_sources import registry_hosts


def test_a_derived_value_is_computed_once_per_knowledge_object() -> None:
    knowledge = load_knowledge()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert derived(knowledge, "test.count", compute) == 1
    assert derived(knowledge, "test.count", compute) == 1
    copy = replace(knowledge, default_tag_paths=())
    assert derived(copy, "test.count", compute) == 2  # a changed copy derives again


def test_per_knowledge_follows_the_object_it_is_given() -> None:
    knowledge = load_knowledge()
    assert registry_hosts(knowledge) is registry_hosts(knowledge)
    recognition = {**knowledge.recognition, "terraform": {"registry_hosts": ["Forge.Example.org/"]}}
    assert registry_hosts(replace(knowledge, recognition=recognition)) == ("forge.example.org",)
    assert per_knowledge(lambda k: len(k.rules))(knowledge) == len(knowledge.rules)


def test_the_memo_is_not_part_of_the_knowledge_digest() -> None:
    knowledge = load_knowledge()
    before = value_digest(replace(knowledge))
    registry_hosts(knowledge)
    derived(knowledge, "test.set", lambda: {object()})  # not even digestible
    assert value_digest(knowledge) == before
