"""The one way Keepwarm's own HTTP endpoints (health, ATS receivers) answer: a small JSON object."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any


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
