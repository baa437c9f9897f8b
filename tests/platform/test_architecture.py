"""The floor plan in ARCHITECTURE.md, as far as code can check it beyond import-linter (which
`make lint` runs): who commits, who reads the demo files, where signals are listened to."""

from __future__ import annotations

import ast
from pathlib import Path

from eventmgr.platform import signals
from eventmgr.platform.config import ROOT

EVENTMGR = ROOT / "eventmgr"


def _modules(outside: tuple[str, ...] = ()) -> list[Path]:
    return [
        path
        for path in sorted(EVENTMGR.rglob("*.py"))
        if not any(path.is_relative_to(EVENTMGR / part) for part in outside)
    ]


def _calls(path: Path, attribute: str) -> list[int]:
    """Lines of `<something>.session.<attribute>()` and `session.<attribute>()` calls."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == attribute
        ):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "session":
                lines.append(node.lineno)
    return lines


def test_only_the_platform_commits_or_rolls_back() -> None:
    """Services end their work with platform.db.commit(), which also sends what waits for the
    commit; a bare session.commit() would skip that, so none is allowed outside platform/."""
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules(outside=("platform",))
        for attribute in ("commit", "rollback")
        for line in _calls(path, attribute)
    }
    assert found == set()


def test_no_production_code_reads_the_demo_files() -> None:
    """Everything an organiser would change is per-event data; only the demo seeds it."""
    readers = {
        str(path.relative_to(ROOT))
        for path in _modules(outside=("demo",))
        if "cancer_crosslinks" in path.read_text(encoding="utf-8")
        or "shared/demo" in path.read_text(encoding="utf-8")
    }
    assert readers == set()


def test_every_signal_has_a_listener_once_the_app_is_built(app) -> None:
    """A signal nobody listens to is dead code, or a listener module nobody imports."""
    names = [name for name, value in vars(signals).items() if isinstance(value, signals.Signal)]
    assert names, "no signals found"
    silent = [name for name in names if not getattr(signals, name).receivers]
    assert silent == []
