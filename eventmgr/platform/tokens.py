"""Secret tokens in URLs and headers (manage links, API tokens, agenda feeds) are stored only
as a hash, so a copy of the database opens nothing; all three use this one."""

from __future__ import annotations

import hashlib


def hash_secret(token: str) -> str:
    """The stored form of a secret token: SHA-256, hex (the tokens carry 256 random bits, so a
    plain hash is enough; no salt or slow hash is needed as for passwords)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
