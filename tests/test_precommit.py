"""The pre-commit hook, for real: a throwaway project whose .pre-commit-config.yaml points at this
repository; pre-commit installs snclint into its own virtualenv (from PyPI for the dependencies)
and a commit of sensitive data on unqualified hosting is refused, with the finding printed.

The hook repository is a snapshot of this work tree (tracked and untracked, not ignored, files)
committed in a temporary repository, so the test checks what is on disk, not only what is
committed, as ``pre-commit try-repo`` does.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.snapshot import snapshot

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "tests" / "schemas" / "pre-commit-hooks.schemastore.json"

PROVIDERS = 'provider "aws" {\n  region = "eu-west-3"\n}\n'
BUCKET = '''resource "aws_s3_bucket" "records" {{
  bucket = "records"
  tags   = {{ data_sensitivity = "{level}" }}
}}
'''


def _manifest() -> list[dict]:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_manifest_declares_the_hook() -> None:
    (hook,) = _manifest()
    assert hook["id"] == "snclint"
    assert hook["entry"] == "snclint scan --fail-on-rule SNC007"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook.get("pass_filenames", True) is True
    files = re.compile(hook["files"])
    for name in ("main.tf", "prod.tfvars", "main.tf.json", "k8s/db.yaml", "k8s/db.yml", "list.json"):
        assert files.search(name), name
    for name in ("README.md", "main.tf.bak", "script.py"):
        assert not files.search(name), name


def test_manifest_is_valid_for_pre_commit() -> None:
    """pre-commit's own validator is the authority (the SchemaStore schema lags behind it)."""
    pytest.importorskip("pre_commit", reason="pre-commit (test extra) is not installed")
    run = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_manifest_matches_the_schemastore_schema() -> None:
    """A loose check only: the community schema is stale (stage names, newer keys)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(_manifest())]
    assert not errors


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    gitconfig = home / "gitconfig"
    gitconfig.write_text("[user]\n\tname = snclint tests\n\temail = tests@snclint.invalid\n"
                         "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n", encoding="utf-8")
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(home / "cache"),
               NO_COLOR="1", PRE_COMMIT_COLOR="never")
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the pre-commit hook cannot be tried")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("precommit")
    env = _env(root)
    hooks = root / "hooks"
    hooks.mkdir()
    sha = snapshot(hooks, env)
    work = root / "project"
    (work / "infra").mkdir(parents=True)
    config = {"repos": [{"repo": hooks.as_posix(), "rev": sha, "hooks": [{"id": "snclint"}]}]}
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for args in (["git", "init", "-q"], [sys.executable, "-m", "pre_commit", "install"]):
        done = _run(args, work, env)
        assert done.returncode == 0, done.stdout + done.stderr
    return work, env


def _commit(work: Path, env: dict[str, str], message: str, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    added = _run(["git", "add", *files, ".pre-commit-config.yaml"], work, env)
    assert added.returncode == 0, added.stderr
    return _run(["git", "commit", "-m", message], work, env)


def _log(work: Path, env: dict[str, str]) -> list[str]:
    return _run(["git", "log", "--format=%s"], work, env).stdout.split()


@pytest.mark.slow
def test_commits_are_checked_by_the_hook(project: tuple[Path, dict[str, str]]) -> None:
    work, env = project
    first = _commit(work, env, "providers", {"infra/providers.tf": PROVIDERS})
    assert first.returncode == 0, first.stdout + first.stderr
    assert "snclint (SecNumCloud hosting of sensitive data)" in first.stdout + first.stderr

    # only data.tf is staged: the hook must still read providers.tf, its module's other file
    refused = _commit(work, env, "records", {"infra/data.tf": BUCKET.format(level="particuliere")})
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "SNC001" in output and "aws_s3_bucket.records" in output, output
    assert "infra/data.tf" in output, output
    assert _log(work, env) == ["providers"]

    fixed = _commit(work, env, "records", {"infra/data.tf": BUCKET.format(level="standard")})
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert _log(work, env) == ["records", "providers"]

    # a suppression without a reason is only a warning (SNC007), yet the hook refuses it
    bare = _commit(work, env, "bare", {"infra/data.tf": "# snclint:ignore SNC001\n"
                                       + BUCKET.format(level="particuliere")})
    assert bare.returncode != 0 and "SNC007" in bare.stdout + bare.stderr, bare.stdout + bare.stderr
    _run(["git", "reset", "-q", "--hard"], work, env)

    # committing a var file alone re-checks the root module it feeds
    (work / "infra" / "envs").mkdir()
    (work / "infra" / "variables.tf").write_text('variable "level" {\n  default = "standard"\n}\n', encoding="utf-8")
    _run(["git", "add", "infra/variables.tf"], work, env)
    levelled = _commit(work, env, "level", {"infra/data.tf": BUCKET.format(level="${var.level}")})
    assert levelled.returncode == 0, levelled.stdout + levelled.stderr
    prod = _commit(work, env, "prod", {"infra/envs/prod.tfvars": 'level = "particuliere"\n'})
    assert prod.returncode != 0 and "SNC001" in prod.stdout + prod.stderr, prod.stdout + prod.stderr
