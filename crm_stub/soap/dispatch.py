"""Answer one SOAP request: parse it, call the registered operation, serialize its result."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from crm_stub.operations.registry import OPERATIONS, UNIMPLEMENTED, Operation
from crm_stub.soap.request import SoapFault, parse_request, unknown_operation
from crm_stub.soap.response import build_fault, build_response

log = logging.getLogger(__name__)

#: Shown to clients when an operation fails; the traceback stays in the server log.
INTERNAL_ERROR = "Internal error in the CRM while running '{name}'"


@dataclass(frozen=True)
class SoapReply:
    status: int
    body: bytes
    #: The operation name for logging ('' when the request could not be parsed).
    operation: str = ""


def _lookup(name: str) -> Operation:
    if name in UNIMPLEMENTED:
        raise SoapFault(f"method '{name}'('{name}') not defined in service('' '')")
    operation = OPERATIONS.get(name)
    if operation is None:
        raise unknown_operation(name)
    return operation


def _check_arity(operation: Operation, params: list[Any]) -> None:
    """Too few parameters: PHP 8 dies with an empty HTTP 500; the stub says why, as a fault."""
    if len(params) < operation.required:
        raise SoapFault(
            f"Too few arguments to function {operation.name}(): {len(params)} passed"
            f" and at least {operation.required} expected"
        )


def _run(ctx: Any, operation: Operation, params: list[Any]) -> Any:
    """Call the operation with what it can take: missing trailing params use PHP defaults."""
    return operation.func(ctx, *params)


def handle_soap(
    ctx: Any, body: bytes, *, content_type: str | None, content_encoding: str | None = None,
    host: str = "localhost",
) -> SoapReply:
    """Turn a request body into the HTTP status and envelope the real vtiger server would send."""
    try:
        request = parse_request(body, content_type, content_encoding)
        operation = _lookup(request.operation)
        _check_arity(operation, request.params)
    except SoapFault as fault:
        return SoapReply(500, build_fault(fault.faultstring, fault.faultcode))
    try:
        value = _run(ctx, operation, request.params)
        envelope = build_response(
            operation.name, request.namespace, value, operation.returns, host=host
        )
    # Boundary: a failing operation must not leak a stack trace to the client (logged here).
    except Exception:
        log.exception("operation %s failed", operation.name)
        fault = build_fault(INTERNAL_ERROR.format(name=operation.name), "SOAP-ENV:Server")
        return SoapReply(500, fault, operation.name)
    return SoapReply(200, envelope, operation.name)


def timed_handle_soap(ctx: Any, body: bytes, **kwargs: Any) -> SoapReply:
    """``handle_soap`` plus one INFO log line: operation, status, duration, size; never params."""
    started = time.perf_counter()
    reply = handle_soap(ctx, body, **kwargs)
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.info("soap %s -> %d in %.1f ms, %d bytes", reply.operation or "-", reply.status,
             elapsed_ms, len(reply.body))
    return reply
