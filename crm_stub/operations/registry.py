"""The table of SOAP operations the stub CRM serves, filled by the operation modules.

An operation is a plain function ``func(ctx, *params)`` that receives the request's parameters
by position (as vtiger's PHP functions do) and returns a PHP-like value: ``list`` for PHP lists,
``dict`` for associative arrays, ``str``/``int``/``float``/``bool`` or ``None``. The SOAP layer
serializes that value the way nusoap does for the operation's declared return type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

#: How nusoap serializes an operation's return value, from its WSDL declaration:
#: ``string`` (xsd:string), ``array`` (vtiger's broken common_array: keys dropped at the top),
#: ``array_of_arrays`` (common_array1: get_KBase_details).
ReturnKind = Literal["string", "array", "array_of_arrays"]


@dataclass(frozen=True)
class Operation:
    name: str
    func: Callable[..., Any]
    returns: ReturnKind
    #: Positional parameters without a PHP default; fewer is a fatal error on the real server.
    required: int


OPERATIONS: dict[str, Operation] = {}

#: Declared in vtiger's WSDL but with no PHP function behind them: always a SOAP fault.
UNIMPLEMENTED = ("get_cf_field_details", "get_product_urllist")


def operation(name: str, *, returns: ReturnKind = "array", required: int = 1):
    """Register ``func`` as the implementation of SOAP operation ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in OPERATIONS:
            raise RuntimeError(f"operation {name} registered twice")
        OPERATIONS[name] = Operation(name=name, func=func, returns=returns, required=required)
        return func

    return register
