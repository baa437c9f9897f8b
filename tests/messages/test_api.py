"""Messages over the JSON API and real SMTP: the audience, languages, links, news consent and
its one-click unsubscribe, scheduling, each recipient once, and bad input named."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from eventmgr.jobs.models import Job
from eventmgr.jobs.services import work
from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db, utcnow
from eventmgr.registration.models import Registration

BODY = {
    "subject": {"en": "Practical information", "nb": "Praktisk informasjon"},
    "body": {
        "en": "Dear {name}, doors open at 09:30. Your page: {manage_link}",
        "nb": "Kjære {name}, dørene åpner 09:30. Din side: {manage_link}",
    },
}


def _url(world) -> str:
    return f"/api/v1/events/{world['slug']}/messages"


def _mine(smtp, subjects: tuple[str, ...]) -> dict[str, object]:
    return {m["To"]: m for m in smtp if m["Subject"] in subjects}


def _address(app, registration_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, registration_id).email


def test_practical_message_reaches_everyone_not_cancelled_with_a_proven_address(
    api, app, world, people, smtp
):
    response = api("POST", _url(world), role="organiser", json=BODY | {"audience": {}})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["recipients"] == 4  # ada, bo, dina, sam: not the unproven, not the cancelled
    smtp.settle()
    got = _mine(smtp, ("Practical information", "Praktisk informasjon"))
    expected = {_address(app, people[k]) for k in ("ada", "bo", "dina", "sam")}
    assert set(got) == expected
    norsk = got[_address(app, people["bo"])]
    assert norsk["Subject"] == "Praktisk informasjon"
    text = norsk.get_content()
    assert text.startswith("Kjære Bø Norsk, dørene åpner 09:30.")
    assert "List-Unsubscribe" not in norsk
    link = re.search(r"Din side: (\S+)", text).group(1)
    page = requests.get(link, timeout=10)  # the signed link opens the person's page
    assert page.status_code == 200 and "Bø Norsk" in page.text
    status = api("GET", f"{_url(world)}/{body['id']}", role="organiser").json()
    assert (status["status"], status["queued"], status["sent"], status["failed"]) == (
        "sent",
        0,
        4,
        0,
    )


def test_a_missing_language_is_replaced_by_the_other(api, app, world, people, smtp):
    only_english = {"subject": {"en": "Only English"}, "body": {"en": "Hello {name}"}}
    message = api("POST", _url(world), role="organiser", json=only_english).json()
    assert message["recipients"] == 4
    smtp.settle()
    got = _mine(smtp, ("Only English",))
    assert got[_address(app, people["bo"])].get_content().startswith("Hello Bø Norsk")


def test_news_goes_only_to_those_who_opted_in_and_unsubscribes_in_one_click(
    api, app, world, people, smtp
):
    news = {"kind": "news", "subject": {"en": "News"}, "body": {"en": "Something new, {name}."}}
    message = api("POST", _url(world), role="organiser", json=news).json()
    assert message["recipients"] == 2  # ada, dina (una opted in, but is unproven)
    smtp.settle()
    got = _mine(smtp, ("News",))
    assert set(got) == {_address(app, people["ada"]), _address(app, people["dina"])}
    mail = got[_address(app, people["ada"])]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = re.fullmatch(r"<(\S+)>", mail["List-Unsubscribe"].strip()).group(1)
    assert target in mail.get_content()
    answer = requests.post(target, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert answer.status_code == 200
    with app.app_context():
        assert db.session.get(Registration, people["ada"]).news_opt_in is False
        assert db.session.get(Registration, people["dina"]).news_opt_in is True
    again = api("POST", _url(world), role="organiser", json=news).json()
    assert again["recipients"] == 1


def test_filters_narrow_the_audience(api, world, people):
    cases = [
        ({"mode": ["digital"]}, 1),
        ({"role": ["speaker"]}, 1),
        ({"speakers": True}, 1),
        ({"status": ["cancelled"]}, 1),
        ({"category": ["oncologist"], "mode": ["on_site"]}, 3),
        ({"checked_in": True}, 0),
        ({"checked_in": False}, 4),
        ({"networking": True}, 0),
    ]
    for audience, expected in cases:
        answer = api("POST", _url(world), role="organiser", json=BODY | {"audience": audience})
        assert answer.status_code == 201 and answer.json()["recipients"] == expected, audience


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"audience": {"mode": ["hybrid"]}}, "audience.mode"),
        ({"audience": {"mode": "digital"}}, "audience.mode"),
        ({"audience": {"checked_in": "yes"}}, "audience.checked_in"),
        ({"audience": {"delegation": 999}}, "audience.delegation"),
        ({"audience": {"starred_item": "x"}}, "audience.starred_item"),
        ({"audience": {"answers": {"nope": "x"}}}, "audience.answers.nope"),
        ({"audience": {"colour": ["red"]}}, "audience.colour"),
        ({"audience": []}, "audience"),
        ({"kind": "spam"}, "kind"),
        ({"subject": {}}, "subject"),
        ({"subject": {"fr": "Bonjour"}}, "subject.fr"),
        ({"body": {"en": "Hi {nickname}"}}, "body.en"),
        ({"send_at": "tomorrow"}, "send_at"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(api, app, world, people, change, field):
    answer = api("POST", _url(world), role="organiser", json=BODY | change)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["error"]["fields"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.rule.startswith("message."))
            )
            == 0
        )


def test_only_organisers_send(api, world, people):
    assert api("POST", _url(world), json=BODY).status_code == 401
    assert api("POST", _url(world), role="attendee", json=BODY).status_code == 403


def test_a_scheduled_message_is_expanded_by_the_job_once(api, app, world, people):
    later = (utcnow() + timedelta(days=1)).isoformat()
    created = api("POST", _url(world), role="organiser", json=BODY | {"send_at": later})
    message = created.json()
    assert created.status_code == 201 and message["status"] == "scheduled"
    assert api("GET", f"{_url(world)}/{message['id']}", role="organiser").json()["status"] == (
        "scheduled"
    )
    with app.app_context():
        assert work() == 0  # not due yet
        db.session.execute(
            update(Job)
            .where(Job.kind == "messages.send")
            .values(due_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert work() == 1
        rows = db.session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.rule == f"message.{message['id']}")
        ).all()
        assert len(rows) == len(set(rows)) == 4
        from eventmgr.messages import services

        assert services.run_scheduled(message["id"]) == "nothing to send"
    figures = api("GET", f"{_url(world)}/{message['id']}", role="organiser").json()
    assert figures["status"] in ("sending", "sent") and figures["queued"] + figures["sent"] == 4


def test_starred_item_delegation_and_answer_filters(api, app, world, people):
    from eventmgr.calendar.services import agenda_for_registration, set_starred
    from eventmgr.events.models import Event
    from eventmgr.networking.models import Delegation, DelegationMember
    from eventmgr.programme.models import ProgrammeItem

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == world["slug"]))
        item_id = db.session.scalar(
            select(ProgrammeItem.id).where(ProgrammeItem.event_id == event.id)
        )
        for label in ("ada", "dina"):
            agenda = agenda_for_registration(db.session.get(Registration, people[label]))
            set_starred(agenda, item_id, True)
        delegation = Delegation(event_id=event.id, name="GU Ventures")
        db.session.add(delegation)
        db.session.flush()
        db.session.add(DelegationMember(delegation_id=delegation.id, registration_id=people["bo"]))
        event.questions = [
            {
                "key": "lunch",
                "label": {"en": "Lunch?"},
                "kind": "choice",
                "choices": [
                    {"key": "fish", "label": {"en": "Fish"}},
                    {"key": "veg", "label": {"en": "Veg"}},
                ],
            }
        ]
        db.session.commit()
        delegation_id = delegation.id
        from eventmgr.registration.services import update_details

        update_details(
            db.session.get(Registration, people["sam"]), {"answers": {"lunch": "veg"}}, "test"
        )
    cases = [
        ({"starred_item": item_id}, 2),
        ({"starred_item": item_id, "mode": ["digital"]}, 1),
        ({"delegation": delegation_id}, 1),
        ({"answers": {"lunch": "veg"}}, 1),
        ({"answers": {"lunch": "fish"}}, 0),
    ]
    for audience, expected in cases:
        answer = api("POST", _url(world), role="organiser", json=BODY | {"audience": audience})
        assert answer.status_code == 201, answer.text
        assert answer.json()["recipients"] == expected, audience
    wrong = api(
        "POST",
        _url(world),
        role="organiser",
        json=BODY | {"audience": {"answers": {"lunch": "pie"}}},
    )
    assert wrong.status_code == 422 and "audience.answers.lunch" in wrong.json()["error"]["fields"]


def test_a_mailed_link_stops_working_when_the_manage_link_is_replaced(
    api, app, world, people, smtp
):
    api("POST", _url(world), role="organiser", json=BODY | {"audience": {"mode": ["digital"]}})
    mail = _mine(smtp, ("Practical information",))[_address(app, people["dina"])]
    link = re.search(r"Your page: (\S+)", mail.get_content()).group(1)
    assert requests.get(link, timeout=10).status_code == 200
    with app.app_context():
        db.session.get(Registration, people["dina"]).token_hash = "f" * 64
        db.session.commit()
    assert requests.get(link, timeout=10).status_code == 404


def test_a_permanent_refusal_is_counted_and_shown_to_the_organiser(
    api, app, live_app, world, people, login
):
    from tests.mail.test_delivery import smtp_provider
    from tests.support import settle_outbox

    refused = _address(app, people["dina"])
    no_such_user = ["550 5.1.1 No such user"] * 2  # her confirmation too, sent meanwhile
    with smtp_provider({refused: no_such_user}) as (port, received, *_rest):
        for application in (app, live_app):
            application.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        try:
            message = api("POST", _url(world), role="organiser", json=BODY).json()
            settle_outbox(app)
        finally:
            for application in (app, live_app):
                application.config.update(MAIL_SERVER="")
    assert refused not in {recipient for recipient, _id in received}
    figures = api("GET", f"{_url(world)}/{message['id']}", role="organiser").json()
    assert (figures["status"], figures["sent"], figures["failed"]) == ("sent", 3, 1)
    page = login("organiser").get(f"/manage/events/{world['slug']}/messages/{message['id']}")
    table = page.get_data(as_text=True).split('id="message-failures"')[1].split("</table>")[0]
    assert refused in table and "550 5.1.1 No such user" in table
    assert _address(app, people["ada"]) not in table


def test_the_organiser_cancels_a_scheduled_message_before_it_goes(api, app, world, people, login):
    later = (utcnow() + timedelta(days=1)).isoformat()
    message = api("POST", _url(world), role="organiser", json=BODY | {"send_at": later}).json()
    client = login("organiser")
    page = f"/manage/events/{world['slug']}/messages/{message['id']}"
    assert "cancel-message" in client.get(page).get_data(as_text=True)
    assert client.post(page).status_code == 302
    assert api("GET", f"{_url(world)}/{message['id']}", role="organiser").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Job.id).where(Job.kind == "messages.send")) is None
        assert work() == 0
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.rule == f"message.{message['id']}")
            )
            == 0
        )


def test_a_message_that_went_cannot_be_cancelled(api, world, people, login):
    message = api("POST", _url(world), role="organiser", json=BODY).json()
    page = f"/manage/events/{world['slug']}/messages/{message['id']}"
    refused = login("organiser").post(page, follow_redirects=True)
    assert "This message has been sent already." in refused.get_data(as_text=True)
    assert api("GET", f"{_url(world)}/{message['id']}", role="organiser").status_code == 200
