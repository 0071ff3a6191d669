"""Hostile repositories: each case writes its hostile files into a fresh git work tree that also
holds one ordinary violating file (``control.tf``), whose SNC001 must survive the case.

Used by ``tests/test_hostile.py`` (each case in a subprocess under a time and memory limit) and
runnable by hand to measure a case: ``python tests/hostile/cases.py OUTDIR`` writes every case.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable

CONTROL = """provider "aws" {
  region = "eu-west-3"
}

resource "aws_s3_bucket" "control" {
  bucket = "control"
  tags   = { data_sensitivity = "particuliere" }
}
"""
CONTROL_ADDRESS = "aws_s3_bucket.control"

Case = Callable[[Path], None]
CASES: dict[str, Case] = {}


def case(func: Case) -> Case:
    CASES[func.__name__] = func
    return func


def make_repo(root: Path) -> Path:
    """A git work tree holding the control file (``git init`` only: nothing is committed)."""
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "control.tf").write_text(CONTROL)
    return root


@case
def symlink_loop(root: Path) -> None:
    (root / "a.tf").symlink_to("b.tf")
    (root / "b.tf").symlink_to("a.tf")
    (root / "self.tf").symlink_to("self.tf")
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")


@case
def undecodable_name(root: Path) -> None:
    folder = os.fsencode(root)
    with open(folder + b"/bad-\xff\xfe.tf", "w") as handle:
        handle.write('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    with open(folder + b"/bad-\xff.yaml", "w") as handle:
        handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")


@case
def deep_tree(root: Path) -> None:
    here = os.fsencode(root / "deep")
    os.mkdir(here)
    fd = os.open(here, os.O_RDONLY)
    try:  # 1,000 levels: relative mkdir keeps each path short
        for _ in range(1000):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with os.fdopen(os.open("main.tf", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as handle:
            fd = -1
            handle.write('locals {\n  x = 1\n}\n')
    finally:
        if fd >= 0:
            os.close(fd)


@case
def fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.tf")
    os.mkfifo(root / "pipe.yaml")
    (root / "k8s").mkdir()
    os.mkfifo(root / "k8s" / "pipe.tfvars.json")
    os.mkfifo(root / "terraform.tfvars")


@case
def device(root: Path) -> None:
    """Character devices named like inputs (needs root: otherwise a link to /dev/zero inside)."""
    for name in ("zero.tf", "zero.yaml"):
        try:
            os.mknod(root / name, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        except PermissionError:
            (root / name).symlink_to("/dev/zero")


@case
def big_list(root: Path) -> None:
    """A 4 MB list literal: two million small numbers."""
    numbers = ",".join("1" for _ in range(2_000_000))
    (root / "big.tf").write_text(f"locals {{\n  x = [{numbers}]\n}}\n")


@case
def big_list_among_many(root: Path) -> None:
    """The same list among enough files for ``--jobs`` to parse in worker processes."""
    big_list(root)
    for i in range(80):
        (root / f"small{i:02}.tf").write_text(f'locals {{\n  s{i} = {i}\n}}\n')


@case
def many_blocks(root: Path) -> None:
    """One million tiny blocks (about 4 MB)."""
    (root / "blocks.tf").write_text("a{}\n" * 1_000_000)


@case
def syntax_error_at_end(root: Path) -> None:
    """A 5 MB file, valid until its last line: the slow parser is asked to find the error."""
    line = 'resource "null_resource" "r%07d" {\n}\n'
    count = (5 * 1000 * 1000 - 100) // len(line % 0)
    (root / "late.tf").write_text("".join(line % i for i in range(count)) + "resource {{{\n")


@case
def module_fanout(root: Path) -> None:
    """30 module folders, each calling the next twice: 2^30 instances from 3 KB."""
    for i in range(30):
        folder = root / "modules" / f"m{i}"
        folder.mkdir(parents=True)
        body = "" if i == 29 else "".join(f'module "c{k}" {{\n  source = "../m{i + 1}"\n}}\n' for k in range(2))
        (folder / "main.tf").write_text(body + 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (root / "main.tf").write_text('module "top" {\n  source = "./modules/m0"\n}\n')


@case
def redos_policy(root: Path) -> None:
    """A policy pack whose region pattern backtracks exponentially, asked about a long region."""
    pack = root / "pack"
    pack.mkdir()
    (pack / "recognition.yaml").write_text(
        "kind: recognition\nversion: 1\nterraform:\n  providers:\n    - sources: [hashicorp/aws]\n"
        "      provider: aws\n      matchers:\n        - attribute: region\n"
        "          pattern: '^(a+)+$'\n          provider: aws\n          why: backtracks\n")
    (root / ".snclint.yaml").write_text("version: 1\npolicies: [pack]\n")
    (root / "region.tf").write_text(
        'provider "aws" {\n  alias  = "slow"\n  region = "' + "a" * 40 + '!"\n}\n'
        'resource "aws_s3_bucket" "slow" {\n  provider = aws.slow\n  bucket   = "slow"\n}\n')


@case
def repeated_locals(root: Path) -> None:
    """Many files redefining the same locals (about 220 KB)."""
    body = "locals {\n" + "".join(f"  l{i} = {i}\n" for i in range(200)) + "}\n"
    for n in range(100):
        (root / f"locals{n:03}.tf").write_text(body)


@case
def deep_nesting(root: Path) -> None:
    (root / "deep.tf").write_text("locals {\n  x = " + "[" * 50_000 + "]" * 50_000 + "\n}\n")
    (root / "deep.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    (root / "deep.json").write_text("[" * 50_000 + "]" * 50_000)


@case
def yaml_bomb(root: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 20)]
    (root / "bomb.yaml").write_text("\n".join(lines) + "\n")


@case
def control_characters(root: Path) -> None:
    esc = "\x1b]0;pwned\x07\x1b[2K\r"
    (root / f"title{esc}.tf").write_text(
        'resource "aws_s3_bucket" "esc" {\n  bucket = "esc"\n'
        '  tags   = { data_sensitivity = "dsp\\u001b[2K\\r\\u202efake" }\n}\n')
    (root / "label.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: \"pvc\\e]0;pwned\\a\"\n"
        "  namespace: \"ns\\r\\n\"\n  labels:\n    data-sensitivity: \"part\\e[31m\\u202e\"\n")


@case
def secret_tfvars(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "main.tf").write_text(
        'variable "db_password" {}\nvariable "data_sensitivity" {}\n'
        'resource "aws_db_instance" "db" {\n  password = var.db_password\n'
        '  tags = { data_sensitivity = var.data_sensitivity }\n}\n')
    (root / "app" / "terraform.tfvars").write_text(
        'db_password = "hunter2-Sup3rS3cret!"\n'
        'data_sensitivity = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n')


@case
def git_links(root: Path) -> None:
    (root / ".git" / "config.tf").write_text('resource "aws_s3_bucket" "in_git" {\n  bucket = "x"\n}\n')
    (root / "gitconfig.tf").symlink_to(".git/config")
    (root / "head.yaml").symlink_to(".git/HEAD")
    (root / "gitdir").symlink_to(".git")


@case
def big_yaml_list(root: Path) -> None:
    (root / "big.yaml").write_text("items: [" + ",".join("1" for _ in range(2_000_000)) + "]\n")


@case
def big_json(root: Path) -> None:
    (root / "big.tf.json").write_text('{"locals": {"x": [' + ",".join("1" for _ in range(2_000_000)) + "]}}")


@case
def modules_json_outside(root: Path) -> None:
    """A planted ``.terraform/modules/modules.json`` whose module folders are outside the repository."""
    (root / ".terraform" / "modules").mkdir(parents=True)
    (root / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules": [{"Key": "a", "Source": "x/y/aws", "Dir": "/etc"},'
        ' {"Key": "b", "Source": "x/z/aws", "Dir": "../../../../../../../../tmp"}]}')
    (root / "calls.tf").write_text('module "a" {\n  source = "x/y/aws"\n}\nmodule "b" {\n  source = "x/z/aws"\n}\n')


@case
def many_documents(root: Path) -> None:
    """Half a million empty YAML documents."""
    (root / "docs.yaml").write_text("---\n" * 500_000)


@case
def long_string(root: Path) -> None:
    """One 4 MB string literal, and an unterminated heredoc of 1 MB."""
    (root / "long.tf").write_text('locals {\n  s = "' + "x" * 4_000_000 + '"\n}\n')
    (root / "heredoc.tf").write_text("locals {\n  h = <<EOT\n" + "y" * 1_000_000 + "\n")


@case
def wide_for_each(root: Path) -> None:
    """Nested for_each over a generated range in module calls (explodes without a budget)."""
    (root / "m").mkdir()
    (root / "m" / "main.tf").write_text(
        'variable "n" {}\nresource "aws_s3_bucket" "b" {\n  for_each = toset([for i in range(1000) : tostring(i)])\n'
        '  bucket = each.key\n}\n')
    (root / "main.tf").write_text(
        'module "m" {\n  source   = "./m"\n  for_each = toset([for i in range(1000) : tostring(i)])\n'
        '  n        = each.key\n}\n')


@case
def kustomize_reach(root: Path) -> None:
    """Kustomizations reaching for the network and out of the repository: remote bases of every
    form, a base and an env file that are links out, /etc/passwd as a patch, a FIFO as a patch."""
    outside = root.parent / f"{root.name}-outside"
    (outside / "base").mkdir(parents=True, exist_ok=True)
    (outside / "base" / "kustomization.yaml").write_text("resources: [pvc.yaml]\n")
    (outside / "base" / "pvc.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: leaked, labels: {sensibilite: standard}}\n")
    (outside / "token.env").write_text("TOKEN=glpat-leakedleakedleaked\n")
    (root / "k8s").mkdir()
    (root / "k8s" / "kustomization.yaml").write_text(
        "resources:\n  - https://example.org/all.yaml\n  - git::file:///srv/repo//base?ref=main\n"
        "  - github.com/org/repo/deploy?ref=v1\n  - ssh://git@example.org/r.git\n  - local\n"
        "patches:\n  - path: /etc/passwd\n  - path: pipe.yaml\n"
        "configMapGenerator:\n  - {name: c, envs: [token.env]}\n")
    (root / "k8s" / "local").symlink_to(outside / "base")
    (root / "k8s" / "token.env").symlink_to(outside / "token.env")
    os.mkfifo(root / "k8s" / "pipe.yaml")


@case
def kustomize_fanout(root: Path) -> None:
    """30 kustomization levels, each using the next twice under two prefixes: 2^30 renders."""
    (root / "l30").mkdir()
    (root / "l30" / "kustomization.yaml").write_text("resources: [a.yaml]\n")
    (root / "l30" / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    for level in range(30):
        for side in ("x", "y"):
            (root / f"l{level}" / side).mkdir(parents=True)
            (root / f"l{level}" / side / "kustomization.yaml").write_text(
                f"namePrefix: {side}-\nresources: [../../l{level + 1}]\n")
        (root / f"l{level}" / "kustomization.yaml").write_text("resources: [x, y]\n")


@case
def glob_redos(root: Path) -> None:
    """A repository config whose cluster path glob backtracks exponentially in Python's engine."""
    (root / ".snclint.yaml").write_text(
        "version: 1\nkubernetes:\n  clusters:\n    prod:\n      hosting: {provider: aws, region: eu-west-3}\n"
        "      paths: ['" + "**/" * 12 + "b']\n")
    deep = root.joinpath(*["x"] * 25)
    deep.mkdir(parents=True)
    (deep / "c.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")


def remove_tree(root: Path) -> None:
    """``shutil.rmtree`` without recursion: it cannot remove the 1,000-level tree otherwise."""
    stack: list[tuple[bytes, bool]] = [(os.fsencode(root), False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            os.rmdir(path)
            continue
        stack.append((path, True))
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, False))
                else:
                    os.unlink(entry.path)


def write_all(out: Path) -> list[Path]:
    made = []
    for name, build in CASES.items():
        repo = make_repo(out / name)
        build(repo)
        made.append(repo)
    return made


if __name__ == "__main__":
    for made in write_all(Path(sys.argv[1])):
        print(made)
