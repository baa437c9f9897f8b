"""The questions API over HTTP; questions, watch time, certificates and feedback in the data
download and gone with erasure; feedback results and CSV; certificate rules."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from eventmgr.digital import certificates, feedback, qa
from eventmgr.digital.models import Certificate, Question, QuestionVote, WatchTime
from eventmgr.digital.settings import update_settings
from eventmgr.events.web import find_event
from eventmgr.platform.db import db, utcnow
from eventmgr.registration import services as registration_services
from eventmgr.registration.models import Registration
from tests.digital.conftest import SLUG


def _questions(live) -> str:
    return f"/api/v1/events/{SLUG}/items/{live['items']['session']}/questions"


def test_ask_vote_and_moderate_through_the_api(app, api, live):
    url = _questions(live)
    me = {"X-Registration-Token": live["people"]["digital"]["token"]}
    asked = api("POST", url, headers=me, json={"text": "Why <script>?", "anonymous": True})
    assert asked.status_code == 201, asked.text
    question = asked.json()
    assert api("POST", url, json={"text": "Nobody"}).status_code == 403
    assert api("POST", url, headers=me, json={"text": ""}).status_code == 422
    audience = api("GET", url, headers=me)
    assert audience.status_code == 200 and audience.json()["questions"] == []
    queue = api("GET", url, "organiser")
    assert queue.json()["pending"][0]["name"] == live["people"]["digital"]["name"]
    with app.app_context(), app.test_request_context():
        link, token = qa.create_link(find_event(SLUG), live["items"]["session"])
        link_id = link.id
    moderator = {"X-Moderator-Token": token}
    approve = api("PATCH", f"{url}/{question['id']}", headers=moderator, json={"action": "approve"})
    assert approve.status_code == 200 and approve.json()["status"] == "approved"
    assert (
        api("PATCH", f"{url}/{question['id']}", headers=me, json={"action": "hide"}).status_code
        == 403
    )
    bad = api("PATCH", f"{url}/{question['id']}", "organiser", json={"action": "delete"})
    assert bad.status_code == 422
    board = api("GET", url, headers=me)
    assert board.json()["questions"][0]["text"] == "Why <script>?"
    assert board.json()["questions"][0]["name"] is None
    assert api("GET", url, headers=me | {"If-None-Match": board.headers["ETag"]}).status_code == 304
    assert api("PUT", f"{url}/{question['id']}/vote", headers=me).json()["votes"] == 1
    assert api("DELETE", f"{url}/{question['id']}/vote", headers=me).json()["votes"] == 0
    with app.app_context(), app.test_request_context():
        qa.revoke_link(find_event(SLUG), link_id)
    assert api("GET", url, headers=moderator).status_code == 401


def _setup_everything(app, live):
    """A question, a vote, watch time, a certificate and feedback for the digital person."""
    with app.app_context(), app.test_request_context():
        event = find_event(SLUG)
        person = db.session.get(Registration, live["people"]["digital"]["id"])
        other = db.session.get(Registration, live["people"]["on_site"]["id"])
        question = qa.ask(event, live["items"]["session"], person, "Mine?", False)
        theirs = qa.ask(event, live["items"]["session"], other, "Theirs?", False)
        for q in (question, theirs):
            qa.moderate(event, live["items"]["session"], q.id, "approve")
        qa.vote(event, live["items"]["session"], person, theirs.id, True)
        db.session.add(
            WatchTime(
                registration_id=person.id,
                item_id=live["items"]["talk"],
                event_id=event.id,
                seconds=40 * 60,
            )
        )
        db.session.commit()
        update_settings(
            event, {"certificate_minutes": 30, "certificates_from": utcnow() - timedelta(hours=1)}
        )
        certificate = certificates.issue(event, person, utcnow())
        assert certificate.minutes == 40 and certificate.attendance == "online"
        event.ends_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        feedback.save(
            event,
            person,
            {
                "rating": "4",
                "liked": "The keynote",
                "improve": "Coffee",
                "items": {str(live["items"]["talk"]): {"rating": "5", "comment": "Clear!"}},
            },
            utcnow(),
        )
        return certificate.code, theirs.id


def test_the_data_download_has_it_and_erasure_removes_it(app, client, live):
    code, theirs = _setup_everything(app, live)
    token = live["people"]["digital"]["token"]
    data = client.get(f"/r/{token}/data.json").json["digital"]
    assert [q["text"] for q in data["questions"]] == ["Mine?"]
    assert data["question_votes"] == [theirs]
    assert data["watched_seconds"] == {str(live["items"]["talk"]): 2400}
    assert data["certificate"]["code"] == code
    assert data["feedback"]["talk_ratings"][0]["comment"] == "Clear!"
    assert client.get(f"/certificates/{code}").status_code == 200
    with app.app_context():
        person = db.session.get(Registration, live["people"]["digital"]["id"])
        registration_services.erase(person, "attendee (manage link)")
        assert db.session.query(Question).filter_by(registration_id=person.id).count() == 0
        assert db.session.query(QuestionVote).filter_by(registration_id=person.id).count() == 0
        assert db.session.query(WatchTime).filter_by(registration_id=person.id).count() == 0
        assert db.session.query(Certificate).count() == 0
        assert db.session.get(Question, theirs).votes == 0
        results = feedback.results(find_event(SLUG))
        assert results.survey.total == 1 and results.survey.comments == []
    assert client.get(f"/certificates/{code}").status_code == 404


def test_feedback_results_and_csv(app, login, live):
    _setup_everything(app, live)
    organiser = login("organiser")
    page = organiser.get(f"/manage/events/{SLUG}/feedback").get_data(as_text=True)
    assert 'id="survey-average">4.0<' in page
    assert "Clear!" in page
    rows = list(
        csv.reader(
            io.StringIO(
                organiser.get(f"/manage/events/{SLUG}/feedback.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0][:4] == ["item_id", "item", "kind", "rating"]
    assert rows[1][2:7] == ["survey", "4", "", "The keynote", "Coffee"]
    assert rows[2][1:5] == ["Clonal dynamics", "talk", "5", "Clear!"]
    attendance = organiser.get(f"/manage/events/{SLUG}/attendance.csv").get_data(as_text=True)
    assert "Clonal dynamics" in attendance


def test_the_feedback_form_from_the_manage_page(app, client, live):
    with app.app_context():
        event = find_event(SLUG)
        event.ends_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    token = live["people"]["on_site"]["token"]
    manage = client.get(f"/r/{token}").get_data(as_text=True)
    assert 'id="feedback-give-link"' in manage
    wrong = client.post(f"/r/{token}/feedback", data={"rating": "9"})
    assert wrong.status_code == 422
    sent = client.post(
        f"/r/{token}/feedback",
        data={"rating": "5", "liked": "All", f"rating-{live['items']['talk']}": "3"},
    )
    assert sent.status_code == 302
    with app.app_context():
        results = feedback.results(find_event(SLUG))
        assert results.survey.counts[5] == 1
        talk = dict((i.id, t) for i, t in results.items)[live["items"]["talk"]]
        assert talk.counts[3] == 1


def test_no_certificate_before_the_organiser_allows_or_below_the_minimum(app, client, live):
    token = live["people"]["digital"]["token"]
    assert client.get(f"/r/{token}/certificate.pdf").status_code == 302
    with app.app_context(), app.test_request_context():
        event = find_event(SLUG)
        update_settings(event, {"certificates_from": utcnow() - timedelta(minutes=1)})
        person = db.session.get(Registration, live["people"]["digital"]["id"])
        standing = certificates.standing(event, person, utcnow())
        assert standing.available and not standing.eligible
    assert client.get(f"/r/{token}/certificate.pdf").status_code == 302
    manage = client.get(f"/r/{token}").get_data(as_text=True)
    assert "A certificate needs 60 minutes of attendance; we have 0 for you." in manage


def test_the_certificate_pdf_carries_its_verification_url_as_a_qr_code(app, client, live):
    import pypdfium2
    import zxingcpp

    _setup_everything(app, live)
    response = client.get(f"/r/{live['people']['digital']['token']}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = pypdfium2.PdfDocument(response.data)[0]
    text = page.get_textpage().get_text_range()
    assert "40 hours" not in text and "0.7 hours, online" in text
    image = page.render(scale=3).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text.startswith(app.config["BASE_URL"] + "/certificates/")
    assert code.text in text.replace("\r", "").replace("\n", "")
    again = client.get(f"/r/{live['people']['digital']['token']}/certificate.pdf")
    assert again.data == response.data  # issued once: the same certificate every time


def test_the_announcement_mails_each_eligible_person_once(app, login, live):
    from eventmgr.mail.models import OutboxMessage

    _setup_everything(app, live)
    organiser = login("organiser")
    assert organiser.post(f"/manage/events/{SLUG}/certificates/announce").status_code == 302
    organiser.post(f"/manage/events/{SLUG}/certificates/announce")
    with app.app_context():
        mails = db.session.query(OutboxMessage).filter(
            OutboxMessage.subject.like("Your certificate of attendance%")
        )
        assert [m.recipient for m in mails] == ["person1@example.org"]
