"""Personal values taken out of stored JSON (audit details, job parameters) at erasure."""

from __future__ import annotations

from typing import Any

ERASED = "[erased]"


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


class Redactor:
    """Replaces a person's values in JSON: a dict (a CSV row, a change) that holds one of the
    person's `keys` (their email addresses) is theirs, so every text in it goes; elsewhere a
    text equal to one of their `values` (addresses, names) goes. Numbers and keys stay."""

    def __init__(self, keys: set[str], values: set[str]) -> None:
        self.keys = {_norm(k) for k in keys if k and k.strip()}
        self.values = self.keys | {_norm(v) for v in values if v and v.strip()}

    def matches(self, text: Any) -> bool:
        return isinstance(text, str) and _norm(text) in self.values

    def __call__(self, value: Any) -> Any:
        """The value with the person's texts replaced by ERASED (a new object)."""
        if isinstance(value, dict):
            if any(isinstance(v, str) and _norm(v) in self.keys for v in value.values()):
                return {k: everything(v) for k, v in value.items()}
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return ERASED if self.matches(value) else value


def everything(value: Any) -> Any:
    """Every text in the value replaced by ERASED."""
    if isinstance(value, dict):
        return {k: everything(v) for k, v in value.items()}
    if isinstance(value, list):
        return [everything(v) for v in value]
    return ERASED if isinstance(value, str) and value else value
