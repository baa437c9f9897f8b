"""Shared pieces of the fuzz tests: bounded Hypothesis settings, hostile text, API tokens.

Every property runs a bounded number of examples (no deadline: the shared machine is slow and
timing is not what is tested), so the whole folder stays well under a minute. The fixtures are
function-scoped (one demo event per test, shared by all its examples), hence the suppressed
health check; each property only asserts what holds however many examples ran before it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventmgr.platform.db import db
from tests.support import add_event

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Text a user or a scanner could send: any code point, control characters and NUL included.
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(
        alphabet=st.sampled_from("\x00\x01\t\n\r\x1b\u202e\ufeff\u00e6\u00f8\u00e5\"',;=<>&"),
        max_size=40,
    ),
    st.builds(lambda n: "x" * n, st.integers(min_value=190, max_value=5000)),
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def bearer(app, demo):
    """Authorization headers per demo role, for the API through the test client."""
    from eventmgr.accounts.services import find_user, issue_api_token

    with app.app_context():
        headers = {
            role: {"Authorization": f"Bearer {issue_api_token(find_user(email))}"}
            for role, (email, _pw) in demo["logins"].items()
        }
        db.session.commit()
    return headers


@pytest.fixture
def bare_event(app) -> int:
    """A published event with nothing in it (cheaper than the demo) for the parsers alone."""
    with app.app_context():
        return add_event(
            "fuzz-meeting",
            "Fuzz meeting",
            starts_at=datetime(2023, 1, 26, 8, tzinfo=UTC),
            ends_at=datetime(2023, 1, 26, 18, tzinfo=UTC),
        ).id
