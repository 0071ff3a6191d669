"""Hostile repositories (``tests/hostile/cases.py``): each case runs in its own process under a
time and memory limit, beside one ordinary violating file whose finding must survive.

Asserted for every case: no traceback, exit code 1 (SPEC §7: findings), the control finding
reported, the run within ``SECONDS`` and ``MEMORY`` (the limit is an address-space limit, so a
run that would need more dies with MemoryError and fails the test)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.cases import CASES, CONTROL_ADDRESS, make_repo, remove_tree

SNCLINT = [sys.executable, "-c", "import sys; from linter.cli import main; sys.exit(main())"]
SECONDS = 30  # each case takes about a second; the slack is for a loaded CI machine
MEMORY = 1536 * 1024 * 1024  # address space: Python and tree-sitter map ~400 MiB before reading

SLOW = {"big_list", "big_list_among_many", "many_blocks", "syntax_error_at_end", "module_fanout",
        "big_yaml_list", "big_json", "deep_tree", "repeated_locals", "deep_nesting", "many_documents", "long_string"}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def scan(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HTTP", "HTTPS", "KUBE"))}
    return subprocess.run([*SNCLINT, "scan", "--no-cache", "-f", "json", *args, "."],
                          cwd=repo, capture_output=True, text=True, timeout=SECONDS, preexec_fn=_limit,
                          stdin=subprocess.DEVNULL, env=env, errors="replace")


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES])
def test_a_hostile_case_neither_crashes_nor_hides_the_control_finding(name: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / name)
    try:
        CASES[name](repo)
        jobs = ["--jobs", "4"] if name == "big_list_among_many" else []
        run = scan(repo, *jobs)
    finally:
        remove_tree(repo)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 1, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert any(f["rule_id"] == "SNC001" and f["address"] == CONTROL_ADDRESS for f in report["findings"])


def _messages(repo: Path) -> list[tuple[str, str, str]]:
    report = json.loads(scan(repo).stdout)
    return [(f["rule_id"], f["file"], f["message"]) for f in report["findings"] if f["rule_id"] != "SNC001"]


def test_fifos_devices_loops_and_undecodable_names_are_reported_never_opened(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    for name in ("fifo", "device", "symlink_loop", "undecodable_name"):
        CASES[name](repo)
    found = sorted(m for m in _messages(repo) if m[0] == "SNC000")
    assert found == [
        ("SNC000", "a.tf", "symbolic link loop: not read"),
        ("SNC000", "b.tf", "symbolic link loop: not read"),
        ("SNC000", "bad-\\xff.yaml", "name is not valid UTF-8: not read"),
        ("SNC000", "bad-\\xff\\xfe.tf", "name is not valid UTF-8: not read"),
        ("SNC000", "k8s/pipe.tfvars.json", "a named pipe (FIFO), not a regular file: not read"),
        ("SNC000", "pipe.tf", "a named pipe (FIFO), not a regular file: not read"),
        ("SNC000", "pipe.yaml", "a named pipe (FIFO), not a regular file: not read"),
        ("SNC000", "self.tf", "symbolic link loop: not read"),
        ("SNC000", "terraform.tfvars", "a named pipe (FIFO), not a regular file: not read"),
        ("SNC000", "zero.tf", "a device file, not a regular file: not read"),
        ("SNC000", "zero.yaml", "a device file, not a regular file: not read"),
    ]


def test_links_into_git_are_not_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    CASES["git_links"](repo)
    assert sorted(_messages(repo)) == [
        ("SNC000", "gitconfig.tf", "symbolic link into .git: not followed"),
        ("SNC000", "gitdir", "symbolic link into .git: not followed"),
        ("SNC000", "head.yaml", "symbolic link into .git: not followed"),
    ]


def test_a_secret_given_to_a_tag_is_shown_by_its_shape(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    CASES["secret_tfvars"](repo)
    run = scan(repo)
    assert "ghp_abcdef" not in run.stdout and "hunter2" not in run.stdout
    assert ("SNC005", "app/main.tf", "aws_db_instance.db: data_sensitivity = <40 characters, letters and digits "
            "and symbols, looks like a GitHub token: not shown> is not a known level") in _messages(repo)


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    CASES["control_characters"](repo)
    run = subprocess.run([*SNCLINT, "scan", "--no-cache", "."], cwd=repo,
                         capture_output=True, text=True, timeout=SECONDS)
    assert not [c for c in run.stdout if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f or c == "\u202e"]
    assert "title\\x1b]0;pwned\\x07\\x1b[2K\\x0d.tf:1: error SNC005 aws_s3_bucket.esc" in run.stdout


def test_the_module_budget_counts_every_instance(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    CASES["module_fanout"](repo)
    found = [m for m in _messages(repo) if m[0] == "SNC000"]
    assert len(found) == 1 and found[0][2].startswith(
        "root module .: more than 5000 module and resource instances (modules nested or fanned out): module.top.")


def test_one_file_over_the_element_budget_is_one_finding(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    (repo / "big.tf").write_text("locals {\n  x = [" + ",".join("1" for _ in range(100_001)) + "]\n}\n")
    assert _messages(repo) == [("SNC000", "big.tf", "file of more than 100000 elements (counted 100005 commas, "
                                "newlines and opening brackets): not read, to bound the memory one file may take")]


def test_kustomizations_reach_nothing_and_say_why(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    try:
        CASES["kustomize_reach"](repo)
        run = scan(repo)
    finally:
        remove_tree(repo)
    assert "leaked" not in run.stdout and "glpat-" not in run.stdout and "root:" not in run.stdout
    found = sorted((f["rule_id"], f["line"], f["message"].split(": ", 1)[1])
                   for f in json.loads(run.stdout)["findings"] if f["file"] == "k8s/kustomization.yaml")
    tail = "; its files are scanned as they are"
    assert found == [
        ("SNC000", 9, "pipe.yaml is not a file of the repository" + tail),  # a FIFO: never opened
        ("SNC004", 2, "https://example.org/all.yaml is remote (snclint never fetches)" + tail),
        ("SNC004", 3, "git::file:///srv/repo//base?ref=main is remote (snclint never fetches)" + tail),
        ("SNC004", 4, "github.com/org/repo/deploy?ref=v1 is remote (snclint never fetches)" + tail),
        ("SNC004", 5, "ssh://git@example.org/r.git is remote (snclint never fetches)" + tail),
        ("SNC004", 6, "local leaves the scanned repository" + tail),
        ("SNC004", 8, "/etc/passwd leaves the scanned repository" + tail),
        ("SNC004", 11, "token.env leaves the scanned repository" + tail),
    ]


def test_a_kustomization_fan_out_stops_at_the_render_budget(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    try:
        CASES["kustomize_fanout"](repo)
        found = [m for m in _messages(repo) if m[0] == "SNC000"]
    finally:
        remove_tree(repo)
    assert found == [("SNC000", "l0/kustomization.yaml", "kustomization l0/kustomization.yaml cannot be rendered: "
                      "more than 2000 kustomizations to render (bases used many times over); its files are "
                      "scanned as they are")]
