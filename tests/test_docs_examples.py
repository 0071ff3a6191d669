"""The copy-paste examples of docs/*.md, run.

An HTML comment right before a fenced block says what to do with it:

    <!-- test: file PATH -->            write the block to PATH in the page's sandbox
    <!-- test: run exit=N expect="…" absent="…" creates=PATH -->
                                        run each `snclint …` line of the block there (in process)
    <!-- test: gitlab-ci -->            a .gitlab-ci.yml: with the template when it includes it
    <!-- test: gitlab-ci-job -->        a job pasted without the template
    <!-- test: gitlab-ci-matrix -->     the fan-out pattern
    <!-- test: pre-commit-config -->    a .pre-commit-config.yaml using this repository's hook
    <!-- test: github-workflow -->      a GitHub Actions workflow uploading SARIF
    <!-- test: yaml -->                 a YAML document that must parse

Each page has one sandbox; its steps run in order, so a page can tell a story (write a baseline,
move a block, add a violation). Every YAML and JSON block of the docs must parse, marked or not.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitlab_pipeline import documented_variables, merge, resolved_job, template

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
GENERATED = {"rules.md"}  # output of `snclint policies --markdown`, checked by test_rules_doc.py
MARKER = re.compile(r"^<!--\s*test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```\s*([\w+-]*)")
REPORT_KEYS = {"codequality", "sast", "junit"}


@dataclass
class Block:
    page: str
    line: int
    lang: str
    text: str
    directive: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.directive[0] if self.directive else ""

    def options(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for word in self.directive[1:]:
            key, sep, value = word.partition("=")
            if sep:
                out.setdefault(key, []).append(value)
        return out

    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: Path) -> list[Block]:
    out: list[Block] = []
    directive: list[str] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        fence = FENCE.match(lines[i])
        if marker:
            directive = shlex.split(marker.group(1))
        elif fence:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            out.append(Block(page.name, i + 1, fence.group(1), "\n".join(lines[i + 1:end]) + "\n", directive))
            directive = []
            i = end
        elif lines[i].strip():
            directive = []  # a marker applies to the block right after it only
        i += 1
    return out


def commands(text: str) -> list[list[str]]:
    joined = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words = shlex.split(line)
            assert words[0] == "snclint", f"only snclint commands can be run: {line!r}"
            out.append(words[1:])
    return out


def test_every_page_is_here() -> None:
    assert {p.name for p in PAGES} >= {"ci.md", "pre-commit.md", "suppressions.md", "output-formats.md"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_yaml_and_json_blocks_parse(page: Path) -> None:
    for block in blocks(page):
        if block.lang in ("yaml", "yml"):
            list(yaml.safe_load_all(block.text))
        elif block.lang == "json":
            json.loads(block.text.replace("…", ""))


@pytest.mark.parametrize("page", [p for p in PAGES if p.name not in GENERATED], ids=lambda p: p.name)
def test_examples(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    marked = [b for b in blocks(page) if b.directive]
    assert marked, f"{page.name} has no tested example"
    sandbox = tmp_path / "sandbox"
    (sandbox / ".git").mkdir(parents=True)  # a repository, as users have: report paths start at its top
    monkeypatch.chdir(sandbox)
    monkeypatch.setenv("NO_COLOR", "1")
    for block in marked:
        CHECKS[block.kind](block, sandbox, capsys)


def _file(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = sandbox / block.directive[1]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.text, encoding="utf-8")


def _run(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from linter.cli import main

    options = block.options()
    assert "exit" in options, f"{block.where()}: say which exit code is expected"
    output = ""
    for args in commands(block.text):
        capsys.readouterr()
        code = main(args)
        captured = capsys.readouterr()
        output += captured.out + captured.err
        assert code == int(options["exit"][0]), f"{block.where()}: snclint {' '.join(args)} -> {code}\n{output}"
    for text in options.get("expect", []):
        assert text in output, f"{block.where()}: {text!r} not in the output:\n{output}"
    for text in options.get("absent", []):
        assert text not in output, f"{block.where()}: {text!r} in the output:\n{output}"
    for name in options.get("creates", []):
        assert (sandbox / name).is_file(), f"{block.where()}: {name} was not written"


def _with_includes(config: dict[str, Any]) -> dict[str, Any]:
    """The pipeline as GitLab sees it: included files first, then this file merged over them."""
    includes = config.get("include", [])
    files = [i.get("file") if isinstance(i, dict) else i for i in ([includes] if isinstance(includes, (str, dict))
                                                                  else includes)]
    assert "ci/snclint.gitlab-ci.yml" in files or "/ci/snclint.gitlab-ci.yml" in files, files
    return merge(template(), {k: v for k, v in config.items() if k != "include"})


def _check_job(job: dict[str, Any], where: str) -> None:
    script = " ".join(job["script"])
    assert "snclint scan" in script, where
    reports = job["artifacts"]["reports"]
    assert set(reports) >= REPORT_KEYS, where
    for key in REPORT_KEYS:
        assert f":{reports[key]}" in script, f"{where}: the {key} report {reports[key]} is not written by the job"
    assert job["artifacts"].get("when") == "always", where


def _gitlab_ci(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _with_includes(yaml.safe_load(block.text))
    known = documented_variables()
    job = resolved_job(config, "snclint")
    for name in [*config.get("variables", {}), *job.get("variables", {})]:
        assert not name.startswith("SNCLINT_") or name in known, f"{block.where()}: unknown variable {name}"
    _check_job(job, block.where())
    assert job["stage"] in (".pre", ".post", *config.get("stages", ["build", "test", "deploy"])), block.where()
    ref = yaml.safe_load(block.text)["include"][0]["ref"]
    assert job["variables"]["SNCLINT_REF"] == ref, f"{block.where()}: the job installs what is included"
    assert not re.fullmatch(r"v?\d+(\.\d+)*", ref), f"{block.where()}: no release tag exists to pin"


def _gitlab_ci_job(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(block.text)
    jobs = [name for name, job in config.items() if isinstance(job, dict) and "script" in job]
    assert jobs, block.where()
    for name in jobs:
        _check_job(resolved_job(config, name), f"{block.where()} ({name})")


def _gitlab_ci_matrix(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(block.text)
    fanned = [n for n, j in config.items() if isinstance(j, dict) and "matrix" in j.get("parallel", {})]
    assert fanned, f"{block.where()}: no parallel:matrix job"
    for name in fanned:
        job = resolved_job(config, name)
        count = 0
        for entry in job["parallel"]["matrix"]:
            product = 1
            for values in entry.values():
                product *= len(values) if isinstance(values, list) else 1
            count += product
        assert 0 < count <= 200, f"{block.where()}: {count} jobs in one matrix (GitLab's limit is 200)"
        script = " ".join(job["script"])
        assert "snclint scan" in script and "--report" in script, block.where()
    merging = [j for j in config.values() if isinstance(j, dict) and "snclint merge" in " ".join(j.get("script", []))]
    assert merging and all(fanned[0] in str(j.get("needs")) for j in merging), block.where()


def _pre_commit_config(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(block.text)
    ids = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    hooks = [h for repo in config["repos"] for h in repo["hooks"] if repo["repo"] not in ("local", "meta")]
    assert hooks and all(h["id"] in ids for h in hooks), block.where()
    assert all(repo.get("rev") not in ("main", "master", "HEAD") for repo in config["repos"]), block.where()
    assert not any(re.fullmatch(r"v?\d+(\.\d+)*", str(repo.get("rev"))) for repo in config["repos"]), (
        f"{block.where()}: no release tag exists to pin")


def _github_workflow(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(block.text)
    steps = [s for job in config["jobs"].values() for s in job["steps"]]
    runs = " ".join(s.get("run", "") for s in steps)
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert f"sarif:{upload['with']['sarif_file']}" in runs or f"-o {upload['with']['sarif_file']}" in runs
    assert config["jobs"][next(iter(config["jobs"]))]["permissions"]["security-events"] == "write"


def _yaml(block: Block, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert list(yaml.safe_load_all(block.text)), block.where()


CHECKS = {"file": _file, "run": _run, "gitlab-ci": _gitlab_ci, "gitlab-ci-job": _gitlab_ci_job,
          "gitlab-ci-matrix": _gitlab_ci_matrix, "pre-commit-config": _pre_commit_config,
          "github-workflow": _github_workflow, "yaml": _yaml}


@pytest.mark.parametrize("page", [*PAGES, REPO / "README.md", REPO / "ci" / "snclint.gitlab-ci.yml"],
                         ids=lambda p: p.name)
def test_no_example_installs_snclint_by_a_bare_name(page: Path) -> None:
    """A bare name is looked up on a public index: whoever registers it runs code in the pipeline."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if "pip install" not in line:
            continue
        command = line.split("pip install", 1)[1]
        for following in lines[number + 1:]:  # a shell continuation, or a folded YAML line of options
            if not (command.rstrip().endswith("\\") or following.strip().startswith(("--", "./"))):
                break
            command += " " + following
        command = re.split(r"&&|;|\|", command)[0]  # this command only, not the next one
        for word in command.replace('"', " ").replace("'", " ").replace("`", " ").split():
            assert not re.fullmatch(r"snclint(\[[\w,]+\])?([=<>~!].*)?", word), f"{page.name}:{number + 1}: {line}"
