"""Kustomize, step two: rendering a checked kustomization in process, the way kustomize v5 does.

The subset that decides where objects run and how they are classified: resources and bases
(recursively), components, ``namespace``, ``namePrefix``/``nameSuffix``, ``commonLabels``,
``labels``, ``commonAnnotations``, strategic-merge and JSON 6902 patches, ConfigMap and Secret
generators (with kustomize's name hash), and the name references that follow a renamed claim,
volume or storage class. The order is kustomize's (``api/internal/target/kusttarget.go``):
resources, generators, components, then the transformers — patches, namespace, prefix, suffix,
labels, annotations, JSON 6902 patches — and, once at the top, name hashes and references.

Pure: it reads only through ``Checked.read`` (files step one accepted), starts no process and
opens no socket. A tree that would blow up (a base used twice by each of 30 levels) stops at a
budget of kustomizations and objects.
"""
from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from linter import limits
from linter.kubernetes.kustomize_data import FieldSpec, KustomizeData, Selector
from linter.kubernetes.kustomize_patch import (
    DELETE,
    PatchError,
    json_patch,
    name_pattern,
    selector_matches,
    strategic_merge,
)
from linter.kubernetes.kustomize_refs import Checked, Kustomization
from linter.loaders.kubernetes import decode
from linter.loaders.safe_yaml import load_documents

LOCAL_CONFIG = "config.kubernetes.io/local-config"
Id = tuple[str, str, str, str]  # apiVersion, kind, namespace, name


class RenderError(ValueError):
    """What kustomize would fail on too; the message names the file."""


@dataclass(slots=True)
class Resource:
    obj: dict[str, Any]
    origin: Path  # folder of the kustomization that brought it in
    ids: list[Id] = field(default_factory=list)  # every id it had, the current one last
    generated: dict[str, Any] | None = None  # generator options, for the name hash

    @property
    def id(self) -> Id:
        meta = self.obj.get("metadata") or {}
        return (str(self.obj.get("apiVersion", "")), str(self.obj.get("kind", "")),
                str(meta.get("namespace") or ""), str(meta.get("name") or ""))

    def remember(self) -> None:
        if not self.ids or self.ids[-1] != self.id:
            self.ids.append(self.id)


class Builder:
    def __init__(self, checked: Checked, facts: KustomizeData, cluster_scoped: frozenset[str]) -> None:
        self.checked, self.facts, self.cluster_scoped = checked, facts, cluster_scoped
        self.builds = 0
        self.objects = 0

    def render(self, folder: Path) -> list[dict[str, Any]]:
        resources = self._build(folder)
        self._hash_names(resources)
        self._fix_references(resources)
        return [r.obj for r in resources if (r.obj.get("metadata") or {}).get("annotations", {})
                .get(LOCAL_CONFIG) != "true"]

    def _kustomization(self, folder: Path) -> Kustomization:
        found = self.checked.load(folder)
        if not isinstance(found, Kustomization):
            raise RenderError(found.why)
        return found

    def _build(self, folder: Path) -> list[Resource]:
        acc: list[Resource] = []
        self._accumulate(self._kustomization(folder), acc)
        return acc

    def _accumulate(self, k: Kustomization, acc: list[Resource]) -> None:
        self.builds += 1
        if self.builds > limits.KUSTOMIZE_BUILDS:
            raise RenderError(f"more than {limits.KUSTOMIZE_BUILDS} kustomizations to render "
                              "(bases used many times over)")
        for path in k.resources:
            self._add(acc, self._build(path) if path.is_dir() else self._load(path, k.folder))
        for key in ("configMapGenerator", "secretGenerator"):
            for item in _maps(k.body.get(key)):
                self._generate(k, key, item, acc)
        for path in k.components:
            component = self._kustomization(path)
            if not component.component:
                raise RenderError(f"{path.name}/ is used as a component but is not a kind: Component")
            self._accumulate(component, acc)
        self._transform(k, acc)

    def _add(self, acc: list[Resource], new: Iterable[Resource]) -> None:
        known = {r.id for r in acc}
        for resource in new:
            if resource.id in known:
                raise RenderError(f"{_show(resource.id)} is defined twice")
            known.add(resource.id)
            acc.append(resource)
            self.objects += 1
            if self.objects > limits.KUSTOMIZE_OBJECTS:
                raise RenderError(f"more than {limits.KUSTOMIZE_OBJECTS} objects")

    def _load(self, path: Path, origin: Path) -> list[Resource]:
        out = []
        for n, value in enumerate(self._documents(path), 1):
            for obj in _expand(value):
                if not isinstance((obj.get("metadata") or {}).get("name"), str) or not obj.get("apiVersion") \
                        or not obj.get("kind"):
                    raise RenderError(f"{path.name}: document {n} is not a Kubernetes object with a name")
                resource = Resource(obj, origin)
                resource.remember()
                out.append(resource)
        return out

    def _documents(self, path: Path) -> list[Any]:
        text, why = decode(self.checked.read(path))
        if text is None:
            raise RenderError(f"{path.name} is {why}")
        return self._parse(text, path.name)

    @staticmethod
    def _parse(text: str, name: str) -> list[Any]:
        documents, issue = load_documents(text)
        if issue is not None:
            raise RenderError(f"{name}:{issue.line}: not valid YAML: {issue.message}")
        return [_plain(d.value) for d in documents if d.value is not None]

    # generators -------------------------------------------------------------------------------

    def _generate(self, k: Kustomization, key: str, item: Mapping[str, Any], acc: list[Resource]) -> None:
        kind = "ConfigMap" if key == "configMapGenerator" else "Secret"
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise RenderError(f"{key}: a generator without a name")
        data = self._generated_data(k, item)
        options = {**_map(k.body.get("generatorOptions")), **_map(item.get("options"))}
        meta: dict[str, Any] = {"name": name}
        if isinstance(item.get("namespace"), str):
            meta["namespace"] = item["namespace"]
        for field_name in ("labels", "annotations"):
            if options.get(field_name):
                meta[field_name] = _strings(options[field_name], f"generatorOptions.{field_name}")
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": meta}
        if kind == "Secret":
            obj["type"] = str(item.get("type") or "Opaque")
            data = {k2: base64.b64encode(v.encode("utf-8")).decode("ascii") for k2, v in data.items()}
        if data:
            obj["data"] = data
        if options.get("immutable"):
            obj["immutable"] = True
        behavior = item.get("behavior", "create")
        resource = Resource(obj, k.folder, generated=None if options.get("disableNameSuffixHash") else options)
        resource.remember()
        if behavior == "create":
            self._add(acc, [resource])
            return
        old = next((r for r in acc if any(i[1] == kind and i[3] == name and i[2] == meta.get("namespace", "")
                                          for i in r.ids)), None)
        if old is None or behavior not in ("merge", "replace"):
            raise RenderError(f"{key} {name}: behavior {behavior!r} needs an existing {kind} of that name")
        if behavior == "replace":
            old.obj["data"] = obj.get("data", {})
        else:
            old.obj["data"] = {**_map(old.obj.get("data")), **_map(obj.get("data"))}
            old.obj["metadata"] = strategic_merge(old.obj.get("metadata"), {k2: v for k2, v in meta.items()
                                                                            if k2 in ("labels", "annotations")},
                                                  self.facts.merge_keys)
        if old.generated is not None and resource.generated is None:
            old.generated = None

    def _generated_data(self, k: Kustomization, item: Mapping[str, Any]) -> dict[str, str]:
        data: dict[str, str] = {}
        for literal in _list(item.get("literals")):
            key, sep, value = str(literal).partition("=")
            if not sep:
                raise RenderError(f"literal {literal!r} is not key=value")
            data[key.strip()] = _unquote(value)
        for source in _list(item.get("files")):
            key, sep, path = str(source).partition("=")
            path = path if sep else key
            key = key if sep else Path(path).name
            data[key] = self._text(k.folder / path)
        for env in _list(item.get("envs")) + _list(item.get("env")):
            for line in self._text(k.folder / str(env)).splitlines():
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                key, sep, value = line.partition("=")
                if not sep:
                    raise RenderError(f"{env}: {key!r} takes its value from the environment, which snclint "
                                      "never reads")
                data[key.strip()] = value
        return data

    def _text(self, path: Path) -> str:
        resolved = Path(path).resolve()
        text, why = decode(self.checked.read(resolved))
        if text is None:
            raise RenderError(f"{path.name} is {why}")
        return text

    # transformers -----------------------------------------------------------------------------

    def _transform(self, k: Kustomization, acc: list[Resource]) -> None:
        body = k.body
        for entry in _list(body.get("patchesStrategicMerge")):
            in_file = self._is_file(k, entry)
            for patch in self._patch_documents(k, None if in_file else entry, entry if in_file else None):
                self._strategic(acc, patch, None, {})
        for item in _maps(body.get("patches")):
            self._patch(k, acc, item)
        namespace = body.get("namespace")
        if isinstance(namespace, str) and namespace:
            self._namespace(acc, namespace)
        for affix in ("namePrefix", "nameSuffix"):
            value = body.get(affix)
            if isinstance(value, str) and value:
                self._rename(acc, value, affix == "namePrefix")
        for label in _maps(body.get("labels")):
            specs: list[FieldSpec] = []
            if label.get("includeSelectors"):
                specs = [*self.facts.selector_labels, *self.facts.template_labels, *self.facts.claim_template_labels]
            else:
                if label.get("includeTemplates"):
                    specs += self.facts.template_labels
                if label.get("includeVolumeClaimTemplates"):
                    specs += self.facts.claim_template_labels
            self._write(acc, "labels", _strings(label.get("pairs"), "labels.pairs"), specs)
        if body.get("commonLabels"):
            self._write(acc, "labels", _strings(body["commonLabels"], "commonLabels"),
                        [*self.facts.selector_labels, *self.facts.template_labels, *self.facts.claim_template_labels])
        if body.get("commonAnnotations"):
            self._write(acc, "annotations", _strings(body["commonAnnotations"], "commonAnnotations"),
                        self.facts.annotations)
        for item in _maps(body.get("patchesJson6902")):
            self._patch(k, acc, item)

    def _is_file(self, k: Kustomization, entry: Any) -> bool:
        return isinstance(entry, str) and "\n" not in entry and (k.folder / entry).resolve() in k.files

    def _patch_documents(self, k: Kustomization, inline: Any, path: Any) -> list[Any]:
        if path is not None:
            resolved = (k.folder / str(path)).resolve()
            if resolved not in k.files:
                raise RenderError(f"patch {path} was not checked")
            return self._documents(resolved)
        if isinstance(inline, str):
            return self._parse(inline, "an inline patch")
        return [_plain(inline)] if inline is not None else []

    def _patch(self, k: Kustomization, acc: list[Resource], item: Mapping[str, Any]) -> None:
        documents = self._patch_documents(k, item.get("patch"), item.get("path"))
        target = item.get("target")
        options = _map(item.get("options"))
        if documents and isinstance(documents[0], list):
            if not isinstance(target, Mapping):
                raise RenderError("a JSON 6902 patch needs a target")
            for resource in self._targets(acc, target):
                try:
                    resource.obj = json_patch(resource.obj, documents[0])
                except PatchError as err:
                    raise RenderError(f"{_show(resource.id)}: {err}") from None
                resource.remember()
            return
        for patch in documents:
            self._strategic(acc, patch, target if isinstance(target, Mapping) else None, options)

    def _strategic(self, acc: list[Resource], patch: Any, target: Mapping[str, Any] | None,
                   options: Mapping[str, Any]) -> None:
        if not isinstance(patch, dict):
            raise RenderError("a strategic merge patch must be a mapping")
        if target is None:
            meta = _map(patch.get("metadata"))
            want = (str(patch.get("apiVersion", "")), str(patch.get("kind", "")), str(meta.get("namespace") or ""),
                    str(meta.get("name") or ""))
            matches = [r for r in acc if any(self._same(i, want) for i in r.ids)]
            if len(matches) != 1:
                raise RenderError(f"no unique resource matches the patch {_show(want)}")
        else:
            matches = self._targets(acc, target)
        patch = copy.deepcopy(patch)  # the patch names its target; it does not rename it
        meta = patch.get("metadata") if isinstance(patch.get("metadata"), dict) else {}
        if not options.get("allowNameChange"):
            meta.pop("name", None)
            meta.pop("namespace", None)
        if not options.get("allowKindChange"):
            patch.pop("kind", None)
            patch.pop("apiVersion", None)
        for resource in matches:
            merged = strategic_merge(resource.obj, patch, self.facts.merge_keys)
            if merged is DELETE:
                acc.remove(resource)
            else:
                resource.obj = merged
                resource.remember()

    def _same(self, have: Id, want: Id) -> bool:
        if have[0] != want[0] or have[1] != want[1] or have[3] != want[3]:
            return False
        return have[1] in self.cluster_scoped or (have[2] or "default") == (want[2] or "default")

    def _targets(self, acc: list[Resource], target: Mapping[str, Any]) -> list[Resource]:
        selector = Selector(str(target.get("group", "")), str(target.get("version", "")), str(target.get("kind", "")))
        try:
            name = name_pattern(target["name"], "name") if "name" in target else None
            namespace = name_pattern(target["namespace"], "namespace") if "namespace" in target else None
            out = []
            for resource in acc:
                api_version, kind, ns, current = resource.id
                meta = _map(resource.obj.get("metadata"))
                if not selector.selects(api_version, kind):
                    continue
                if name is not None and not any(name.match(i[3]) for i in resource.ids):
                    continue
                if namespace is not None and not namespace.match(ns):
                    continue
                if "labelSelector" in target and not selector_matches(target["labelSelector"],
                                                                      _map(meta.get("labels"))):
                    continue
                if "annotationSelector" in target and not selector_matches(target["annotationSelector"],
                                                                           _map(meta.get("annotations"))):
                    continue
                out.append(resource)
        except PatchError as err:
            raise RenderError(str(err)) from None
        return out

    def _namespace(self, acc: list[Resource], namespace: str) -> None:
        for resource in acc:
            api_version, kind, _, _ = resource.id
            meta = resource.obj.setdefault("metadata", {})
            if any(s.selects(api_version, kind) for s in self.facts.namespace_names):
                meta["name"] = namespace
            elif kind not in self.cluster_scoped:
                meta["namespace"] = namespace
            resource.remember()

    def _rename(self, acc: list[Resource], affix: str, prefix: bool) -> None:
        for resource in acc:
            api_version, kind, _, name = resource.id
            if any(s.selects(api_version, kind) for s in self.facts.name_unchanged):
                continue
            resource.obj.setdefault("metadata", {})["name"] = affix + name if prefix else name + affix
            resource.remember()

    def _write(self, acc: list[Resource], key: str, pairs: Mapping[str, str], specs: Iterable[FieldSpec]) -> None:
        for resource in acc:
            api_version, kind = resource.id[:2]
            chosen = [FieldSpec(Selector(), ("metadata", key), True)]
            chosen += [s for s in specs if s.selector.selects(api_version, kind)]
            for spec in chosen:
                _update(resource.obj, spec.path, pairs, spec.create)

    # at the top -------------------------------------------------------------------------------

    def _hash_names(self, resources: list[Resource]) -> None:
        for resource in resources:
            if resource.generated is not None:
                name = resource.obj["metadata"]["name"]
                resource.obj["metadata"]["name"] = f"{name}-{name_hash(resource.obj)}"
                resource.remember()

    def _fix_references(self, resources: list[Resource]) -> None:
        for reference in self.facts.name_references:
            targets = [r for r in resources if reference.target.selects(*r.id[:2])]
            if not targets:
                continue
            for referrer in resources:
                rename = functools.partial(self._renamed, referrer=referrer, targets=targets)
                for spec in reference.fields:
                    if spec.selector.selects(*referrer.id[:2]):
                        _rewrite(referrer.obj, spec.path, rename)

    def _renamed(self, value: Any, referrer: Resource, targets: list[Resource]) -> Any:
        if not isinstance(value, str):
            return value
        namespace = referrer.id[2] or "default"
        found = [t for t in targets if any(i[3] == value for i in t.ids)
                 and (t.id[1] in self.cluster_scoped or (t.id[2] or "default") == namespace)]
        if len(found) > 1:
            found = [t for t in found if t.origin == referrer.origin] or found
        return found[0].id[3] if len(found) == 1 else value


def name_hash(obj: Mapping[str, Any]) -> str:
    """kustomize's generated-name suffix (``api/hasher``): sha256 of Go's JSON of the kind, data
    and type, ten hex digits with some swapped for letters. Its ``name`` is always empty: kustomize
    looks it up as one key named ``metadata/name``, which no object has."""
    fields: dict[str, Any] = {"kind": obj.get("kind"), "name": "", "data": obj.get("data", "")}
    if obj.get("kind") == "Secret":
        fields["type"] = obj.get("type", "")
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _update(obj: Any, path: tuple[str, ...], pairs: Mapping[str, str], create: bool) -> None:
    if isinstance(obj, list):
        for item in obj:
            _update(item, path, pairs, create)
        return
    if not isinstance(obj, dict):
        return
    head, rest = path[0], path[1:]
    if head not in obj or obj[head] is None:
        if not create:
            return
        obj[head] = {}
    if not rest:
        if isinstance(obj[head], dict):
            obj[head].update(pairs)
        return
    _update(obj[head], rest, pairs, create)


def _rewrite(obj: Any, path: tuple[str, ...], change: Callable[[Any], Any]) -> None:
    if isinstance(obj, list):
        for item in obj:
            _rewrite(item, path, change)
        return
    if not isinstance(obj, dict) or path[0] not in obj:
        return
    if len(path) > 1:
        _rewrite(obj[path[0]], path[1:], change)
    elif isinstance(obj[path[0]], list):
        obj[path[0]] = [change(v) for v in obj[path[0]]]
    else:
        obj[path[0]] = change(obj[path[0]])


def _expand(value: Any) -> list[dict[str, Any]]:
    """A document's objects: ``kind: List`` items are objects of their own, as kustomize reads them."""
    if isinstance(value, dict) and str(value.get("kind", "")).endswith("List") and isinstance(value.get("items"), list):
        return [item for item in value["items"] if isinstance(item, dict)]
    if not isinstance(value, dict):
        raise RenderError("a document that is not a mapping")
    return [value]


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the loader's line-aware mappings are not needed once rendered)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _strings(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise RenderError(f"{what} must be a mapping")
    if not all(isinstance(v, str) for v in value.values()):
        raise RenderError(f"{what}: values must be strings (quote them)")
    return {str(k): v for k, v in value.items()}


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _map(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _maps(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in _list(value) if isinstance(v, Mapping)]


def _show(ident: Id) -> str:
    api_version, kind, namespace, name = ident
    return f"{kind}/{namespace + '/' if namespace else ''}{name}"
