"""``snclint merge``: the JSON reports of many repositories as one (a security team's audit)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from linter import __version__
from linter.errors import UsageError
from linter.reporters.json_report import SCHEMA_VERSION

SUMMED = ("files", "resources", "error", "warning", "info", "suppressed")


def merge_reports(paths: Sequence[str]) -> dict[str, Any]:
    """Findings keep their paths, prefixed with the report's folder so repositories stay apart."""
    summary = dict.fromkeys(SUMMED, 0)
    findings: list[dict[str, Any]] = []
    for path in paths:
        try:
            report = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise UsageError(f"{path}: not a readable snclint JSON report ({err})") from None
        if not isinstance(report, dict) or report.get("schema_version") != SCHEMA_VERSION:
            raise UsageError(f"{path}: not a snclint JSON report of schema_version {SCHEMA_VERSION}")
        for key in SUMMED:
            summary[key] += int((report.get("summary") or {}).get(key, 0))
        source = Path(path).parent.as_posix()
        for finding in report.get("findings", []):
            prefix = f"{source}/" if source not in ("", ".") else ""
            root = finding.get("root")
            findings.append({**finding, "report": path, "file": prefix + finding["file"],
                             **({"root": prefix + root} if isinstance(root, str) and prefix else {})})
    findings.sort(key=lambda f: (f["file"], f["line"], f["rule_id"]))
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "snclint", "version": __version__},
            "summary": summary, "findings": findings}
