"""Write a large, realistic, deterministic Terraform + Kubernetes estate for benchmarking snclint.

    python benchmarks/generate.py OUT_DIR [--roots 300] [--seed 1]

The estate looks like a ministry's monorepo: ``envs/<team>/<env>/`` root modules calling shared
modules under ``modules/`` (some nested), a mix of providers and classification tags, and
``k8s/<app>/`` manifest folders placed on clusters by a top-level ``.snclint.yaml``. The same
seed and size always give the same bytes, so figures measured on two days are comparable.
"""
from __future__ import annotations

import argparse
import json
import posixpath
import random
import re
import sys
from collections import Counter
from pathlib import Path

from estate.kubernetes import app_files, app_names, cluster_for, config
from estate.roots import FAMILIES, build, plan

_RESOURCE = re.compile(r'^resource "', re.M)
_LOCAL_CALL = re.compile(r'^\s*module "[^"]+" \{\s*\n\s*source\s*=\s*"(\.\.?/[^"]+)"', re.M)
_KIND = re.compile(r"^kind: (\w+)", re.M)


def generate(roots: int, seed: int) -> dict[str, str]:
    """Every file of the estate, by posix path relative to its top."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    used: set[str] = set()
    mains: dict[str, str] = {}
    for team, env, family in plan(rng, roots):
        root, root_files = build(rng, team, env, family)
        files.update({f"{root.path}/{name}": text for name, text in root_files.items()})
        used |= root.modules
        mains[root.path] = root_files["main.tf"]
    for family in FAMILIES:
        for name, module in family.MODULES.items():
            if name.split("/")[0] in used:
                files.update({f"modules/{name}/{fn}": text for fn, text in module.items()})
    placement: dict[str, list[str]] = {}
    for app in app_names(rng, max(1, roots * 2 // 9)):
        cluster = cluster_for(rng)
        placement.setdefault(cluster, []).append(app)
        files.update({f"k8s/{app}/{fn}": text for fn, text in app_files(rng, app, cluster).items()})
    files[".snclint.yaml"] = config(placement, mains)
    return dict(sorted(files.items()))


def count_resources(files: dict[str, str]) -> tuple[int, int]:
    """(Terraform resource blocks, Kubernetes objects). A local module's resources count once per
    call from each root (count/for_each not expanded); remote modules count for nothing."""
    by_dir: dict[str, list[str]] = {}
    for path in files:
        if path.endswith((".tf", ".tf.json")):
            by_dir.setdefault(posixpath.dirname(path), []).append(path)
    memo: dict[str, int] = {}

    def in_module(folder: str) -> int:
        if folder not in memo:
            total = 0
            for path in by_dir.get(folder, ()):
                text = files[path]
                if path.endswith(".json"):
                    total += sum(len(v) for v in json.loads(text).get("resource", {}).values())
                    continue
                total += len(_RESOURCE.findall(text))
                total += sum(in_module(posixpath.normpath(posixpath.join(folder, src)))
                             for src in _LOCAL_CALL.findall(text))
            memo[folder] = total
        return memo[folder]

    terraform = sum(in_module(d) for d in by_dir if d.startswith("envs/"))
    objects = 0
    for path, text in files.items():
        if not path.startswith("k8s/"):
            continue
        if path.endswith(".json"):
            objects += len(json.loads(text).get("items", ()))
        else:
            objects += sum(1 for kind in _KIND.findall(text) if kind != "Kustomization")
    return terraform, objects


def write(out: Path, files: dict[str, str]) -> int:
    """Write the files under ``out``; returns the number of bytes written."""
    size = 0
    for path, text in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        size += len(data)
    return size


def summary(files: dict[str, str], size: int) -> str:
    kinds = Counter(_kind(p) for p in files)
    roots = len({posixpath.dirname(p) for p in files if p.startswith("envs/")})
    modules = len({posixpath.dirname(p) for p in files if p.startswith("modules/")})
    apps = len({p.split("/")[1] for p in files if p.startswith("k8s/")})
    terraform, objects = count_resources(files)
    detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return (f"files: {len(files)} ({detail})\n"
            f"bytes: {size} ({size / 1e6:.1f} MB)\n"
            f"root modules: {roots}; shared module folders: {modules}; manifest folders: {apps}\n"
            f"resources: {terraform + objects} ({terraform} Terraform resource blocks counted per module "
            f"call, {objects} Kubernetes objects)\n")


def _kind(path: str) -> str:
    name = posixpath.basename(path)
    for suffix in (".tf.json", ".tf", ".tfvars", ".yaml", ".json"):
        if name.endswith(suffix):
            return suffix
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to create (must not exist, or be empty)")
    parser.add_argument("--roots", type=int, default=300, help="number of root modules (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.roots < 1:
        parser.error("--roots must be at least 1")
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        parser.error(f"{args.out} exists and is not an empty directory")
    files = generate(args.roots, args.seed)
    size = write(args.out, files)
    sys.stdout.write(f"wrote {args.out}\n" + summary(files, size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
