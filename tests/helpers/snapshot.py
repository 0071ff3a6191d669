"""This work tree (committed or not) as a commit of a fresh git repository: the pinned source that
the pre-commit hook and the CI template install snclint from in their tests."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def snapshot(target: Path, env: dict[str, str]) -> str:
    """Copy the tracked and untracked (not ignored) files into ``target``, commit; return the sha.
    ``env`` must give git an identity (GIT_CONFIG_GLOBAL or GIT_AUTHOR_*/GIT_COMMITTER_*)."""
    listed = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO, env)
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        _git(args, target, env)
    return _git(["rev-parse", "HEAD"], target, env).strip()
