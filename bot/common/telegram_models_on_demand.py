"""aiogram's Telegram types and Bot API methods get their validators when first used, not at import.

`aiogram.types` ends by calling `model_rebuild()` on every one of its 403 pydantic models, and
each of the 185 method models of `aiogram.methods` is built as its class is made: each validator
and serializer with every type it nests written out again, about 107 MB of the process's resident
memory (scripts/README.md, issue 34's seventh round), though a bot validates a few dozen of them
(an update, the Bot API's answers, the keyboards and calls it makes).

`build_telegram_models_on_demand()` puts an import hook in front of those two modules. While
`aiogram.types` runs, `model_rebuild()` only notes the namespace aiogram passes it (the types'
names, which its modules import only under TYPE_CHECKING); those names are then lent to the
modules themselves (the same classes), so that pydantic, which builds a model declared
`defer_build=True` the first time it is validated, created or dumped, resolves the same
annotations to the same classes: the same validator, later. The methods' base model is declared
`defer_build=True` as the types' is. Nothing changes once aiogram is imported: call this first
(`bot/__init__.py` does).
"""

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

TYPES_MODULE = "aiogram.types"
METHODS_BASE_MODULE = "aiogram.methods.base"


def build_telegram_models_on_demand() -> None:
    """Install the hook, once, unless aiogram's types are already imported (then it is too late)."""
    if TYPES_MODULE in sys.modules or any(isinstance(finder, _AiogramFinder) for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _AiogramFinder())


def _run_types_module(run: Callable[[], None], module: ModuleType) -> None:
    """Run `aiogram.types` with `model_rebuild()` noting its namespace, not building."""
    from pydantic import BaseModel

    building = BaseModel.__dict__["model_rebuild"]
    namespaces: list[dict[str, Any]] = []

    def note_namespace(cls: type[BaseModel], /, *, _types_namespace: dict[str, Any] | None = None, **_: Any) -> None:
        if _types_namespace is not None and not namespaces:
            namespaces.append(_types_namespace)

    BaseModel.model_rebuild = classmethod(note_namespace)  # type: ignore[method-assign, assignment]
    try:
        run()
    finally:
        BaseModel.model_rebuild = building  # type: ignore[method-assign]
    for namespace in namespaces:
        _lend_names(namespace)


def _lend_names(namespace: dict[str, Any]) -> None:
    """Give every module of `aiogram.types` the names it imports only under TYPE_CHECKING (the
    same classes), so pydantic finds them wherever it builds a model: on its first use, or nested
    in a method's model or in the Bot API answer it parses."""
    prefix = TYPES_MODULE + "."
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix) and module is not None:
            for type_name, value in namespace.items():
                module.__dict__.setdefault(type_name, value)


def _run_methods_base_module(run: Callable[[], None], module: ModuleType) -> None:
    """Run `aiogram.methods.base`, then declare its method model `defer_build=True` before the
    185 methods inherit its configuration."""
    run()
    module.TelegramMethod.model_config["defer_build"] = True


_RUNNERS: dict[str, Callable[[Callable[[], None], ModuleType], None]] = {
    TYPES_MODULE: _run_types_module,
    METHODS_BASE_MODULE: _run_methods_base_module,
}


class _AiogramFinder(importlib.abc.MetaPathFinder):
    """Finds the two modules as the other finders do and wraps their loaders; then steps aside."""

    def __init__(self) -> None:
        self._waiting = set(_RUNNERS)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._waiting:
            return None
        self._waiting.discard(fullname)
        if not self._waiting:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if isinstance(spec.loader, importlib.abc.Loader):
                    spec.loader = _WrappedLoader(spec.loader, _RUNNERS[fullname])
                return spec
        return None


class _WrappedLoader(importlib.abc.Loader):
    """The module's own loader, its execution wrapped in one of the runners above."""

    def __init__(self, loader: importlib.abc.Loader, runner: Callable[[Callable[[], None], ModuleType], None]) -> None:
        self._loader = loader
        self._runner = runner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._runner(lambda: self._loader.exec_module(module), module)
