from __future__ import annotations

import os
from pathlib import Path

import pytest

from linter.discovery import Inputs, discover
from linter.errors import UsageError
from linter.frontends import claims, skipped


def _discover(paths: list[str], cwd: Path) -> Inputs:
    return discover(paths, cwd, claims(), skipped())


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_walk_sorts_files_by_kind_and_skips_terraform_cache(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, {
        "infra/main.tf": "", "infra/x.tf.json": "{}", "infra/terraform.tfvars": "", "infra/a.auto.tfvars": "",
        "infra/.terraform/modules/m/main.tf": "", "k8s/app.yaml": "", "k8s/list.json": "{}",
        "plan/plan.json": '{"format_version": "1.2", "terraform_version": "1.9.0"}', "README.md": "",
    })
    inputs = _discover(["."], tmp_path)
    assert inputs.of("terraform") == ("infra/a.auto.tfvars", "infra/main.tf", "infra/terraform.tfvars",
                                      "infra/x.tf.json")
    assert inputs.of("manifest") == ("k8s/app.yaml", "k8s/list.json")
    assert inputs.of("plan") == ("plan/plan.json",)
    assert inputs.boundaries == (tmp_path.resolve(),)


def test_a_file_name_brings_its_whole_module(tmp_path: Path) -> None:
    _tree(tmp_path, {"db/main.tf": "", "db/variables.tf": "", "db/notes.txt": "", "other/main.tf": ""})
    inputs = _discover(["db/variables.tf"], tmp_path)
    assert inputs.of("terraform") == ("db/main.tf", "db/variables.tf")


def test_links_leaving_the_repository_are_reported_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    _tree(outside, {"secret.tf": "", "mod/main.tf": ""})
    _tree(repo, {"main.tf": ""})
    (repo / ".git").mkdir()
    os.symlink(outside / "secret.tf", repo / "linked.tf")
    os.symlink(outside / "mod", repo / "mod")
    inputs = _discover(["."], repo)
    assert inputs.of("terraform") == ("main.tf",)
    assert sorted((p.location.file, p.message) for p in inputs.problems) == [
        ("linked.tf", "symbolic link leaves the scanned repository: not followed"),
        ("mod", "symbolic link leaves the scanned repository: not followed"),
    ]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="^nope: no such file or directory$"):
        _discover(["nope"], tmp_path)


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_an_enclosing_repository_that_does_not_track_the_path_does_not_widen_the_boundary(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _tree(home, {".ssh/key.tf": 'locals {\n  k = "x"\n}\n', "notes.txt": "",
                 "estate/main.tf": 'module "m" {\n  source = "../.ssh"\n}\n'})
    _git(home, "init", "-q")
    _git(home, "add", "notes.txt")  # a home directory kept in git, not tracking the estate
    inputs = _discover(["home/estate"], tmp_path)
    assert inputs.boundaries == ((home / "estate").resolve(),)


def test_a_tracked_path_is_bounded_by_its_work_tree(tmp_path: Path) -> None:
    _tree(tmp_path, {"infra/main.tf": "", "modules/db/main.tf": ""})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    inputs = _discover(["infra"], tmp_path)
    assert inputs.boundaries == (tmp_path.resolve(),)  # infra/ may call ../modules


def test_outside_git_every_given_path_belongs_to_the_scan(tmp_path: Path) -> None:
    _tree(tmp_path, {"a/main.tf": "", "b/main.tf": "", "c/x.tf": ""})
    inputs = _discover(["a", "b"], tmp_path)
    assert inputs.boundaries == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    assert inputs.of("terraform") == ("a/main.tf", "b/main.tf")


def test_a_thousand_levels_of_folders_are_walked_without_recursion(tmp_path: Path) -> None:
    from linter import limits

    deep = tmp_path
    for _ in range(limits.DIRECTORY_DEPTH + 5):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text("")
    inputs = _discover(["."], tmp_path)
    assert inputs.of("terraform") == ()
    assert [p.message for p in inputs.problems] == [
        f"folders nested deeper than {limits.DIRECTORY_DEPTH} levels below the scanned path: not read"]


def test_a_walk_names_files_as_display_does_and_ranks_each_name_once(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are named from their folder's display path (no path parsed per file), and a name met in
    many folders is ranked against the claims once."""
    from linter import discovery

    for folder in ("a", "a/b", "c"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "main.tf").write_text('resource "x" "y" {}\n')
    (tmp_path / "top.tf").write_text("")
    ranked: list[str] = []
    original = discovery.ranked
    monkeypatch.setattr(discovery, "ranked", lambda name, given: (ranked.append(name), original(name, given))[1])
    inputs = discover(["."], tmp_path, claims())
    assert [f for files in inputs.files.values() for f in files] == ["a/b/main.tf", "a/main.tf", "c/main.tf", "top.tf"]
    assert sorted(ranked) == ["main.tf", "top.tf"]
    nested = discover([str(tmp_path / "a")], tmp_path / "c", claims())  # a folder outside the working directory
    assert [f for files in nested.files.values() for f in files] == ["../a/b/main.tf", "../a/main.tf"]


def test_the_walk_tells_the_read_log_the_listing_it_took(tmp_path: Path) -> None:
    """The digest of each folder walked is taken from the walk's own listing: the same as listing it again."""
    from linter import read_log

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "main.tf").write_text("")
    (tmp_path / "link.tf").symlink_to("sub/main.tf")
    (tmp_path / "gone.tf").symlink_to("nowhere.tf")
    with read_log.recording() as log:
        discover(["."], tmp_path, claims())
    assert log.folders == {str(tmp_path): read_log.listing_digest(str(tmp_path)),
                           str(tmp_path / "sub"): read_log.listing_digest(str(tmp_path / "sub"))}
