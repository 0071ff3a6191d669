"""The includable GitLab CI template: its structure, and its script run for real against a fixture
(the job's shell, with ``snclint`` pointing at this checkout)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gitlab_pipeline import resolved_job, template

REPORTS = {"codequality": "gl-code-quality-report.json", "sast": "gl-sast-report.json",
           "junit": "snclint-junit.xml"}


def test_the_template_sets_no_global_variables() -> None:
    """Global ``variables:`` would leak into every job of the including pipeline."""
    assert set(template()) == {".snclint", "snclint"}
    assert set(resolved_job(template(), "snclint").get("variables", {})) == {"PIP_CACHE_DIR"}


def test_job_runs_on_merge_requests_and_the_default_branch() -> None:
    job = resolved_job(template(), "snclint")
    assert job["stage"] == ".pre", "a stage every pipeline has"
    conditions = [rule.get("if", "") for rule in job["rules"] if rule.get("when") != "never"]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in conditions
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in conditions
    assert job["rules"][0] == {"if": '$SNCLINT_DISABLED == "true" || $SNCLINT_DISABLED == "1"', "when": "never"}


def test_the_image_is_pinned_and_pip_is_cached() -> None:
    job = resolved_job(template(), "snclint")
    assert re.fullmatch(r"python:3\.\d+\.\d+-bookworm(@sha256:[0-9a-f]{64})?", job["image"]), job["image"]
    cache_dir = job["variables"]["PIP_CACHE_DIR"]
    assert cache_dir.startswith("$CI_PROJECT_DIR/.snclint-cache/"), "a folder scans never read"
    assert job["cache"]["paths"] == [cache_dir.removeprefix("$CI_PROJECT_DIR/")]


def test_snclint_is_installed_from_a_pinned_source_with_constraints() -> None:
    install = "\n".join(resolved_job(template(), "snclint")["before_script"])
    pips = [line for line in install.splitlines() if line.strip().startswith("pip_install ")]
    assert pips and all("--constraint" in line for line in pips), pips
    assert "snclint" not in " ".join(pips).replace(".snclint-cache", ""), "never a bare name from an index"
    assert 'fetch --quiet --depth 1 "$repository" "$SNCLINT_REF"' in install


def test_reports_are_published_whatever_the_outcome() -> None:
    artifacts = resolved_job(template(), "snclint")["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"] == REPORTS
    assert set(REPORTS.values()) <= set(artifacts["paths"])


def test_one_scan_writes_every_report_and_fails_on_the_level() -> None:
    script = " ".join(resolved_job(template(), "snclint")["script"])
    assert script.count("snclint scan") == 1
    assert "--report gitlab:gl-code-quality-report.json" in script
    assert "--report gitlab-sast:gl-sast-report.json" in script
    assert "--report junit:snclint-junit.xml" in script
    assert '--fail-on "${SNCLINT_FAIL_ON:-error}"' in script
    assert '--baseline "$SNCLINT_BASELINE"' in script
    assert '--gitlab-sast-schema "${SNCLINT_SAST_SCHEMA:-15.2.1}"' in script
    assert "${SNCLINT_PATHS:-.}" in script and "${SNCLINT_ARGS:-}" in script


def test_script_is_valid_shell() -> None:
    job = resolved_job(template(), "snclint")
    for line in [*job["before_script"], *job["script"]]:
        check = subprocess.run(["sh", "-n", "-c", line], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


BUCKET = '''provider "aws" {
  region = "eu-west-3"
}

resource "aws_s3_bucket" "records" {
  bucket = "records"
  tags   = { data_sensitivity = "particuliere" }
}
'''


def run_job_script(work: Path, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's script lines, in order, in ``sh -e`` as the runner does, with ``snclint`` on PATH
    running this checkout."""
    bin_dir = work / ".bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "snclint"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m linter "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, **variables,
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = "\n".join(resolved_job(template(), "snclint")["script"])
    return subprocess.run(["sh", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
def test_job_script_against_a_fixture(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the job runs in the project's checkout
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(BUCKET, encoding="utf-8")
    run = run_job_script(tmp_path, {"SNCLINT_PATHS": "infra"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "SNC001" in run.stdout
    quality = json.loads((tmp_path / REPORTS["codequality"]).read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"]) for i in quality] == [("SNC001", "infra/main.tf")]
    sast = json.loads((tmp_path / REPORTS["sast"]).read_text(encoding="utf-8"))
    assert [v["identifiers"][0]["value"] for v in sast["vulnerabilities"]] == ["SNC001"]
    junit = ET.parse(tmp_path / REPORTS["junit"]).getroot()
    assert [c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None] == [
        "infra/main.tf aws_s3_bucket.records [root infra]"]
    assert (tmp_path / "snclint-report.html").is_file()

    never = run_job_script(tmp_path, {"SNCLINT_PATHS": "infra", "SNCLINT_FAIL_ON": "never"})
    assert never.returncode == 0, never.stdout + never.stderr

    baseline = run_job_script(tmp_path, {"SNCLINT_PATHS": "infra", "SNCLINT_ARGS": "--write-baseline base.json"})
    assert baseline.returncode == 1
    adopted = run_job_script(tmp_path, {"SNCLINT_PATHS": "infra", "SNCLINT_BASELINE": "base.json"})
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr

    linked = run_job_script(tmp_path, {"SNCLINT_PATHS": "infra", "SNCLINT_PROJECT": "infra-tools/snclint",
                                       "SNCLINT_REF": "0123abc", "CI_SERVER_URL": "https://git.example"})
    assert linked.returncode == 1, linked.stdout + linked.stderr
    sast = json.loads((tmp_path / REPORTS["sast"]).read_text(encoding="utf-8"))
    assert sast["vulnerabilities"][0]["identifiers"][0]["url"] == (
        "https://git.example/infra-tools/snclint/-/blob/0123abc/docs/rules.md#snc001"), "rules link to the pinned copy"


def _identity(home: Path) -> dict[str, str]:
    gitconfig = home / "gitconfig"
    gitconfig.write_text("[user]\n\tname = snclint tests\n\temail = tests@snclint.invalid\n"
                         "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n", encoding="utf-8")
    return {"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}


def run_job(project: Path, python_bin: Path, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``before_script`` then ``script`` in ``sh -e``, as the runner does, with nothing of this
    test run's environment: a minimal PATH (``python_bin`` stands for the image's Python), a
    HOME of its own, the job's variables and the documented ones."""
    job = resolved_job(template(), "snclint")
    home = project.parent / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": f"{python_bin}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "CI_PROJECT_DIR": str(project)}
    env.update({k: v.replace("$CI_PROJECT_DIR", str(project)) for k, v in job.get("variables", {}).items()})
    env.update(variables)
    script = "\n".join([*job["before_script"], *job["script"]])
    return subprocess.run(["sh", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True,
                          timeout=900)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "infra").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / "infra" / "main.tf").write_text(BUCKET, encoding="utf-8")
    return project


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("git") is None, reason="no POSIX shell or git")
def test_the_job_refuses_to_run_without_a_pinned_source(tmp_path: Path) -> None:
    project = _project(tmp_path)
    bare = run_job(project, Path(sys.executable).parent, {})
    assert bare.returncode == 2
    assert "set SNCLINT_PROJECT (or SNCLINT_REPOSITORY) and SNCLINT_REF, or SNCLINT_WHEEL" in bare.stderr
    wheel = run_job(project, Path(sys.executable).parent, {"SNCLINT_WHEEL": "snclint.whl"})
    assert wheel.returncode == 2 and "SNCLINT_WHEEL needs SNCLINT_CONSTRAINTS" in wheel.stderr
    source = tmp_path / "snclint"
    source.mkdir()
    env = {**os.environ, **_identity(tmp_path)}
    subprocess.run(["git", "init", "-q"], cwd=source, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=source, env=env, check=True)
    missing = run_job(project, Path(sys.executable).parent,
                      {"SNCLINT_REPOSITORY": str(source), "SNCLINT_REF": "0" * 40})
    assert missing.returncode != 0 and not (project / REPORTS["codequality"]).exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("git") is None, reason="no POSIX shell or git")
def test_the_job_installs_the_pinned_snclint_in_a_clean_environment(tmp_path: Path) -> None:
    """The documented setup, for real: snclint fetched from a git repository at a commit, installed
    with the constraints file into a fresh Python, the three reports written and valid."""
    import jsonschema
    from helpers.snapshot import snapshot
    from reporters.sample import SCHEMAS, load_schema

    source = tmp_path / "snclint"
    source.mkdir()
    sha = snapshot(source, {**os.environ, **_identity(tmp_path)})
    venv = tmp_path / "image-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    project = _project(tmp_path)
    run = run_job(project, venv / "bin", {"SNCLINT_REPOSITORY": str(source), "SNCLINT_REF": sha,
                                          "SNCLINT_PATHS": "infra", "SNCLINT_SAST_SCHEMA": "15.2.1"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"snclint: installing commit {sha}" in run.stdout
    assert "SNC001" in run.stdout

    frozen = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--exclude", "snclint"],
                            capture_output=True, text=True, check=True).stdout.split()
    constraints = (source / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    pinned = [line for line in constraints.splitlines() if line and not line.startswith("#")]
    assert sorted(frozen, key=str.lower) == sorted(pinned, key=str.lower), "the job gets the constrained versions"

    def validator(name: str) -> jsonschema.protocols.Validator:
        schema = load_schema(SCHEMAS, name)
        return jsonschema.validators.validator_for(schema)(schema)

    quality = json.loads((project / REPORTS["codequality"]).read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"]) for i in quality] == [("SNC001", "infra/main.tf")]
    assert not [e for i in quality for e in validator("gitlab-codequality-codeclimate.json").iter_errors(i)]
    sast = json.loads((project / REPORTS["sast"]).read_text(encoding="utf-8"))
    assert sast["version"] == "15.2.1"
    assert not list(validator("gitlab-sast-report-format-15.2.1.json").iter_errors(sast))
    etree = pytest.importorskip("lxml.etree", reason="lxml (test extra) is needed for XSD validation")
    junit = etree.parse(str(project / REPORTS["junit"])).getroot()
    assert [c.get("file") for c in junit.iter("testcase") if c.find("failure") is not None] == ["infra/main.tf"]
    for case in junit.iter("testcase"):
        case.attrib.pop("file", None)
        case.attrib.pop("line", None)
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-ant-JUnit.xsd")))
    assert xsd.validate(junit), [str(e) for e in xsd.error_log][:5]
    assert (project / "snclint-report.html").is_file()
