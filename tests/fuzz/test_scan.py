"""Scanned codes: whatever the camera or a client sends, the door answers cleanly.

Through the API (POST /api/v1/events/<slug>/checkins) and the scanner page's endpoint
(POST /door/<slug>/scan), with the test client; `normalise` directly for speed.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from eventmgr.checkin import services
from eventmgr.checkin.models import ACCEPTED, REASONS, REFUSED, Checkin
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import services as registration
from tests.fuzz.conftest import FUZZ, count, hostile_text
from tests.registration.conftest import person

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.fixture
def new_code(app, demo):
    """A fresh confirmed on-site registration of the demo event; returns its badge code."""
    numbers = itertools.count(1)

    def make() -> str:
        with app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
            outcome = registration.register(
                event, person(next(numbers)), actor="fuzz", public=False
            )
            return outcome.registration.badge_code

    return make


def _answer(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["status"] in (ACCEPTED, REFUSED)
    assert body["reason"] is None if body["status"] == ACCEPTED else body["reason"] in REASONS
    return body


@FUZZ
@given(text=hostile_text)
def test_any_scanned_text_is_answered_never_accepted(client, demo, bearer, text):
    before = count(client.application, Checkin)
    response = client.post(
        f"/api/v1/events/{demo['slug']}/checkins",
        json={"code": text},
        headers=bearer["door_staff"],
    )
    if len(text) > 4096:  # the body's documented bound
        assert response.status_code == 422
        return
    body = _answer(response)
    assert body["status"] == REFUSED
    assert count(client.application, Checkin) == before


@pytest.fixture
def door_client(login):
    return login("door_staff")


@FUZZ
@given(text=hostile_text, door=hostile_text, nonce=st.one_of(st.none(), hostile_text))
@example(text="A", door="Main\x00door", nonce="n\x00")  # was a 500 on PostgreSQL
def test_the_scanner_page_answers_any_text_door_and_nonce(door_client, demo, text, door, nonce):
    client = door_client
    response = client.post(
        f"/door/{demo['slug']}/scan",
        json={"code": text[:4096], "door": door[:80], "device": door[:80], "nonce": nonce},
    )
    if nonce is not None and len(nonce) > services.MAX_FIELD:
        assert response.status_code == 422
        return
    assert _answer(response)["status"] == REFUSED


def _mutations(code: str) -> st.SearchStrategy[str]:
    changed = st.tuples(st.integers(0, len(code) - 1), st.sampled_from(ALPHABET + "018-9a ")).map(
        lambda pair: code[: pair[0]] + pair[1] + code[pair[0] + 1 :]
    )
    return st.one_of(
        changed.filter(lambda c: c != code),
        st.just(code[:-1]),
        st.just(code + "A"),
        st.just(code[:13] + " " + code[13:]),
        st.just(code[::-1]).filter(lambda c: c != code),
    )


@FUZZ
@given(data=st.data())
def test_near_valid_codes_are_refused_and_a_valid_one_is_accepted_once(
    client, demo, bearer, new_code, data
):
    code = new_code()
    url = f"/api/v1/events/{demo['slug']}/checkins"
    door = bearer["door_staff"]
    near = data.draw(_mutations(code))
    assert _answer(client.post(url, json={"code": near}, headers=door))["status"] == REFUSED
    # the same code as a camera or a keyboard wedge may deliver it
    spelled = data.draw(
        st.sampled_from([code, code.lower(), f"  {code}\r\n", f"\t{code.lower()} "])
    )
    first = _answer(client.post(url, json={"code": spelled}, headers=door))
    assert first["status"] == ACCEPTED
    again = data.draw(st.sampled_from([code, code.lower(), f" {code} "]))
    second = _answer(client.post(url, json={"code": again}, headers=door))
    assert (second["status"], second["reason"]) == (REFUSED, "already_checked_in")


@FUZZ
@given(text=st.one_of(hostile_text, st.integers(), st.none(), st.lists(st.text(max_size=3))))
def test_normalise_gives_a_code_or_none(text):
    code = services.normalise(text)
    assert code is None or services.CODE_PATTERN.fullmatch(code)
    if code is not None:
        assert code == text.strip().upper()
