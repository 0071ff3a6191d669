"""Builds ``policies/compiled.json`` (``linter.shipped_knowledge``) from the shipped files: the
command a contributor runs after editing a policy file or schema (``python -m
linter.shipped_build``); a test fails until the copy matches them."""
from __future__ import annotations

import json

from linter.package_data import folder
from linter.policy_files import SHIPPED, _read_shipped
from linter.shipped_knowledge import FILE, FORMAT, key


def build() -> bytes:
    """``compiled.json``'s text from the shipped files, each read and checked as a scan would."""
    documents = {kind: _read_shipped(kind, (folder("linter.policies") / f"{kind}.yaml").read_bytes().decode("utf-8"))
                 for kind in sorted(SHIPPED)}
    # one value a line: a change to a policy file shows in review as the lines it changes here
    text = json.dumps({"format": FORMAT, "key": key(SHIPPED), "documents": documents},
                      ensure_ascii=True, allow_nan=False, sort_keys=True, indent=0, separators=(",", ":"))
    if json.loads(text)["documents"] != documents:
        raise SystemExit("the shipped knowledge holds a value JSON does not give back identically")
    return text.encode("ascii") + b"\n"


def main() -> None:
    """Write ``policies/compiled.json`` beside the YAML (in a checkout)."""
    target = folder("linter.policies") / FILE
    with open(str(target), "wb") as out:
        out.write(build())


if __name__ == "__main__":
    main()
