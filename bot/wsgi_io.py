"""Plain WSGI for Keepwarm's endpoints: the body read as the bytes that were signed, and a small JSON answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def raw_body(environ: dict[str, Any]) -> bytes:
    """The bytes as signed, undecoded: Bolt's adapter decodes them at once, which fails on bytes that are not UTF-8.
    Waitress has already refused a body over its size limit."""
    length = str(environ.get("CONTENT_LENGTH") or "0")
    if "wsgi.input" not in environ or not length.isdigit():
        return b""
    return environ["wsgi.input"].read(int(length))


def json_answer(
    start_response: Callable[..., Any],
    status: int,
    payload: dict[str, Any],
    headers: Sequence[tuple[str, str]] = (),
) -> Iterable[bytes]:
    """Start a WSGI response with `status` and `payload` as its JSON body."""
    body = json.dumps(payload).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
    )
    return [body]
