"""HostingClue → Hosting: which provider, offer and region a node runs on, and whether that is
SecNumCloud-qualified according to the catalogue.

Fail closed: what the catalogue does not know, or a region that could not be evaluated when the
status depends on it, is ``unknown`` (SNC001 ``qualification-unknown``), never qualified. ``None``
is returned only when the provider cannot be recognised at all (SNC006 upstream) or when the node
is hosted through a cluster (the graph follows the cluster node instead). No provider or resource
type is named here: recognition and status come from ``policies/``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Hashable, Mapping

from linter.graph.recognise import (
    Place,
    Recognised,
    entry_for,
    normalise_region,
    recognise,
    recognise_destination,
    region_given,
    resource_region_paths,
    signal_match,
    source_of,
    values_at,
)
from linter.graph.standing import VISA_YEARS, fact_of, plus_years
from linter.knowledge import Knowledge, Offer, Provider
from linter.model import CatalogueFact, Declaration, Destination, Hosting, HostingClue, ProviderConfig, Unknown

_NOT = ("not_qualified", "ineligible")
# a Hosting's qualification when the provider is known but its qualification depends on a region
# that cannot be evaluated: the graph reports it as undetermined hosting (SNC006), not SNC001
UNDETERMINED = "undetermined"
Assessment = tuple[str, str | None, str, CatalogueFact | None]  # qualification, reason, words, fact


class HostingMemo:
    """What one graph build recognised from provider configurations.

    The resources of one configuration and type resolve alike unless the regions their own
    attributes give differ: each distinct (configuration, type, regions given) is resolved once,
    the configuration told by identity (kept alive here). Across configurations, what recognition
    reads of one (its address and the values at the attributes the provider's entry names, each
    with its type) decides what it recognises: the root modules of an estate, whose
    configurations differ in their tags, share it; only the evidence (where each configuration
    is written) is theirs. And a verdict depends on provider, offer and region alone.
    """

    def __init__(self, knowledge: Knowledge, today: date | None) -> None:
        self.knowledge = knowledge
        self.today = today
        self._heads: dict[tuple[int, str], tuple[ProviderConfig, tuple[str, ...]]] = {}
        self._found: dict[tuple[int, str, tuple[Any, ...]], Hosting | None] = {}
        self._views: dict[int, tuple[ProviderConfig, Hashable]] = {}
        self._sources: dict[tuple[str | None, str], tuple[str | None, bool, Mapping[str, Any] | None]] = {}
        self._recognised: dict[Hashable, Recognised] = {}
        self._assessed: dict[tuple[str | None, str | None, str | Unknown | None], Assessment] = {}

    def from_provider(self, config: ProviderConfig, type_: str, attributes: Mapping[str, Any]) -> Hosting | None:
        head = (id(config), type_)
        known = self._heads.get(head)
        if known is None:
            entry = self.source(config)[2]
            paths = resource_region_paths(entry, type_, self.knowledge) if entry is not None else ()
            known = self._heads[head] = (config, paths)
        key = (*head, tuple(region_given(attributes, path) for path in known[1]))
        if key not in self._found:
            self._found[key] = _from_provider(config, type_, attributes, self.knowledge, self.today, self)
        return self._found[key]

    def source(self, config: ProviderConfig) -> tuple[str | None, bool, Mapping[str, Any] | None]:
        """``source_of`` the configuration, and the recognition entry of that source: told by the
        configuration's source and local name alone, which the root modules of an estate share."""
        named = (config.source, config.name)
        found = self._sources.get(named)
        if found is None:
            found = self._sources[named] = _source(config, self.knowledge)
        return found

    def recognise(self, entry: Mapping[str, Any], config: ProviderConfig, type_: str,
                  attributes: Mapping[str, Any]) -> Recognised:
        """``recognise``, shared by the configurations recognition reads alike."""
        view = self._views.get(id(config))
        if view is None:
            view = self._views[id(config)] = (config, _view(entry, config))
        if view[1] is None:
            return recognise(entry, config, type_, attributes, self.knowledge)
        paths = resource_region_paths(entry, type_, self.knowledge)
        key = (id(entry), view[1], type_, tuple(region_given(attributes, path) for path in paths))
        found = self._recognised.get(key)
        if found is None:
            found = self._recognised[key] = recognise(entry, config, type_, attributes, self.knowledge)
        return found

    def assess(self, provider: str | None, offer: str | None, region: str | Unknown | None) -> Assessment:
        key = (provider, offer, region)
        if key not in self._assessed:
            self._assessed[key] = assess(provider, offer, region, self.knowledge, self.today)
        return self._assessed[key]


def _view(entry: Mapping[str, Any], config: ProviderConfig) -> Hashable:
    """What ``recognise`` reads of a configuration besides the resource: its address and the values
    at the attributes the entry's matchers and region attributes name, each with its type (``1``
    and ``True`` are equal, but not read alike); None when one of them is not hashable (a map, a list)."""
    paths = [m["attribute"] for m in entry.get("matchers", ())]
    paths += [spec if isinstance(spec, str) else spec["attribute"] for spec in entry.get("region_attributes", ())]
    view = (config.address, *(tuple((type(v), repr(v) if type(v) is float else v)  # -0.0 == 0.0
                                    for v in values_at(config.attributes, path)) for path in paths))
    try:
        hash(view)
    except TypeError:
        return None
    return view


def resolve_hosting(clue: HostingClue, type_: str, attributes: Mapping[str, Any], knowledge: Knowledge,
                    today: date | None = None, memo: HostingMemo | None = None) -> Hosting | None:
    """``memo``: one of the same knowledge and day, shared by the resolutions of one graph build."""
    if clue.cluster is not None:
        return None
    if clue.declared is not None:
        return _declared(clue, knowledge, today)
    if clue.provider is not None:
        if memo is not None:
            return memo.from_provider(clue.provider, type_, attributes)
        return _from_provider(clue.provider, type_, attributes, knowledge, today)
    return _from_signals(clue.signals, knowledge, today)


def resolve_destination(destination: Destination, knowledge: Knowledge,
                        today: date | None = None) -> tuple[Hosting | None, Place]:
    """The hosting of storage named by address; None when it is in the cluster itself or cannot
    be told (the Place says which, and why)."""
    place = recognise_destination(destination, knowledge)
    if place.provider is None:
        return None, place
    where = f"{destination.what}: " if destination.what else ""
    return _hosting(place.provider, place.offer, place.region, where + place.why, knowledge, today), place


def qualify(provider: str | None, offer: str | None, region: str | Unknown | None, knowledge: Knowledge,
            today: date | None = None) -> tuple[str, str | None]:
    """(qualification, reason): qualified | in-qualification | not-qualified | unknown, and the
    SNC001 reason (None when qualified)."""
    qualification, reason, _, _ = assess(provider, offer, region, knowledge, today)
    return qualification, reason


def csi_driver_provider(driver: str, knowledge: Knowledge) -> tuple[str | None, str]:
    """(provider id or None, note) for a CSI driver / StorageClass provisioner name."""
    return signal_provider("csi_driver", driver, knowledge)


def signal_provider(kind: str, value: str, knowledge: Knowledge) -> tuple[str | None, str]:
    """(provider id or None, note) for a Kubernetes signal: csi_driver, node_label ("key=value"),
    provider_id, instance_type. None: the signal does not decide (its note says between what)."""
    spec = signal_match(kind, value, knowledge)
    if spec is None:
        return None, f"{kind.replace('_', ' ')} {value} is not in the recognition data"
    return spec.get("provider"), spec["note"]


def assess(provider: str | None, offer: str | None, region: str | Unknown | None, knowledge: Knowledge,
           today: date | None = None) -> Assessment:
    """qualify() with the words that explain it, for a Hosting's evidence, and the catalogue fact
    (row and dates) the verdict rests on."""
    today = today or date.today()
    entry = knowledge.catalog.providers.get(provider or "")
    if entry is None:
        return "unknown", "qualification-unknown", f"provider {provider!r} is not in the catalogue", None
    if entry.status in _NOT:
        fact = fact_of(entry, None, None, entry.status, today)
        return ("not-qualified", "provider-not-qualified",
                _sentence(entry.name, entry.status, "", fact), fact)
    offer_id = _offer_id(entry.id, offer) or entry.default_offer
    if offer_id is None:
        fact = fact_of(entry, None, None, entry.status, today)
        return (*_by_status(entry.status, "offer-not-qualified"),
                _sentence(entry.name, entry.status, " when the offer is not known", fact), fact)
    found = next((o for o in entry.offers if o.id == offer_id), None)
    if found is None:
        return "unknown", "qualification-unknown", f"offer {offer_id} is not in the catalogue", None
    return _offer_status(entry, found, region, today)


def _offer_status(entry: Provider, offer: Offer, region: str | Unknown | None, today: date) -> Assessment:
    status, reason, where, listed = offer.status, "offer-not-qualified", "", None
    if offer.regions:
        if isinstance(region, str):
            listed = next((r for r in offer.regions if r.name.casefold() == region.casefold()), None)
            if listed is None:
                return ("unknown", "qualification-unknown", f"{offer.id}: region {region} is not in the catalogue",
                        fact_of(entry, offer, None, "unknown", today))
            status, where = listed.status, f" in {listed.name}"
            if offer.status not in _NOT:
                reason = "region-not-qualified"
        elif any(r.status != offer.status for r in offer.regions):
            known = "unknown" if isinstance(region, Unknown) else "not given"
            return UNDETERMINED, None, f"{offer.id}: its status depends on the region, which is {known}", None
    fact = fact_of(entry, offer, listed, status, today)
    until = offer.valid_until_date
    if status == "qualified" and until is not None and until < today:
        return ("not-qualified", "qualification-expired",
                _sentence(offer.id, status, f"{where} until {offer.valid_until}, now past", fact), fact)
    if status == "in_qualification" and offer.milestone:
        where += f", {offer.milestone}" + (f" on {offer.milestone_date}" if offer.milestone_date else "")
    return (*_by_status(status, reason), _sentence(offer.id, status, where, fact), fact)


_VERBS = {"qualified": "is qualified", "in_qualification": "is in qualification", "not_qualified": "is not qualified",
          "ineligible": "is ineligible under SecNumCloud 3.2 §19.6", "unknown": "has no known qualification"}


def _sentence(subject: str, status: str, where: str, fact: CatalogueFact) -> str:
    notes = [*(["not verified"] if any("not verified" in c for c in fact.caveats) else []), fact.dates()]
    return f"{subject} {_VERBS[status]}{where} ({'; '.join(notes)})"


def _by_status(status: str, not_qualified_reason: str) -> tuple[str, str | None]:
    return {
        "qualified": ("qualified", None),
        "in_qualification": ("in-qualification", "qualification-pending"),
        "not_qualified": ("not-qualified", not_qualified_reason),
        "ineligible": ("not-qualified", not_qualified_reason),
    }.get(status, ("unknown", "qualification-unknown"))


def _offer_id(provider: str, offer: str | None) -> str | None:
    """Offers may be named short in the config (``iaas`` for ``outscale/iaas``)."""
    if not offer:
        return None
    return offer if "/" in offer else f"{provider}/{offer}"


def _hosting(provider: str | None, offer: str | None, region: str | Unknown | None, evidence: str,
             knowledge: Knowledge, today: date | None, memo: HostingMemo | None = None) -> Hosting:
    """The Hosting, its offer being the provider's default one when none was recognised."""
    entry = knowledge.catalog.providers.get(provider or "")
    if offer is None and entry is not None and entry.default_offer:
        offer, evidence = entry.default_offer, f"{evidence}, offer {entry.default_offer} (the provider's default)"
    qualification, reason, words, fact = (memo.assess(provider, offer, region) if memo is not None
                                          else assess(provider, offer, region, knowledge, today))
    return Hosting(provider=provider, offer=offer, region=region if isinstance(region, str) else None,
                   qualification=qualification, reason=reason, evidence=f"{evidence}; {words}", fact=fact)


def _declared(clue: HostingClue, knowledge: Knowledge, today: date | None) -> Hosting:
    declared = clue.declared or {}
    provider = declared.get("provider")
    entry: Provider | None = knowledge.catalog.providers.get(provider or "")
    offer = _offer_id(provider or "", declared.get("offer"))
    region = declared.get("region")
    if region and entry is not None:
        region = normalise_region(region, entry.id, knowledge)
    given = ", ".join(f"{k} {v}" for k, v in (("provider", provider), ("offer", offer), ("region", region)) if v)
    words = f"declared in {clue.why or 'the config file'}: {given}"
    declaration = clue.declaration
    if declaration is not None:
        words += f" (evidence: {declaration.evidence}" + (f", {declaration.date})" if declaration.date else ")")
    hosting = _hosting(provider, offer, region, words, knowledge, today)
    if declaration is None:
        return hosting
    fact = hosting.fact
    if fact is not None and fact.caveats and _attested(declaration, today or date.today()):
        # the team holds a current attestation of the qualification: the verdict rests on it
        fact = replace(fact, caveats=())
        hosting = replace(hosting, evidence=f"{hosting.evidence}; the catalogue row's caveats are answered by "
                                            f"the attestation declared on {declaration.date}")
    return replace(hosting, fact=fact, declared=declaration)


def _attested(declaration: Declaration, today: date) -> bool:
    """An attestation dated within a visa's three years."""
    try:
        day = date.fromisoformat(declaration.date or "")
    except ValueError:
        return False
    return declaration.attested and day <= today <= plus_years(day, VISA_YEARS)


def _from_provider(config: ProviderConfig, type_: str, attributes: Mapping[str, Any], knowledge: Knowledge,
                   today: date | None, memo: HostingMemo | None = None) -> Hosting | None:
    source, implicit, entry = memo.source(config) if memo is not None else _source(config, knowledge)
    if entry is None and source:
        # a provider we know by name but not in the recognition data or the catalogue: the
        # hosting is determined, its qualification is not (fail closed: docs/architecture.md#qualification-reasons)
        return Hosting(provider=source, offer=None, region=None, qualification="unknown",
                       reason="qualification-unknown",
                       evidence=f"provider {source} ({config.address}) is not in the provider catalogue")
    if entry is None or entry.get("cluster_client"):
        return None
    found = (memo.recognise(entry, config, type_, attributes) if memo is not None
             else recognise(entry, config, type_, attributes, knowledge))
    where = f"{config.address} at {config.location.file}:{config.location.line}" if config.location else \
        f"{config.address}, implicit empty configuration"
    words = [f"provider {source} ({'implied by the name ' + repr(config.name) + '; ' if implicit else ''}{where})",
             *found.steps]
    if found.undetermined or entry.get("provider") is None and found.provider is None:
        return None
    words += _region_words(found)
    if found.unknown:
        return Hosting(provider=None, offer=None, region=found.region if isinstance(found.region, str) else None,
                       qualification="unknown", reason="qualification-unknown",
                       evidence=", ".join([*words, found.unknown]))
    return _hosting(found.provider, found.offer, found.region, ", ".join(words), knowledge, today, memo)


def _source(config: ProviderConfig, knowledge: Knowledge) -> tuple[str | None, bool, Mapping[str, Any] | None]:
    source, implicit = source_of(config, knowledge)
    return source, implicit, entry_for(source, knowledge) if source else None


def _region_words(found: Recognised) -> list[str]:
    if isinstance(found.region, Unknown):
        return [f"region unknown ({found.region.reason}) {found.region_from}"]
    return [f"region {found.region} {found.region_from}"] if found.region else ["no region given"]


def _from_signals(signals: Mapping[str, str], knowledge: Knowledge, today: date | None) -> Hosting | None:
    """A Kubernetes object with no cluster but a telling signal (a CSI driver …)."""
    for kind, value in signals.items():
        spec = signal_match(kind, value, knowledge)
        if spec is not None and spec.get("provider"):
            offer = spec.get("offer")
            return _hosting(spec["provider"], offer, None,
                            f"{kind.replace('_', ' ')} {value}: {spec['note'].rstrip('.')}", knowledge, today)
    return None
