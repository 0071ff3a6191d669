"""The audit part of the HTML report: the scope, the per-system table, totals, and an inline SVG
picture of the sensitive objects and where they run, in French or English.

The picture is laid out here (two columns: sensitive objects grouped by system, and the hosting
they run on; data flows as arcs between objects), so no Graphviz or other binary is needed, and
every piece of scanned text in it is escaped like the rest of the page.
"""
from __future__ import annotations

from collections import Counter
from html import escape
from typing import Callable, Iterable, Sequence

from linter.model import ScanResult, SystemRow
from linter.reporters.common import visible

LANGS = ("en", "fr")
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "snclint audit report", "contents": "Contents", "scope": "Scope", "summary": "Summary",
        "systems": "Sensitive systems", "totals": "Totals", "picture": "Picture of the sensitive chains",
        "findings": "Findings", "suppressed": "Suppressed findings", "notes": "Notes", "rules": "Rules",
        "paths": "Scanned paths", "config": "Configuration", "none": "none (defaults)",
        "repositories": "Repositories", "catalogue": "Catalogue",
        "caveat": "Qualifications come from snclint's provider catalogue (see `snclint providers`), as "
                  "checked on the date it states. ANSSI's list of qualified offers changes: check it "
                  "(cyber.gouv.fr) before acting on a verdict. Only what the scanned files say is judged; "
                  "what they cannot show (a hosting declared elsewhere, data outside them) is not.",
        "system": "System", "repository": "Repository", "object": "Sensitive object", "sensitivity": "Level",
        "provider": "Provider", "offer": "Offer", "region": "Region", "qualification": "Qualification",
        "verdict": "Verdict", "objects": "objects", "by_provider": "By provider", "by_offer": "By offer",
        "by_rule": "By rule", "rule": "Rule", "active": "Findings", "count": "Sensitive objects",
        "bad": "Not compliant", "no_systems": "No sensitive object was found.",
        "compliant": "compliant", "non-compliant": "not compliant", "undetermined": "undetermined",
        "exception": "exception", "more": "{n} more objects are in the table above.",
        "legend": "Green: qualified hosting; red: not qualified; amber: unknown or undetermined. "
                  "Dashed arcs: data flows (replica, backup, export, copy) between sensitive objects.",
        "no_system": "(manifests on no known cluster)", "suppressed_h": "Suppressed",
        "errors": "errors", "warnings": "warnings", "info": "info", "suppressed_n": "suppressed",
        "files": "files", "resources": "resources", "evidence": "Evidence",
    },
    "fr": {
        "title": "Rapport d'audit snclint", "contents": "Sommaire", "scope": "Périmètre", "summary": "Synthèse",
        "systems": "Systèmes sensibles", "totals": "Totaux", "picture": "Schéma des chaînes sensibles",
        "findings": "Constats", "suppressed": "Constats exemptés", "notes": "Remarques", "rules": "Règles",
        "paths": "Chemins analysés", "config": "Configuration", "none": "aucune (valeurs par défaut)",
        "repositories": "Dépôts", "catalogue": "Catalogue",
        "caveat": "Les qualifications viennent du catalogue des fournisseurs de snclint (voir `snclint "
                  "providers`), vérifié à la date qu'il indique. La liste des offres qualifiées de l'ANSSI "
                  "évolue : consultez-la (cyber.gouv.fr) avant d'agir sur un verdict. Seul ce que disent les "
                  "fichiers analysés est jugé ; ce qu'ils ne montrent pas (un hébergement déclaré ailleurs, "
                  "des données hors de ces fichiers) ne l'est pas.",
        "system": "Système", "repository": "Dépôt", "object": "Objet sensible", "sensitivity": "Niveau",
        "provider": "Fournisseur", "offer": "Offre", "region": "Région", "qualification": "Qualification",
        "verdict": "Verdict", "objects": "objets", "by_provider": "Par fournisseur", "by_offer": "Par offre",
        "by_rule": "Par règle", "rule": "Règle", "active": "Constats", "count": "Objets sensibles",
        "bad": "Non conformes", "no_systems": "Aucun objet sensible n'a été trouvé.",
        "compliant": "conforme", "non-compliant": "non conforme", "undetermined": "indéterminé",
        "exception": "exemption", "more": "{n} autres objets figurent dans le tableau ci-dessus.",
        "legend": "Vert : hébergement qualifié ; rouge : non qualifié ; orange : inconnu ou indéterminé. "
                  "Arcs en pointillés : flux de données (réplique, sauvegarde, export, copie) entre objets "
                  "sensibles.",
        "no_system": "(manifestes sans cluster connu)", "suppressed_h": "Exemptés",
        "errors": "erreurs", "warnings": "avertissements", "info": "infos", "suppressed_n": "exemptés",
        "files": "fichiers", "resources": "ressources", "evidence": "Preuves",
    },
}
QUALIFICATION_COLOUR = {"qualified": "#1e7e34", "not-qualified": "#b3261e"}
UNKNOWN_COLOUR = "#c77700"
PICTURE_LIMIT = 40  # objects drawn; the table lists them all


def text(lang: str) -> Callable[[str], str]:
    table = TEXT.get(lang, TEXT["en"])
    return lambda key: table.get(key, TEXT["en"][key])


def _e(value: str | None) -> str:
    return escape(visible(value or ""), quote=True)


def contents(sections: Sequence[tuple[str, str]], t: Callable[[str], str]) -> str:
    items = "".join(f'<li><a href="#{anchor}">{_e(title)}</a></li>' for anchor, title in sections)
    return f'<nav id="contents" aria-label="{_e(t("contents"))}"><h2>{_e(t("contents"))}</h2><ol>{items}</ol></nav>'


def scope(result: ScanResult, scanned: Sequence[str], config: str | None, catalogue: str,
          t: Callable[[str], str]) -> str:
    rows = [(t("paths"), ", ".join(scanned) or "."), (t("config"), config or t("none"))]
    if result.parts:
        rows.append((t("repositories"), ", ".join(p.name or "." for p in result.parts)))
    if catalogue:
        rows.append((t("catalogue"), catalogue))
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return (f'<section id="scope"><h2>{_e(t("scope"))}</h2><dl class="facts">{facts}</dl>'
            f'<p class="caveat">{_e(t("caveat"))}</p></section>')


def _where(row: SystemRow) -> tuple[str, str, str, str]:
    h = row.hosting
    if h is None:
        return "?", "", "", "undetermined"
    return h.provider or "?", (h.offer or "").removeprefix(f"{h.provider}/"), h.region or "", h.qualification


VERDICT_ORDER = ("non-compliant", "undetermined", "exception", "compliant")


def systems(result: ScanResult, t: Callable[[str], str]) -> str:
    """One row per system (root module, unit, cluster; per repository when merged), worst first:
    its sensitive objects (folded), where they run, and the worst verdict among them."""
    groups: dict[tuple[str, str], list[SystemRow]] = {}
    for row in result.systems:
        groups.setdefault((row.repository, row.system), []).append(row)
    out = [f'<section id="systems"><h2>{_e(t("systems"))} <span class="count">{len(groups)}</span></h2>']
    if not groups:
        out.append(f'<p class="empty">{_e(t("no_systems"))}</p></section>')
        return "\n".join(out)
    merged = any(r.repository for r in result.systems)
    heads = [*([t("repository")] if merged else []), t("system"), t("object"), t("provider"), t("offer"),
             t("region"), t("qualification"), t("verdict")]
    out.append('<table class="systems"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in heads)
               + "</tr></thead><tbody>")

    def worst(rows: list[SystemRow]) -> str:
        return min((r.verdict for r in rows), key=VERDICT_ORDER.index)

    for (repository, system), rows in sorted(groups.items(), key=lambda g: (VERDICT_ORDER.index(worst(g[1])), g[0])):
        where = [_where(r) for r in rows]
        verdict = worst(rows)
        levels = sorted({r.sensitivity for r in rows})
        objects = "".join(
            f'<li class="{_e(r.verdict)}"><code>{_e(r.address)}</code> {_e(r.sensitivity)}, {_e(_hosting_label(r))}: '
            f'{_e(t(r.verdict))} <span class="loc">{_e(r.location.file)}:{r.location.line}</span></li>'
            for r in rows)
        cells = [*([f"<td>{_e(repository)}</td>"] if merged else []),
                 f'<td class="system">{_e(system if system != "-" else t("no_system"))}</td>',
                 f'<td><details><summary>{len(rows)} ({_e(", ".join(levels))})</summary><ul class="objects">'
                 f"{objects}</ul></details></td>",
                 *(f"<td>{_e(', '.join(sorted({w[i] for w in where if w[i]})))}</td>" for i in range(3)),
                 f'<td>{_e(", ".join(sorted({w[3] for w in where})))}</td>',
                 f'<td class="verdict {_e(verdict)}">{_e(t(verdict))}</td>']
        out.append(f'<tr class="{_e(verdict)}">' + "".join(cells) + "</tr>")
    out.append("</tbody></table></section>")
    return "\n".join(out)


def _table(title: str, heads: Sequence[str], rows: Iterable[Sequence[str | int]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{_e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    body = body or f'<tr><td colspan="{len(heads)}" class="empty">—</td></tr>'  # an empty table still reads as one
    return (f'<div class="total"><h3>{_e(title)}</h3><table><thead><tr>'
            + "".join(f"<th>{_e(h)}</th>" for h in heads) + f"</tr></thead><tbody>{body}</tbody></table></div>")


def totals(result: ScanResult, t: Callable[[str], str]) -> str:
    by_provider: Counter[str] = Counter()
    bad_provider: Counter[str] = Counter()
    by_offer: Counter[str] = Counter()
    bad_offer: Counter[str] = Counter()
    for row in result.systems:
        provider, offer, _, _ = _where(row)
        label = f"{provider}/{offer}" if offer else provider
        by_provider[provider] += 1
        by_offer[label] += 1
        if row.verdict != "compliant":
            bad_provider[provider] += 1
            bad_offer[label] += 1
    active = Counter(f.rule_id for f in result.active)
    silenced = Counter(f.rule_id for f in result.findings if f.suppressed_by is not None)
    titles = {r.id: r.title for r in result.rules}
    parts = [
        _table(t("by_provider"), [t("provider"), t("count"), t("bad")],
               [(k, by_provider[k], bad_provider[k]) for k in sorted(by_provider)]),
        _table(t("by_offer"), [t("offer"), t("count"), t("bad")],
               [(k, by_offer[k], bad_offer[k]) for k in sorted(by_offer)]),
        _table(t("by_rule"), [t("rule"), t("active"), t("suppressed_h")],
               [(f"{r} {titles.get(r, '')}".strip(), active[r], silenced[r]) for r in sorted(active | silenced)]),
    ]
    return f'<section id="totals"><h2>{_e(t("totals"))}</h2><div class="totals">{"".join(parts)}</div></section>'


def picture(result: ScanResult, t: Callable[[str], str]) -> str:
    """Sensitive objects on the left (grouped by system), their hosting on the right."""
    # what an auditor looks for first: what is not compliant, then the chains of flows
    rows = sorted(result.systems, key=lambda r: (VERDICT_ORDER.index(r.verdict), not r.flows, r.system, r.address))
    shown = sorted(rows[:PICTURE_LIMIT], key=lambda r: (r.system, r.address))
    if not shown:
        return ""
    line_h, left_x, box_w, right_x, right_w, top = 24, 40, 330, 600, 300, 16
    y = top
    place: dict[tuple[str, str], float] = {}
    body: list[str] = []
    previous = None
    for row in shown:
        if row.system != previous:
            name = row.system if row.system != "-" else t("no_system")
            body.append(f'<text x="{left_x}" y="{y + 15}" class="sys">{_e(_clip(name, 48))}</text>')
            y += line_h
            previous = row.system
        colour = _colour(row)
        body.append(f'<rect x="{left_x}" y="{y}" width="{box_w}" height="{line_h - 6}" rx="4" fill="#fdecea" '
                    f'stroke="{colour}" stroke-width="1.5"/>'
                    f'<text x="{left_x + 8}" y="{y + 13}">{_e(_clip(row.address, 44))}</text>')
        place[(row.system, row.address)] = y + (line_h - 6) / 2
        y += line_h
    hostings = sorted({_hosting_label(r) for r in shown})
    gap = max(line_h, (y - top) / max(len(hostings), 1))
    spot = {label: top + gap * i + 8 for i, label in enumerate(hostings)}
    lines: list[str] = []
    for row in shown:
        label = _hosting_label(row)
        y1, y2 = place[(row.system, row.address)], spot[label] + (line_h - 6) / 2
        lines.append(f'<path d="M{left_x + box_w} {y1} C{left_x + box_w + 110} {y1} {right_x - 110} {y2} '
                     f'{right_x} {y2}" stroke="{_colour(row)}" fill="none" stroke-width="1.5"/>')
        for relation, target in row.flows:
            if (row.system, target) in place:
                y3 = place[(row.system, target)]
                bend = left_x - 10 - min(30, abs(y3 - y1) / 4)
                lines.append(f'<path d="M{left_x} {y1} C{bend} {y1} {bend} {y3} {left_x} {y3}" stroke="#6b7280" '
                             f'stroke-dasharray="4 3" fill="none" marker-end="url(#arrow)">'
                             f"<title>{_e(relation)}</title></path>")
    for label in hostings:
        qualification = next(_where(r)[3] for r in shown if _hosting_label(r) == label)
        colour = QUALIFICATION_COLOUR.get(qualification, UNKNOWN_COLOUR)
        body.append(f'<rect x="{right_x}" y="{spot[label]}" width="{right_w}" height="{line_h - 6}" rx="4" '
                    f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
                    f'<text x="{right_x + 8}" y="{spot[label] + 13}">{_e(_clip(label, 40))}</text>')
    height = max(y, top + gap * len(hostings)) + top
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{right_x + right_w + 10}" height="{height:.0f}" '
           f'viewBox="0 0 {right_x + right_w + 10} {height:.0f}" aria-label="{_e(t("picture"))}">'
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
           'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#6b7280"/></marker></defs>'
           + "".join(lines) + "".join(body) + "</svg>")
    more = len(rows) - len(shown)
    note = f'<p class="loc">{_e(t("more").format(n=more))}</p>' if more > 0 else ""
    return (f'<section id="picture"><h2>{_e(t("picture"))}</h2><figure>{svg}'
            f'<figcaption>{_e(t("legend"))}</figcaption></figure>{note}</section>')


def _hosting_label(row: SystemRow) -> str:
    provider, offer, region, _ = _where(row)
    return " / ".join(p for p in (provider, offer, region) if p)


def _colour(row: SystemRow) -> str:
    return QUALIFICATION_COLOUR.get(_where(row)[3], UNKNOWN_COLOUR)


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
