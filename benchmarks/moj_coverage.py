"""How much of a real estate's sensitive data snclint sees: the UK Ministry of Justice's public
``cloud-platform-environments`` monorepo (or a sample of it), where data stores are created through
in-house remote modules (``github.com/ministryofjustice/cloud-platform-terraform-rds-instance``…).

    python benchmarks/moj_coverage.py SAMPLE [--estate WHOLE_ESTATE] [--jobs N]

(a) ``SAMPLE`` is copied to a temporary folder, ``data_sensitivity = "particuliere"`` is added to
    the ``default_tags`` of every ``provider "aws"`` (the usual way a team classifies a whole
    system), and a policy pack declares the in-house data-store modules. Every data-store module
    call that creates something should then be SNC001 (or SNC006 with a reason of its own), and no
    IAM, DNS, certificate, policy or bucket sub-setting resource should be SNC001.
(b) ``WHOLE_ESTATE``, untagged and without the pack: how many data stores are reported, as SNC003
    or through the note each unknown module source gets (with its number of calls).

Nothing is written inside the scanned folders; the copies live in a temporary folder.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from linter.config import Config
from linter.model import NodeKind
from linter.policy_files import load_knowledge
from linter.scan import ScanOptions, run_scan

# the in-house modules that create a data store (each one's README in the estate's own modules)
DATA_STORE_MODULES = ("rds-instance", "rds-aurora", "s3-bucket", "elasticache-cluster", "sqs",
                      "secrets-manager", "opensearch", "dynamodb-cluster")
PREFIX = "github.com/ministryofjustice/cloud-platform-terraform-"
TAG = 'data_sensitivity = "particuliere"'
# resources that hold no data: SNC001 on one of them is noise
NOISE = re.compile(r"^aws_(iam_|route53|acm_|.*_policy(_attachment)?$|s3_bucket_(?!object)|security_group|"
                   r"kms_|secretsmanager_secret_policy)")
_PROVIDER = re.compile(r'^\s*provider\s+"aws"\s*\{', re.MULTILINE)


def pack(folder: Path) -> Path:
    """A policy pack (kind: modules) declaring the in-house data-store modules."""
    folder.mkdir(parents=True)
    lines = ["kind: modules", "version: 1", "groups:", "  - name: cloud-platform modules", "    provider: aws",
             "    classification: [tags]", "    modules:"]
    lines += [f"      {PREFIX}{name}: datastore" for name in DATA_STORE_MODULES]
    (folder / "modules.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _block_end(text: str, start: int) -> int:
    """The index of the brace closing the block whose ``{`` is at ``start`` (strings skipped)."""
    depth, i, quoted = 0, start, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def tag_providers(text: str) -> tuple[str, int]:
    """``text`` with the tag added to every ``provider "aws"`` block's default_tags; how many."""
    out, done, pos = [], 0, 0
    for match in _PROVIDER.finditer(text):
        if match.start() < pos:
            continue
        brace = match.end() - 1
        end = _block_end(text, brace)
        block = text[brace:end]
        inner = re.search(r"default_tags\s*\{\s*tags\s*=\s*\{", block)
        if inner is not None:
            at = brace + inner.end()
            out.append(text[pos:at] + f"\n      {TAG}\n")
        else:
            at = brace + 1
            out.append(text[pos:at] + f"\n  default_tags {{\n    tags = {{ {TAG} }}\n  }}\n")
        pos, done = at, done + 1
    out.append(text[pos:])
    return "".join(out), done


def tagged_copy(sample: Path, target: Path) -> int:
    shutil.copytree(sample, target, symlinks=True)
    count = 0
    for path in target.rglob("*.tf"):
        if path.is_symlink():
            continue
        text, done = tag_providers(path.read_text(encoding="utf-8", errors="replace"))
        if done:
            path.write_text(text, encoding="utf-8")
            count += done
    return count


def scan(folder: Path, policies: tuple[str, ...], jobs: int) -> tuple[object, float]:
    knowledge = load_knowledge(policies)
    started = time.monotonic()
    result = run_scan(ScanOptions(paths=(".",), jobs=jobs), Config(), knowledge, cwd=folder)
    return result, time.monotonic() - started


def coverage(sample: Path, jobs: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "estate"
        providers = tagged_copy(sample, work)
        policies = str(pack(Path(scratch) / "policies"))
        scanned, seconds = scan(work, (policies,), jobs)
    ctx = scanned.context  # type: ignore[attr-defined]
    findings = scanned.result.findings  # type: ignore[attr-defined]
    by_node = {(f.root, f.address, f.location.file): f for f in findings if f.rule_id in ("SNC001", "SNC006")}
    wanted = tuple(PREFIX + name for name in DATA_STORE_MODULES)
    calls, seen = 0, 0
    why: Counter[str] = Counter()
    for key, data in ctx.graph.nodes(data=True):
        node = data["node"]
        if node.origin != "terraform" or not node.type.startswith(wanted):
            continue
        calls += 1
        finding = next((f for (root, address, file), f in by_node.items()
                        if address == node.address and file == node.location.file and root == node.scope), None)
        if finding is not None and (finding.rule_id == "SNC001" or ctx.graph.nodes[key].get("hosting_why")):
            seen += 1
        else:
            why[ctx.classifications[key].status if key in ctx.classifications else "?"] += 1
    noise = Counter(f"{ctx.node(k).type}" for k in (n for n, d in ctx.graph.nodes(data=True))
                    if any(f.rule_id == "SNC001" and f.address == ctx.node(k).address
                           and f.location.file == ctx.node(k).location.file for f in findings)
                    and ctx.node(k).kind != NodeKind.HOSTING and NOISE.match(ctx.node(k).type))
    snc001 = Counter(f.rule_id for f in findings)
    print(f"(a) {sample}: {providers} aws provider blocks tagged; scanned in {seconds:.1f} s")
    print(f"    data-store module calls creating something: {calls}; SNC001 or SNC006 with a reason: {seen} "
          f"({100 * seen / max(calls, 1):.1f} %)" + (f"; the others: {dict(why)}" if why else ""))
    print(f"    findings by rule: {dict(sorted(snc001.items()))}")
    print(f"    SNC001 on IAM, DNS, certificate, policy or bucket sub-setting resources: {sum(noise.values())}"
          + (f" {dict(noise)}" if noise else ""))
    return 0 if calls and seen >= 0.95 * calls and not noise else 1


def untagged(estate: Path, jobs: int) -> None:
    scanned, seconds = scan(estate, (), jobs)
    ctx = scanned.context  # type: ignore[attr-defined]
    findings = scanned.result.findings  # type: ignore[attr-defined]
    notes = scanned.result.notes  # type: ignore[attr-defined]
    snc003 = sum(1 for f in findings if f.rule_id == "SNC003")
    counted = re.compile(r"^module source (\S+): (\d+) calls?, neither on disk nor known")
    unknown = {m.group(1): int(m.group(2)) for m in map(counted.match, notes) if m}
    in_house = sum(n for source, n in unknown.items()
                   if source.startswith(tuple(PREFIX + name for name in DATA_STORE_MODULES)))
    stores = sum(1 for _, d in ctx.graph.nodes(data=True) if d["node"].kind == NodeKind.DATASTORE)
    print(f"(b) {estate} untagged, no pack: scanned in {seconds:.1f} s; {stores} data-store nodes; "
          f"{snc003} SNC003; {len(unknown)} unknown module sources reported ({sum(unknown.values())} calls), "
          f"of which the in-house data-store modules: {in_house} calls; data stores reported: {snc003 + in_house}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path, help="a sample of the estate (tagged and scanned)")
    parser.add_argument("--estate", type=Path, help="the whole estate (scanned untagged)")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    code = coverage(args.sample.resolve(), args.jobs)
    if args.estate:
        untagged(args.estate.resolve(), args.jobs)
    return code


if __name__ == "__main__":
    sys.exit(main())
