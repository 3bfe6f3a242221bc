"""The stub CRM's SOAP operations: importing this package registers every one of them.

Each submodule registers its functions with ``registry.operation``; they are discovered with
pkgutil so that adding a module needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil

from crm_stub.operations.registry import OPERATIONS, UNIMPLEMENTED, Operation, operation

#: Submodules that hold helpers, not operations (imported anyway; harmless).
_HELPERS = {"registry"}


def _import_all() -> None:
    """Import every submodule so their ``@operation`` decorators run."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if info.name not in _HELPERS:
            importlib.import_module(f"{__name__}.{info.name}")


_import_all()

__all__ = ["OPERATIONS", "UNIMPLEMENTED", "Operation", "operation"]
