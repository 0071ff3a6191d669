"""What the parts of a module instance (its variables, providers and resources) ask of it.

``linter.terraform.modules.tree.ModuleInstance`` builds those parts and the parts read back from it;
they see it through these small interfaces, so the module tree imports its parts and not the
other way round (no import cycle).
"""
from __future__ import annotations

from typing import Any, Mapping, Protocol

from linter.knowledge import Knowledge
from linter.model import ProviderConfig
from linter.terraform.language.deferred import LazyMap
from linter.terraform.modules.definitions import Decl, ModuleDef
from linter.terraform.modules.expand import Expansion, Scope


class Root(Protocol):
    """What every module instance of one root module shares (``modules.RootContext``)."""

    @property
    def knowledge(self) -> Knowledge: ...

    @property
    def assigned(self) -> Mapping[str, Any]: ...

    @property
    def implicit(self) -> dict[str, ProviderConfig]: ...

    def admit(self, exp: Expansion, what: str) -> Expansion: ...


class Providers(Protocol):
    """The provider configurations a module instance sees (``providers.ProviderTable``)."""

    def config(self, key: str, source_hint: str | None = None) -> ProviderConfig: ...

    def visible_names(self) -> frozenset[str]: ...


class Instance(Protocol):
    """One module instance, as its parts see it."""

    @property
    def ctx(self) -> Root: ...

    @property
    def definition(self) -> ModuleDef: ...

    @property
    def parent(self) -> Instance | None: ...

    @property
    def call(self) -> Decl | None: ...

    @property
    def call_scope(self) -> Scope | None: ...

    @property
    def address(self) -> str: ...

    @property
    def base(self) -> str: ...

    @property
    def path_module(self) -> str: ...

    @property
    def scope(self) -> Scope: ...

    @property
    def vars(self) -> LazyMap: ...

    @property
    def locals(self) -> LazyMap: ...

    @property
    def modules(self) -> LazyMap: ...

    @property
    def providers(self) -> Providers: ...

    def resource_map(self, type_: str) -> LazyMap | None: ...

    def provider_configured(self, address: str, decl: Decl) -> None:
        """Remember the block behind a provider configuration (read back for cluster clients)."""
