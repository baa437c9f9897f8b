"""Calendar responses with validators, so subscriptions polling every few minutes cost little.

The ETag is computed from a cheap fingerprint of the data (ids, versions, timestamps) before the
feed is built: a revalidation that matches answers 304 without building anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, request


def etag_for(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def _not_modified(etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = request.if_modified_since
    if since is not None and last_modified is not None:
        return last_modified.astimezone(UTC).replace(microsecond=0) <= since
    return False


def _validators(etag: str, last_modified: datetime | None) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if last_modified is not None:
        headers["Last-Modified"] = last_modified.astimezone(UTC).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
    return headers


def not_modified_response(etag: str, last_modified: datetime | None) -> Response | None:
    """304 when the client's copy is current, else None (the caller answers in full)."""
    if _not_modified(etag, last_modified):
        return Response(status=304, headers=_validators(etag, last_modified))
    return None


def calendar_response(
    build: Callable[[], bytes],
    *,
    filename: str,
    etag: str,
    last_modified: datetime | None,
) -> Response:
    """200 with the feed, or 304 when the client's copy is current (then `build` is not called)."""
    not_modified = not_modified_response(etag, last_modified)
    if not_modified is not None:
        return not_modified
    headers = _validators(etag, last_modified)
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(build(), headers=headers, content_type="text/calendar; charset=utf-8")
