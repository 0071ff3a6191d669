"""Validated policy data (plain dicts from YAML) → the typed view of ``linter.knowledge``.

Kept apart from reading, validating and merging (``policy_files``, ``policy_kinds``) so that each
function here can trust its input: every key it reads was required or typed by the JSON Schema of
its kind. The consistency checks a schema cannot express (an offer id under its provider, a regex
with a ``region`` group, ids that recognition data names being in the catalogue) live here too,
next to the shapes they work on.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping

from linter.knowledge import Catalog, FlowRule, Offer, Provider, Region, TypeInfo, Vocabulary
from linter.model import NodeKind, RuleInfo, Severity
from linter.policy_regex import compiled, patterns_in, refused


def types_of(data: Mapping[str, Any]) -> dict[str, TypeInfo]:
    """Each group's defaults applied to its types; a type given as a bare string is its kind. The
    shipped types (about 850) have some 60 descriptions between them: each is made once, at every
    start."""
    out: dict[str, TypeInfo] = {}
    made: dict[tuple[Any, ...], TypeInfo] = {}
    for group in data.get("groups", ()):
        for name, spec in group["types"].items():
            spec = {"kind": spec} if isinstance(spec, str) else spec
            fields = (spec["kind"], tuple(spec.get("tag_paths", group.get("tag_paths", ()))),
                      tuple(spec.get("region_paths", group.get("region_paths", ()))),
                      spec.get("provider", group.get("provider")),
                      spec.get("tag_format", group.get("tag_format", "map")),
                      spec.get("taggable", group.get("taggable", True)),
                      spec.get("setting_of", group.get("setting_of")))
            info = made.get(fields)
            if info is None:
                kind, tag_paths, region_paths, provider, tag_format, taggable, setting_of = fields
                info = made[fields] = TypeInfo(kind=NodeKind(kind), tag_paths=tag_paths, region_paths=region_paths,
                                               provider=provider, tag_format=tag_format, taggable=taggable,
                                               setting_of=setting_of)
            out[name] = info
    return out


def modules_of(data: Mapping[str, Any]) -> tuple[dict[str, TypeInfo], list[tuple[str, TypeInfo]], list[FlowRule]]:
    """Module knowledge: exact source keys, ``*`` patterns, and the flows their arguments carry."""
    exact: dict[str, TypeInfo] = {}
    patterns: list[tuple[str, TypeInfo]] = []
    flows: list[FlowRule] = []
    for group in data.get("groups", ()):
        for key, spec in group["modules"].items():
            spec = {"kind": spec} if isinstance(spec, str) else spec
            info = TypeInfo(
                kind=NodeKind(spec["kind"]),
                tag_paths=tuple(spec.get("classification", group.get("classification", ()))),
                region_paths=tuple(spec.get("region", group.get("region", ()))),
                uses_provider=spec.get("provider", group.get("provider")),
            )
            if "*" in key:
                patterns.append((key, info))
                continue
            exact[key] = info
            flows.extend(FlowRule(type=key, attribute=f["argument"], relation=f["relation"],
                                  direction=f.get("direction", "from-target"), note=f.get("note", ""))
                         for f in spec.get("flows", ()))
    return exact, patterns, flows


def flows_of(data: Mapping[str, Any]) -> list[FlowRule]:
    return [FlowRule(type=f["type"], attribute=f["attribute"], relation=f["relation"],
                     direction=f.get("direction", "to-target" if "from_attribute" in f else "from-target"),
                     from_attribute=f.get("from_attribute"), note=f.get("note", ""),
                     value=f.get("value", "reference"), when=f.get("when"),
                     pairs=MappingProxyType(dict(f.get("pairs") or {})))
            for f in data.get("flows", ())]


def rules_of(data: Mapping[str, Any]) -> list[RuleInfo]:
    return [RuleInfo(id=r["id"], title=r["title"], severity=Severity.parse(r["severity"]), check=r["check"],
                     rationale=r["rationale"], remediation=r["remediation"],
                     references=tuple(_reference(ref) for ref in r.get("references", ())),
                     help_uri=r.get("help_uri", ""), params=MappingProxyType(dict(r.get("params") or {})),
                     examples=MappingProxyType(dict(r.get("examples") or {})))
            for r in data.get("rules", ())]


def _reference(ref: Mapping[str, str]) -> str:
    return f"{ref['title']} — {ref['url']}" if ref.get("url") else ref["title"]


def vocabulary_of(data: Mapping[str, Any]) -> Vocabulary:
    return Vocabulary(keys=tuple(data["keys"]),
                      levels=MappingProxyType({k: tuple(v) for k, v in data["levels"].items()}),
                      requires_secnumcloud=frozenset(data["requires"]))


def providers_of(data: Mapping[str, Any]) -> dict[str, Provider]:
    """Providers as merged (each already given its file's ``checked_on`` when it had none:
    ``policy_kinds``)."""
    return {pid: Provider(id=pid, name=p["name"], status=p["status"],
                          offers=tuple(_offer(o) for o in p.get("offers", ())),
                          default_offer=p.get("default_offer"), checked_on=p.get("checked_on"),
                          sources=tuple(p.get("sources", ())), note=p.get("note", ""),
                          verified=p.get("verified", True))
            for pid, p in data.get("providers", {}).items()}


def _offer(o: Mapping[str, Any]) -> Offer:
    return Offer(id=o["id"], name=o["name"], status=o["status"],
                 regions=tuple(Region(name=r["name"], status=r["status"], note=r.get("note", ""),
                                      verified=r.get("verified", True), sources=tuple(r.get("sources", ())))
                               for r in o.get("regions", ())),
                 since=o.get("since"), valid_until=o.get("valid_until"), version=o.get("version"),
                 sources=tuple(o.get("sources", ())), note=o.get("note", ""),
                 service_type=o.get("service_type"), milestone=o.get("milestone"),
                 milestone_date=o.get("milestone_date"), verified=o.get("verified", True))


def catalog_of(data: Mapping[str, Any], files: int) -> Catalog:
    """The catalogue of the merged catalogue files (``files`` of them: the shipped one, then
    ``--catalog`` and packs' ones)."""
    return Catalog(providers=MappingProxyType(providers_of(data)), checked_on=data.get("checked_on"),
                   note=data.get("note", ""), sources=tuple(data.get("sources", ())),
                   checked_against=data.get("checked_against", ""), files=files)


# --- consistency checks a schema cannot express --------------------------------------------------

def catalog_problems(data: Mapping[str, Any]) -> list[str]:
    out = []
    for pid, p in data.get("providers", {}).items():
        ids = [o["id"] for o in p.get("offers", ())]
        for i, offer in enumerate(p.get("offers", ())):
            where = f"providers.{pid}.offers[{i}]"
            if not offer["id"].startswith(pid + "/"):
                out.append(f"{where}.id: {offer['id']!r} must start with {pid + '/'!r}")
            if ids.count(offer["id"]) > 1:
                out.append(f"{where}.id: {offer['id']!r} appears more than once")
            if offer.get("since") and offer.get("valid_until") and offer["valid_until"] < offer["since"]:
                out.append(f"{where}.valid_until: {offer['valid_until']} is before since {offer['since']}")
            names = [r["name"].casefold() for r in offer.get("regions", ())]
            for j, name in enumerate(names):
                if names.count(name) > 1:
                    out.append(f"{where}.regions[{j}].name: {name!r} appears more than once")
        if p.get("default_offer") and p["default_offer"] not in ids:
            out.append(f"providers.{pid}.default_offer: {p['default_offer']!r} is not one of its offers")
    return out


def rules_problems(data: Mapping[str, Any]) -> list[str]:
    ids = [r["id"] for r in data.get("rules", ())]
    return [f"rules[{i}].id: {rid!r} appears more than once" for i, rid in enumerate(ids) if ids.count(rid) > 1]


def classification_problems(data: Mapping[str, Any]) -> list[str]:
    return [f"requires[{i}]: {level!r} is not one of the levels" for i, level in enumerate(data["requires"])
            if level not in data["levels"]]


def flows_problems(data: Mapping[str, Any]) -> list[str]:
    out = [f"{where}: {why}" for where, pattern in patterns_in(data) if (why := refused(pattern))]
    for i, f in enumerate(data.get("flows", ())):
        if "from_attribute" in f and f.get("direction", "to-target") != "to-target":
            out.append(f"flows[{i}].direction: a flow with from_attribute goes to-target")
        value = f.get("value", "reference")
        if value != "reference" and ("from_attribute" in f or f.get("direction", "to-target") != "to-target"):
            out.append(f"flows[{i}]: a {value} flow goes to-target from its own resource (no from_attribute)")
        if (value == "paired-region") != bool(f.get("pairs")):
            out.append(f"flows[{i}].pairs: given for, and only for, a paired-region flow")
    return out


def resource_types_problems(data: Mapping[str, Any]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for g, group in enumerate(data.get("groups", ())):
        for name in group["types"]:
            if name in seen:
                out.append(f"groups[{g}].types.{name}: already given in groups[{seen[name]}]")
            seen[name] = g
    return out


def modules_problems(data: Mapping[str, Any]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for g, group in enumerate(data.get("groups", ())):
        for key, spec in group["modules"].items():
            if key in seen:
                out.append(f"groups[{g}].modules.{key}: already given in groups[{seen[key]}]")
            seen[key] = g
            if "*" in key and isinstance(spec, Mapping) and spec.get("flows"):
                out.append(f"groups[{g}].modules.{key}: flows need an exact source, not a pattern")
    return out


def kubernetes_problems(data: Mapping[str, Any]) -> list[str]:
    """Patterns (the cluster-scoped API groups) must be RE2's: a pack's pattern meets API groups
    written by the scanned manifests."""
    return [f"{where}: {why}" for where, pattern in patterns_in(data) if (why := refused(pattern))]


def recognition_problems(data: Mapping[str, Any]) -> list[str]:
    """Patterns must be RE2's (linear time); region patterns must have a named group ``region``;
    a matcher may have one."""
    out = [f"{where}: {why}" for where, pattern in patterns_in(data) if (why := refused(pattern))]
    if out:
        return out
    for i, entry in enumerate(data.get("terraform", {}).get("providers", ())):
        for j, attr in enumerate(entry.get("region_attributes", ())):
            if isinstance(attr, Mapping) and "region" not in compiled(attr["pattern"]).groupindex:
                out.append(f"terraform.providers[{i}].region_attributes[{j}].pattern: needs a group (?P<region>…)")
        for j, matcher in enumerate(entry.get("matchers", ())):
            if matcher.get("undetermined") and (matcher.get("provider") or matcher.get("offer")):
                out.append(f"terraform.providers[{i}].matchers[{j}]: undetermined excludes provider and offer")
    for name, entries in data.get("endpoints", {}).items():
        for j, entry in enumerate(entries):
            if entry.get("offer") and not entry.get("provider"):
                out.append(f"endpoints.{name}[{j}]: an offer needs its provider")
    for pid, rule in data.get("regions", {}).items():
        for j, pattern in enumerate(rule.get("patterns", ())):
            if "region" not in compiled(pattern).groupindex:
                out.append(f"regions.{pid}.patterns[{j}]: needs a group (?P<region>…)")
    return out


def reference_problems(recognition: Mapping[str, Any], catalog: Catalog,
                       lists: Iterable[str] = ()) -> list[str]:
    """Provider and offer ids that a recognition file names must be in the catalogue, and the
    endpoint lists it defers to must exist (in it, or among ``lists``: the merged ones)."""
    providers = catalog.providers
    offers = {o.id for p in providers.values() for o in p.offers}
    out = []

    def check(where: str, provider: Any, offer: Any) -> None:
        if isinstance(provider, str) and provider not in providers:
            out.append(f"{where}: provider {provider!r} is not in the catalogue")
        if isinstance(offer, str) and offer not in offers:
            out.append(f"{where}: offer {offer!r} is not in the catalogue")

    for i, entry in enumerate(recognition.get("terraform", {}).get("providers", ())):
        check(f"terraform.providers[{i}]", entry.get("provider"), None)
        for j, m in enumerate(entry.get("matchers", ())):
            check(f"terraform.providers[{i}].matchers[{j}]", m.get("provider"), m.get("offer"))
        for j, t in enumerate(entry.get("offers_by_type", ())):
            check(f"terraform.providers[{i}].offers_by_type[{j}]", None, t["offer"])
    for name, signals in recognition.get("kubernetes", {}).get("signals", {}).items():
        for j, s in enumerate(signals):
            check(f"kubernetes.signals.{name}[{j}]", s.get("provider"), s.get("offer"))
            for candidate in s.get("candidates", ()):
                check(f"kubernetes.signals.{name}[{j}].candidates", candidate, None)
    for pid in recognition.get("regions", {}):
        check(f"regions.{pid}", pid, None)
    lists = {*recognition.get("endpoints", {}), *lists}
    for name, entries in recognition.get("endpoints", {}).items():
        for j, e in enumerate(entries):
            check(f"endpoints.{name}[{j}]", e.get("provider"), e.get("offer"))
            if e.get("endpoints") and e["endpoints"] not in lists:
                out.append(f"endpoints.{name}[{j}]: no endpoint list {e['endpoints']!r}")
    for i, entry in enumerate(recognition.get("terraform", {}).get("providers", ())):
        for j, m in enumerate(entry.get("matchers", ())):
            if m.get("endpoints") and m["endpoints"] not in lists:
                out.append(f"terraform.providers[{i}].matchers[{j}]: no endpoint list {m['endpoints']!r}")
    for j, g in enumerate(recognition.get("kubernetes", {}).get("api_groups", ())):
        check(f"kubernetes.api_groups[{j}]", g.get("provider"), g.get("offer"))
    return out

