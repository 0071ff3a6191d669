"""Check the shipped module knowledge (``policies/modules.yaml``) against module repositories on disk.

    python benchmarks/check_module_knowledge.py CORPUS...

Each ``CORPUS`` holds repositories as ``<owner>__<repo>`` folders (a registry address
``NAMESPACE/NAME/PROVIDER`` lives in ``NAMESPACE/terraform-PROVIDER-NAME``). For every shipped
module whose repository is there, the module's folder must exist and declare, as variables, the
first part of each of its classification (modules of kind other need none), region and flow
arguments. `classification: []` says the module takes none (the provider's default tags or labels
classify it). Prints one line per module
checked and exits 1 on any mismatch.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from linter.policy_files import load_knowledge

_VARIABLE = re.compile(r'^\s*variable\s+"([^"]+)"', re.MULTILINE)


def repositories(corpora: list[Path]) -> dict[str, Path]:
    """``owner/repo`` in lower case → its folder."""
    found: dict[str, Path] = {}
    for corpus in corpora:
        for folder in corpus.iterdir():
            if folder.is_dir() and "__" in folder.name:
                owner, repo = folder.name.split("__", 1)
                found[f"{owner}/{repo}".lower()] = folder
    return found


def location(key: str) -> tuple[str, str]:
    """(``owner/repo``, sub-folder) of a module key."""
    repo, _, sub = key.partition("//")
    parts = repo.split("/")
    if len(parts) == 3 and "." not in parts[0]:  # a registry address
        namespace, name, provider = parts
        return f"{namespace}/terraform-{provider}-{name}", sub
    return "/".join(parts[1:3]), sub


def variables(folder: Path) -> set[str]:
    return {name for path in folder.glob("*.tf") for name in _VARIABLE.findall(path.read_text(errors="replace"))}


def main(argv: list[str]) -> int:
    repos = repositories([Path(a) for a in argv])
    shipped = yaml.safe_load((Path(__file__).resolve().parents[1] / "policies" / "modules.yaml").read_text())
    knowledge = load_knowledge()
    flows = {f.type: f.attribute for f in knowledge.flows}
    bad = 0
    for group in shipped["groups"]:
        for key in group["modules"]:
            if "*" in key:
                continue
            repo, sub = location(key)
            if repo not in repos:
                continue
            folder = repos[repo] / sub
            info = knowledge.module_info(key)
            if not folder.is_dir() or info is None:
                print(f"MISSING {key}: no folder {sub or '.'} in {repo}")
                bad += 1
                continue
            declared = variables(folder)
            classification = info.tag_paths if info.kind.value != "other" else ()  # holds no data
            wanted = {p.split(".")[0] for p in (*classification, *info.region_paths)}
            if key in flows:
                wanted.add(flows[key].split(".")[0])
            absent = sorted(w for w in wanted if w not in declared)
            if not declared:
                print(f"ok      {key}: no variables of its own (a wrapper)")
            elif absent:
                print(f"WRONG   {key}: no variable {', '.join(absent)}")
                bad += 1
            else:
                print(f"ok      {key}: {', '.join(sorted(wanted))}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
