"""Qualified hosting that rests on a catalogue row not verified, or whose visa may have lapsed."""
from __future__ import annotations

from typing import Any, Mapping

from linter.rules.check_api import Context, Match
from linter.rules.checks._common import hosting_words, path_evidence, sensitive_resources


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """A sensitive resource on hosting the catalogue calls qualified, but on a row that is not
    verified or whose visa may have lapsed: the verdict is shown, with the row and its dates."""
    out = []
    for node, level, steps in sensitive_resources(ctx, params):
        hosting_evidence, hosting = ctx.hosting_of(node.key)
        fact = hosting.fact if hosting is not None else None
        if hosting is None or not hosting.qualified or fact is None or not fact.caveats:
            continue
        origin = steps[0].source if steps else node.key
        evidence = [*ctx.classification_evidence(origin), *path_evidence(ctx, steps, node.key), *hosting_evidence]
        out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                         sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                         message=(f"{node.address} holds {level} data on {hosting_words(hosting)}, but that "
                                  f"rests on the catalogue row {fact.subject} ({fact.dates()}): "
                                  f"{'; '.join(fact.caveats)}. Check ANSSI's list; record a verified fact "
                                  f"with --catalog, or declare the hosting with the attestation you hold "
                                  f"(docs/catalogue.md)")))
    return out
