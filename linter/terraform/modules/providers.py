"""Which provider configuration each resource uses, as Terraform decides it.

A resource uses the configuration named by its ``provider =`` argument, else the default
(unaliased) configuration of the provider its type names (the type's prefix before the first
``_``). A module instance sees its own ``provider`` blocks (legacy modules), then what its call's
``providers = {}`` map passes, then — for default configurations — its parent's, up to the root
(Terraform's implicit inheritance). A name configured nowhere gets Terraform's implicit, empty
configuration in the root module (``location`` None). Addresses are Terraform's:
``provider.aws.replica``, ``module.db.provider.aws``.

A ``providers`` map overrides names; default configurations it does not name are still inherited,
as Terraform's implementation does (its documentation says the map cancels inheritance, but the
provider transformer still walks up to the parent for an unaliased configuration).
"""
from __future__ import annotations

from linter.loaders.ir import Expr, GetAttr, Index, ObjectExpr, Variable
from linter.model import Location, ProviderConfig
from linter.provider_sources import implicit_source
from linter.terraform.language.literals import literal_string
from linter.terraform.modules.definitions import Decl
from linter.terraform.modules.expand import evaluate_body
from linter.terraform.modules.instance import Instance

_SKIPPED = frozenset({"alias", "version", "for_each"})


def provider_ref(expr: Expr | None) -> str | None:
    """``aws`` / ``aws.replica`` from ``provider = aws.replica`` (or the JSON string form). An
    OpenTofu instance key (``aws.by_region[each.key]``) is dropped: the configuration is evaluated
    once, its ``each`` unknown."""
    match expr:
        case Variable(name=name):
            return name
        case GetAttr(obj=Variable(name=name), name=alias):
            return f"{name}.{alias}"
        case Index(obj=GetAttr(obj=Variable(name=name), name=alias)):
            return f"{name}.{alias}"
        case _:
            text = literal_string(expr) if expr is not None else None
            return text.strip() if text else None


def resource_provider_key(decl: Decl, type_: str) -> str:
    """The configuration name a resource (or data source) asks for in its own module."""
    attribute = decl.block.body.attribute("provider")
    explicit = provider_ref(attribute.expr) if attribute is not None else None
    return explicit or type_.split("_", 1)[0]


def block_key(decl: Decl) -> str:
    name = decl.block.labels[0]
    alias_attr = decl.block.body.attribute("alias")
    alias = literal_string(alias_attr.expr) if alias_attr is not None else None
    return f"{name}.{alias}" if alias else name


class ProviderTable:
    """The provider configurations one module instance sees, by the names it uses."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self._own: dict[str, Decl] = {}
        for decl in inst.definition.providers:
            if inst.parent is None or not _is_proxy(decl):
                self._own.setdefault(block_key(decl), decl)
        self._passed: dict[str, str] = providers_map(inst.call)
        self._cache: dict[str, ProviderConfig] = {}
        self._visible: frozenset[str] | None = None

    def config(self, key: str, source_hint: str | None = None) -> ProviderConfig:
        if key not in self._cache:
            name = key.split(".", 1)[0]
            hint = self.inst.definition.provider_source(name, self.inst.ctx.knowledge) or source_hint
            self._cache[key] = self._find(key, hint)
        return self._cache[key]

    def for_resource(self, decl: Decl, type_: str) -> ProviderConfig:
        return self.config(resource_provider_key(decl, type_))

    def visible_names(self) -> frozenset[str]:
        """Provider names configured here or passed/inherited from above (for opaque modules);
        asked once per opaque module call, the same for all the calls of a module instance."""
        if self._visible is None:
            names = {k.split(".", 1)[0] for k in self._own}
            names.update(k.split(".", 1)[0] for k in self._passed)
            if self.inst.parent is not None:
                names.update(self.inst.parent.providers.visible_names())
            self._visible = frozenset(names)
        return self._visible

    def _find(self, key: str, hint: str | None) -> ProviderConfig:
        inst = self.inst
        if key in self._own:
            return self._evaluate(key, self._own[key], hint)
        parent = inst.parent
        if parent is not None and key in self._passed:
            return parent.providers.config(self._passed[key], hint)
        if parent is not None and "." not in key:
            return parent.providers.config(key, hint)
        return _implicit(inst, key, hint)

    def _evaluate(self, key: str, decl: Decl, hint: str | None) -> ProviderConfig:
        inst = self.inst
        name, _, alias = key.partition(".")
        address = f"provider.{key}"
        if inst.address:
            address = f"{inst.address}.{address}"
        knowledge = inst.ctx.knowledge
        config = ProviderConfig(
            name=name,
            source=inst.definition.provider_source(name, knowledge) or hint or implicit_source(knowledge, name),
            alias=alias or None,
            attributes=evaluate_body(decl.block.body, inst.scope, _SKIPPED),
            address=address,
            location=Location(decl.file, decl.block.line),
        )
        inst.provider_configured(address, decl)
        return config


def _is_proxy(decl: Decl) -> bool:
    """In a child module, ``provider "aws" { alias = "x" }`` (or an empty block) configures
    nothing: it declares a name its caller passes (a proxy, like ``configuration_aliases``)."""
    body = decl.block.body
    return not body.blocks and all(a.name == "alias" for a in body.attributes)


def _implicit(inst: Instance, key: str, hint: str | None) -> ProviderConfig:
    """Terraform's empty configuration for a provider no block configures (one per root)."""
    implicit = inst.ctx.implicit
    if key not in implicit:
        name, _, alias = key.partition(".")
        source = hint or implicit_source(inst.ctx.knowledge, name)
        implicit[key] = ProviderConfig(name=name, source=source, alias=alias or None,
                                       attributes={}, address=f"provider.{key}", location=None)
    return implicit[key]


def providers_map(call: Decl | None) -> dict[str, str]:
    """``providers = { aws = aws.paris, aws.replica = aws }``: child name → parent name."""
    if call is None:
        return {}
    attribute = call.block.body.attribute("providers")
    if attribute is None or not isinstance(attribute.expr, ObjectExpr):
        return {}
    passed: dict[str, str] = {}
    for key_expr, value_expr in attribute.expr.items:
        child, parent = provider_ref(key_expr), provider_ref(value_expr)
        if child and parent:
            passed[child] = parent
    return passed
