"""The includable GitLab CI template: its structure, and its script run for real against a fixture
(the job's shell, with ``snclint`` pointing at this checkout)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gitlab_pipeline import resolved_job, template

REPORTS = {"codequality": "gl-code-quality-report.json", "sast": "gl-sast-report.json",
           "junit": "snclint-junit.xml"}


def test_variables_are_declared_with_defaults() -> None:
    variables = template()["variables"]
    assert variables["SNCLINT_PATHS"] == "."
    assert variables["SNCLINT_ARGS"] == ""
    assert variables["SNCLINT_FAIL_ON"] == "error"
    assert variables["SNCLINT_BASELINE"] == ""
    assert all(isinstance(v, str) for v in variables.values())


def test_job_runs_on_merge_requests_and_the_default_branch() -> None:
    job = resolved_job(template(), "snclint")
    assert job["stage"] == "test"
    conditions = [rule.get("if", "") for rule in job["rules"] if rule.get("when") != "never"]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in conditions
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in conditions
    assert job["rules"][0] == {"if": '$SNCLINT_DISABLED == "true" || $SNCLINT_DISABLED == "1"', "when": "never"}


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
    assert '--fail-on "$SNCLINT_FAIL_ON"' in script
    assert '--baseline "$SNCLINT_BASELINE"' in script
    assert "$SNCLINT_PATHS" in script and "$SNCLINT_ARGS" in script


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
    env = {**os.environ, **template()["variables"], **variables,
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = "\n".join(resolved_job(template(), "snclint")["script"])
    return subprocess.run(["sh", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)


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
