"""Typed view of the shipped (and user-added) knowledge under ``policies/``.

Everything that says *which* resource types are data stores, *which* attributes are data flows,
*how* a provider is recognised and *which* offers are qualified is YAML validated by a JSON Schema
(``linter/schemas``) and loaded here once per run. Code never tests a resource type by name.
"""
from __future__ import annotations

import fnmatch
import functools
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, TypeVar

from linter.model import NodeKind, RuleInfo


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeInfo:
    """What we know of one Terraform resource type or Kubernetes kind."""

    kind: NodeKind
    tag_paths: tuple[str, ...] = ()  # dotted attribute paths holding tags/labels
    region_paths: tuple[str, ...] = ()  # resource-level region/location/zone attributes
    provider: str | None = None  # provider id when the type alone tells it (``outscale_*``)
    tag_format: str = "map"  # map | key-value-blocks (Outscale ``tags {}``) | key=value-list (Scaleway)
    # False when the provider accepts no tags on this type: provider default_tags do not reach it
    taggable: bool = True
    # a data store's sub-setting (bucket policy, versioning…): the attribute naming its data store
    setting_of: str | None = None
    # a module: the Terraform provider type (local name, ``aws``, ``google``) its resources use
    uses_provider: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowRule:
    """An attribute of ``type`` that refers to another resource and carries data between them.

    ``direction`` says which way data goes: ``from-target`` when the referenced resource is the
    source (``aws_db_instance.replicate_source_db``: the source replicates_to this resource),
    ``to-target`` when this resource sends data to the referenced one (a log sink's destination),
    ``both`` for peers (members of a global cluster). ``attribute`` is a path: ``a>b`` follows the
    reference at ``a`` and reads ``b`` on its target; ``a|b`` names alternatives (docs/flows.md).
    """

    type: str
    attribute: str
    relation: str
    direction: str = "from-target"
    # set when ``type`` only carries the flow between two other resources (an S3 replication
    # configuration): data goes from the resource referenced here to the one ``attribute`` references
    from_attribute: str | None = None
    note: str = ""
    # what the attribute holds: a reference to another resource (the default), or a region the data
    # is sent to (``region``), the source region's pair (``paired-region``, from ``pairs``), or some
    # other region that the setting does not name (``other-region``); ``when`` gates the flow on the
    # attribute's value (``{equals: false}``, ``{pattern: "^(RA)?GZ?RS$"}``)
    value: str = "reference"
    when: Mapping[str, Any] | None = None
    pairs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """An offer's status in one region (a qualification may not cover every region)."""

    name: str
    status: str  # qualified | in_qualification | not_qualified | ineligible | unknown
    note: str = ""
    verified: bool = True  # False: the sources could not confirm it (see note)
    sources: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """One offer of a provider in the catalogue and its qualification status, with its sources."""

    id: str  # "outscale/iaas"
    name: str
    status: str
    regions: tuple[Region, ...] = ()  # empty: the status holds wherever the offer runs
    since: str | None = None
    valid_until: str | None = None
    version: str | None = None
    sources: tuple[Mapping[str, str], ...] = ()
    note: str = ""
    service_type: str | None = None  # IaaS | PaaS | SaaS | CaaS …
    milestone: str | None = None  # J0…J3 while in qualification
    milestone_date: str | None = None
    verified: bool = True  # False: the sources could not confirm the status (see note)

    @property
    def valid_until_date(self) -> date | None:
        """``valid_until`` as a date (the schema checks its format)."""
        return date.fromisoformat(self.valid_until) if self.valid_until else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider:
    """A cloud provider in the catalogue: its offers, the one assumed by default, its status."""

    id: str  # "aws", "outscale", "s3ns" …
    name: str
    status: str  # the provider-wide status when no offer is known
    offers: tuple[Offer, ...] = ()
    default_offer: str | None = None
    checked_on: str | None = None
    sources: tuple[Mapping[str, str], ...] = ()
    note: str = ""
    verified: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    """The providers' catalogue (SecNumCloud qualifications), with when and against what it was checked."""

    providers: Mapping[str, Provider]
    checked_on: str | None = None
    note: str = ""  # e.g. "re-check every row against ANSSI's list"
    sources: tuple[Mapping[str, str], ...] = ()  # the authoritative list(s)
    checked_against: str = ""  # what the rows were checked against
    files: int = 1  # catalogue files merged (the shipped one, then --catalog / config ones)


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """How classification keys and values are compared, by the classifier and by whatever ranks
    tags before it: case- and accent-insensitive (``Particulière`` → ``particuliere``). The same
    few keys and values recur on every node of a scan, hence the cache."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class Vocabulary:
    """Classification keys and levels (docs/architecture.md#classification); the config may replace them."""

    keys: tuple[str, ...]
    levels: Mapping[str, tuple[str, ...]]  # level → accepted values
    requires_secnumcloud: frozenset[str]  # levels that require SecNumCloud


@dataclass(frozen=True, slots=True, kw_only=True)
class Knowledge:
    """Everything the stages know that is not code: the shipped policy files merged with the packs."""

    types: Mapping[str, TypeInfo]  # Terraform types and Kubernetes kinds
    default_tag_paths: tuple[str, ...]
    flows: tuple[FlowRule, ...]
    catalog: Catalog
    recognition: Mapping[str, Any]  # validated recognition data, read by graph.hosting
    rules: tuple[RuleInfo, ...]
    vocabulary: Vocabulary
    # module source patterns (``*`` globs) → what is known of them, most specific first
    module_patterns: tuple[tuple[str, TypeInfo], ...] = ()
    # what the above were built from: one merged document per kind read at load (``policy_kinds``)
    documents: Mapping[str, Any] = field(default_factory=dict)
    # user files of the kinds a stage reads on demand (``kubernetes``…), validated, in order:
    # ``policy_files.document`` merges them over the shipped file
    packs: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # what ``derived`` computed from the fields above, once per object (a changed copy starts empty)
    memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def module_info(self, key: str) -> TypeInfo | None:
        """What is known of a module by its source key (``linter.module_sources.module_key``):
        an exact entry first, then the most specific pattern that matches."""
        info = self.types.get(key)
        if info is not None:
            return info
        # asked once per resource by hosting recognition: a type that no entry names (most of an
        # estate's) would be matched against every pattern each time
        matched: dict[str, TypeInfo | None] = derived(self, "module_info", dict)
        if key not in matched:
            matched[key] = next((i for pattern, i in self.module_patterns
                                 if key.startswith(_literal_head(pattern)) and fnmatch.fnmatchcase(key, pattern)),
                                None)
        return matched[key]

    def kind_of(self, type_: str) -> NodeKind:
        info = self.types.get(type_)
        return info.kind if info else NodeKind.OTHER

    def tag_paths(self, type_: str) -> tuple[str, ...]:
        info = self.types.get(type_)
        return info.tag_paths if info and info.tag_paths else self.default_tag_paths

    def rule(self, rule_id: str) -> RuleInfo | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@functools.cache
def _literal_head(pattern: str) -> str:
    """What a glob's matches all start with: only patterns that can match a key are compiled to a
    regular expression (a small scan looks up a module or two against dozens of patterns)."""
    return pattern[:next((i for i, c in enumerate(pattern) if c in "*?["), len(pattern))]


T = TypeVar("T")


def derived(knowledge: Knowledge, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per knowledge object and ``key``: knowledge does not change during a
    scan, and what the hot paths derive from it (a table, an index) must not be redone per call."""
    try:
        return knowledge.memo[key]  # type: ignore[no-any-return]
    except KeyError:
        value = knowledge.memo[key] = compute()
        return value


def per_knowledge(function: Callable[[Knowledge], T]) -> Callable[[Knowledge], T]:
    """A function of the knowledge alone, memoised with ``derived``."""
    @functools.wraps(function)
    def memoised(knowledge: Knowledge) -> T:
        return derived(knowledge, function, lambda: function(knowledge))

    return memoised
