"""A registrant's personal links and codes: the manage token (only its hash is stored) and
the URLs that carry it, and the badge code on the QR badge."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from eventmgr.platform.db import db
from eventmgr.platform.tokens import hash_secret
from eventmgr.platform.urls import external_url
from eventmgr.registration.models import Registration


def new_token() -> str:
    """43 characters, 256 bits: the manage link is the only key a registrant has."""
    return secrets.token_urlsafe(32)


def new_badge_code() -> str:
    """26 characters of A-Z2-7 (QR alphanumeric mode) from 128 random bits; no personal data."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


SIGNED_PREFIX = "s."  # never starts a token_urlsafe(32) of 43 characters
SIGNED_LINK_LIFETIME = timedelta(days=90)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registration-link")


def signed_token(registration_id: int, token_hash: str) -> str:
    """A stand-in for the manage token in mailed links (the token itself is stored only as its
    hash): signed, bound to the registration and its current token, so that a new manage link
    (or an erasure) voids it, and it expires after SIGNED_LINK_LIFETIME. The person's token is
    not rotated."""
    return SIGNED_PREFIX + _signer().dumps([registration_id, token_hash[:16]])


def _by_signed(token: str) -> Registration | None:
    max_age = int(
        current_app.config.get("SIGNED_LINK_SECONDS", SIGNED_LINK_LIFETIME.total_seconds())
    )
    try:
        registration_id, bound = _signer().loads(token[len(SIGNED_PREFIX) :], max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    return registration if registration.token_hash[:16] == bound else None


def find_by_token(token: str) -> Registration | None:
    """The registration of a manage token, or of a signed link standing in for one."""
    if not token or len(token) > 200:
        return None
    if token.startswith(SIGNED_PREFIX):
        return _by_signed(token)
    return db.session.scalar(
        select(Registration).where(
            Registration.token_hash == hash_secret(token), Registration.anonymised_at.is_(None)
        )
    )


def manage_url(token: str) -> str:
    return external_url("registration.manage", token=token)


def badge_url(token: str) -> str:
    return external_url("badges.registrant_badge", token=token)


def calendar_url(token: str) -> str:
    return external_url("registration.calendar", token=token)
