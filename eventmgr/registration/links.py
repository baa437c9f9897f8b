"""A registrant's personal links and codes: the manage token (only its hash is stored) and
the URLs that carry it, and the badge code on the QR badge."""

from __future__ import annotations

import base64
import secrets

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


def find_by_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
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
