"""``snclint explain``: a rule's documentation, or the story of one address in a scan."""
from __future__ import annotations

import textwrap

from linter.model import RuleInfo
from linter.scan import Scan

PLACEMENT = """\
How a Kubernetes object is placed on a cluster, first match wins:
  1. the annotation snclint.io/cluster on the object, then on its Namespace;
  2. kubernetes.clusters.<name>.paths in .snclint.yaml (globs on the manifest's path);
  3. kubernetes.default in .snclint.yaml.
A cluster's hosting is declared (hosting: {provider, offer, region}) or taken from a Terraform
resource scanned in the same run (terraform: module.k8s.ovh_cloud_project_kube.main). CSI
provisioners of storage classes are evidence too: where they contradict the cluster, the stricter
outcome is reported. A sensitive object on no known cluster is SNC006."""


def explain_rule(rule: RuleInfo) -> str:
    parts = [f"{rule.id}  {rule.title}  (default severity: {rule.severity.label})", ""]
    parts += [textwrap.fill(rule.rationale.strip(), 96), "", "Remediation:",
              textwrap.indent(textwrap.fill(rule.remediation.strip(), 92), "  ")]
    if rule.references:
        parts += ["", "References:", *(f"  - {r}" for r in rule.references)]
    for name in ("fail", "pass"):
        if name in rule.examples:
            parts += ["", f"Example that {'fails' if name == 'fail' else 'passes'}:",
                      textwrap.indent(rule.examples[name].rstrip(), "    ")]
    if rule.id in ("SNC001", "SNC006"):
        parts += ["", PLACEMENT]
    return "\n".join(parts)


def explain_address(scan: Scan, address: str) -> str | None:
    """Where the object is, its classification, how it became sensitive, where it runs, findings."""
    ctx = scan.context
    wanted = address.replace("'", '"').replace(" ", "")
    keys = [k for k, d in ctx.graph.nodes(data=True) if d["node"].address.replace(" ", "") == wanted]
    if not keys:
        return None
    out: list[str] = []
    for key in sorted(keys):
        node = ctx.node(key)
        out.append(f"{node.address}  ({node.type}, {node.kind.value}) at {node.location.file}:{node.location.line}")
        cls = ctx.classifications.get(key)
        if cls is not None:
            tag = cls.tag
            src = f" from {tag.key} ({tag.source}, {tag.location.file}:{tag.location.line})" if tag else ""
            out.append(f"  classification: {cls.status}{' ' + cls.level if cls.level else ''}{src}"
                       f"{'; ' + cls.detail if cls.detail else ''}")
        state = ctx.sensitive.get(key)
        if state is None:
            out.append("  sensitive: no")
        else:
            level, steps = state
            out.append(f"  sensitive: {level}" + (" (tagged on it)" if not steps else ", by this path:"))
            for step in steps:
                out.append(f"    {ctx.node(step.source).address} --{step.relation.value}--> "
                           f"({step.location.file}:{step.location.line})")
        hops, hosting = ctx.hosting_of(key)
        for hop in hops:
            out.append(f"  hosted_on {hop.address}" + (f" ({hop.detail})" if hop.detail else ""))
        if hosting is None:
            out.append("  hosting: not determined")
        else:
            out.append(f"  qualification: {hosting.qualification}" + (f" ({hosting.reason})" if hosting.reason else ""))
        for f in scan.result.findings:
            if f.address == node.address and f.location.file == node.location.file:
                state_text = " (suppressed)" if f.suppressed_by else ""
                out.append(f"  finding {f.rule_id}{state_text}: {f.message}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
