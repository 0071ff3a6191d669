"""Classification tags of a plan resource, from its planned values.

Tags sit at the type's tag paths and are read as the Terraform frontend reads them (a map,
``{key, value}`` blocks or ``"key=value"`` strings). Providers also plan the merge of a resource's
own tags with the provider's defaults (AWS ``tags_all``, Google ``terraform_labels``): its extra
keys are the provider's ``default_tags``/``default_labels``, known here even when the provider is
configured in another module or from variables.
"""
from __future__ import annotations

from typing import Any, Mapping

from linter.classification_tags import tags_of, values_at
from linter.model import Location, Tag

# provider conventions (not resource types): attributes holding own tags merged with provider defaults
MERGED_TAG_PATHS = ("tags_all", "terraform_labels")


def plan_tags(values: Mapping[str, Any], paths: tuple[str, ...], location: Location) -> tuple[Tag, ...]:
    """Own tags first (the first path holding a key wins), then the keys only the merged attributes
    hold, with the merged attribute as source."""
    out: list[Tag] = []
    keys: set[str] = set()
    own = [path for path in paths if path not in MERGED_TAG_PATHS]
    for path in [*own, *MERGED_TAG_PATHS]:
        source = path.rpartition(".")[2]
        for value in values_at(values, path.split(".")):
            for tag in tags_of(value, location, source):
                if tag.key == "*" or tag.key not in keys:
                    out.append(tag)
                    keys.add(tag.key)
    return tuple(out)
