"""Questions from the room and from home, over HTTP as the pages' scripts send them."""

from __future__ import annotations

from tests.digital.conftest import SLUG


def open_link(client, token: str, where: str = "ask"):
    """The registrant opens a link from their manage page: this browser acts for them."""
    response = client.get(f"/r/{token}/{where}")
    assert response.status_code == 302
    return client


def ask(client, item_id: int, text: str, anonymous: bool = False):
    return client.post(
        f"/events/{SLUG}/qa/{item_id}/questions", json={"text": text, "anonymous": anonymous}
    )


def test_a_question_waits_for_the_moderators_then_reaches_the_audience(app, live):
    session = live["items"]["session"]
    phone = open_link(app.test_client(), live["people"]["on_site"]["token"])
    home = open_link(app.test_client(), live["people"]["digital"]["token"], "watch")
    asked = ask(phone, session, "  How   stable are the clones?\n", anonymous=True)
    assert asked.status_code == 201, asked.json
    assert asked.json["text"] == "How stable are the clones?"
    assert asked.json["status"] == "pending"

    board = home.get(f"/events/{SLUG}/qa/{session}")
    assert board.status_code == 200
    assert board.json["questions"] == []
    tag = board.headers["ETag"]
    unchanged = home.get(f"/events/{SLUG}/qa/{session}", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304

    organiser = app.test_client()
    email, password = ("jutta.heix@example.org", "demo-organiser-2023")
    organiser.post("/login", data={"email": email, "password": password})
    queue = organiser.get(f"/manage/events/{SLUG}/qa/{session}/queue")
    assert queue.status_code == 200
    [pending] = queue.json["pending"]
    assert pending["name"] == live["people"]["on_site"]["name"]  # never anonymous to moderators
    assert pending["anonymous"] is True and pending["from"] == "room"
    moderated = organiser.post(
        f"/manage/events/{SLUG}/qa/{session}/questions/{pending['id']}", json={"action": "approve"}
    )
    assert moderated.status_code == 200 and moderated.json["status"] == "approved"

    changed = home.get(f"/events/{SLUG}/qa/{session}", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    [shown] = changed.json["questions"]
    assert shown["text"] == "How stable are the clones?"
    assert shown["name"] is None  # anonymous to the audience


def test_votes_count_once_per_person(app, live):
    session = live["items"]["session"]
    phone = open_link(app.test_client(), live["people"]["on_site"]["token"])
    home = open_link(app.test_client(), live["people"]["digital"]["token"], "watch")
    question = ask(phone, session, "Which cohort?").json
    assert (
        home.post(
            f"/events/{SLUG}/qa/{session}/questions/{question['id']}/vote", json={"up": True}
        ).status_code
        == 409
    )  # not approved yet: not shown, not votable
    with app.app_context():
        from eventmgr.digital import qa
        from eventmgr.events.web import find_event

        with app.test_request_context():
            qa.moderate(find_event(SLUG), session, question["id"], "approve")
    for _ in range(3):
        voted = home.post(
            f"/events/{SLUG}/qa/{session}/questions/{question['id']}/vote", json={"up": True}
        )
        assert voted.status_code == 200
    assert voted.json["votes"] == 1
    phone.post(f"/events/{SLUG}/qa/{session}/questions/{question['id']}/vote", json={})
    board = home.get(f"/events/{SLUG}/qa/{session}").json
    assert board["questions"][0]["votes"] == 2
    mine = home.get(f"/events/{SLUG}/qa/{session}/mine").json
    assert mine["voted"] == [question["id"]]
    taken_back = home.post(
        f"/events/{SLUG}/qa/{session}/questions/{question['id']}/vote", json={"up": False}
    )
    assert taken_back.json["votes"] == 1


def test_strangers_may_not_ask_or_read(app, live):
    session = live["items"]["session"]
    stranger = app.test_client()
    assert ask(stranger, session, "Hello?").status_code == 403
    assert stranger.get(f"/events/{SLUG}/qa/{session}").status_code == 403
    talk = live["items"]["talk"]
    phone = open_link(app.test_client(), live["people"]["on_site"]["token"])
    assert ask(phone, talk, "On a talk").status_code == 404  # questions go to the session
    assert ask(phone, session, "").json["error"]["fields"]["text"]
    assert ask(phone, session, "x" * 501).status_code == 422


def test_asking_is_rate_limited_per_person(app, live):
    session = live["items"]["session"]
    phone = open_link(app.test_client(), live["people"]["on_site"]["token"])
    statuses = [ask(phone, session, f"Question {n}").status_code for n in range(7)]
    assert statuses == [201] * 5 + [429] * 2
    other = open_link(app.test_client(), live["people"]["digital"]["token"], "watch")
    assert ask(other, session, "Mine").status_code == 201  # someone else is not limited
