"""The event's extra questions: answers in the registration API (`answers`), checked with a
422 naming the question, shown to organisers, filterable, in the CSV export and import and the
data download, removed by erasure, and kept when the questions change."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from sqlalchemy import func, select

from eventmgr.events.models import Event
from eventmgr.jobs import services as jobs
from eventmgr.platform.db import db
from eventmgr.registration import services
from eventmgr.registration.models import Registration, RegistrationAnswer
from tests.events.test_settings_api import QUESTIONS
from tests.registration.conftest import person

ANSWERS = {
    "diet": "vegetarian",
    "photo": False,
    "institution": "Radiumhospitalet",
    "topics": ["car-t", "lung"],
}


@pytest.fixture
def asking(app, demo):
    """The demo event asks the four questions (diet is required)."""
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        event.questions = QUESTIONS
        db.session.commit()
    return demo


def _url(demo) -> str:
    return f"/api/v1/events/{demo['slug']}/registrations"


def _register(api, demo, n: int, **answers):
    """With an organiser's token: the answer carries the personal links."""
    return api("POST", _url(demo), "organiser", json=person(n, answers=answers))


def test_answers_are_stored_and_shown_to_organisers(api, asking):
    created = _register(api, asking, 1, **ANSWERS)
    assert created.status_code == 201, created.text
    assert "answers" not in created.json()  # the public answer holds only its links
    mine = api("GET", f"{_url(asking)}/{created.json()['id']}", role="organiser").json()
    # a multiple question keeps the choices in the question's order
    assert mine["answers"] == ANSWERS | {"topics": ["lung", "car-t"]}


BAD_ANSWERS = [
    ({"photo": True}, "answers.diet"),  # the required question unanswered
    ({"diet": ""}, "answers.diet"),
    ({"diet": "vegan"}, "answers.diet"),
    ({"diet": ["none"]}, "answers.diet"),
    ({"diet": "none", "photo": "yes"}, "answers.photo"),
    ({"diet": "none", "topics": "lung"}, "answers.topics"),
    ({"diet": "none", "topics": ["heart"]}, "answers.topics"),
    ({"diet": "none", "institution": "x" * 501}, "answers.institution"),
    ({"diet": "none", "institution": 7}, "answers.institution"),
    ({"diet": "none", "institution": "bell\x07"}, "answers.institution"),
    ({"diet": "none", "shoe_size": "42"}, "answers.shoe_size"),
]


@pytest.mark.parametrize(("answers", "named"), BAD_ANSWERS)
def test_a_wrong_answer_is_a_422_naming_the_question(api, app, asking, answers, named):
    answer = api("POST", _url(asking), json=person(1, answers=answers))
    assert answer.status_code == 422, answer.text
    assert named in answer.json()["error"]["fields"], answer.json()
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_answers_must_be_an_object(api, asking):
    answer = api("POST", _url(asking), json=person(1, answers=["vegetarian"]))
    assert answer.status_code == 422 and "answers" in answer.json()["error"]["fields"]


def test_organisers_add_people_without_answering_and_fix_answers_later(api, app, asking):
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == asking["slug"]))
        outcome = services.register(event, person(1), actor="organiser test", public=False)
        registration_id = outcome.registration.id
    url = f"{_url(asking)}/{registration_id}"
    assert api("GET", url, role="organiser").json()["answers"] == {}
    patched = api("PATCH", url, role="organiser", json={"answers": {"diet": "none"}})
    assert patched.status_code == 200 and patched.json()["answers"] == {"diet": "none"}
    bad = api("PATCH", url, role="organiser", json={"answers": {"diet": "beef"}})
    assert bad.status_code == 422 and "answers.diet" in bad.json()["error"]["fields"]
    history = api("GET", url, role="organiser").json()
    assert history["answers"] == {"diet": "none"}


def test_the_list_filters_by_answer(api, asking):
    _register(api, asking, 1, diet="vegetarian", topics=["lung"], photo=True)
    _register(api, asking, 2, diet="none", topics=["lung", "car-t"], institution="UiO Oslo")
    _register(api, asking, 3, diet="vegetarian", photo=False)

    def names(*filters: str) -> list[str]:
        answer = api("GET", _url(asking), role="organiser", params={"answer": list(filters)})
        assert answer.status_code == 200, answer.text
        return sorted(r["name"] for r in answer.json()["items"])

    assert names("diet:vegetarian") == ["Person 1", "Person 3"]
    assert names("topics:car-t") == ["Person 2"]
    assert names("topics:lung") == ["Person 1", "Person 2"]
    assert names("photo:no") == ["Person 3"]
    assert names("institution:oslo") == ["Person 2"]
    assert names("diet:vegetarian", "photo:yes") == ["Person 1"]
    for bad in ("diet:beef", "shoe:42", "photo:maybe", "diet"):
        answer = api("GET", _url(asking), role="organiser", params={"answer": bad})
        assert answer.status_code == 422 and "answer" in answer.json()["error"]["fields"], bad


def test_the_organisers_page_shows_filters_and_edits_answers(app, api, login, asking):
    created = _register(api, asking, 1, diet="vegetarian", institution="OUS").json()
    _register(api, asking, 2, diet="none")
    organiser = login("organiser")
    base = f"/manage/events/{asking['slug']}/registrations"
    page = organiser.get(base + "?a.diet=vegetarian").get_data(as_text=True)
    assert "Person 1" in page and "Person 2" not in page
    assert 'name="a.diet"' in page and 'name="a.institution"' in page
    form = organiser.get(f"{base}/{created['id']}").get_data(as_text=True)
    assert 'value="OUS"' in form and '<option selected value="vegetarian">' in form
    saved = organiser.post(
        f"{base}/{created['id']}",
        data={
            "name": "Person 1",
            "email": "person1@example.org",
            "mode": "on_site",
            "role": "attendee",
            "language": "en",
            "category": "oncologist",
            "answer_diet": "beef",
        },
    )
    assert saved.status_code == 422
    assert "Choose one of: none, vegetarian." in saved.get_data(as_text=True)
    csv_text = organiser.get(f"{base}/export.csv?a.diet=vegetarian").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["Person 1"]


def test_csv_export_has_a_column_per_question_and_imports_back(app, api, login, asking):
    _register(api, asking, 1, **ANSWERS)
    organiser = login("organiser")
    base = f"/manage/events/{asking['slug']}/registrations"
    text = organiser.get(f"{base}/export.csv").get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["answer:diet"] == "vegetarian" and row["answer:photo"] == "no"
    assert row["answer:topics"] == "lung;car-t" and row["answer:institution"] == "Radiumhospitalet"
    # the same row as a new person, imported back
    row |= {"name": "Person 9", "email": "person9@example.org", "answer:photo": "yes"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    upload = {"file": (io.BytesIO(out.getvalue().encode()), "people.csv")}
    checked = organiser.post(f"{base}/import", data=upload, content_type="multipart/form-data")
    assert checked.status_code == 200, checked.get_data(as_text=True)
    content = out.getvalue()
    in_process = app.config.get("JOBS_IN_PROCESS", True)
    app.config["JOBS_IN_PROCESS"] = False  # the import job runs here, below, not in a thread
    try:
        organiser.post(f"{base}/import", data={"content": content, "commit": "1"})
        with app.app_context():
            assert jobs.work() == 1
    finally:
        app.config["JOBS_IN_PROCESS"] = in_process
    with app.app_context():
        imported = db.session.scalar(
            select(Registration).where(Registration.email == "person9@example.org")
        )
        assert imported.answers == {
            "diet": "vegetarian",
            "photo": True,
            "institution": "Radiumhospitalet",
            "topics": ["lung", "car-t"],
        }
    bad = content.replace("vegetarian", "beef")
    bad = bad.replace("person9@example.org", "person10@example.org")
    refused = organiser.post(
        f"{base}/import",
        data={"file": (io.BytesIO(bad.encode()), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "answers.diet" in refused.get_data(as_text=True)


def test_the_data_download_has_the_answers_and_erasure_removes_them(app, api, asking):
    created = _register(api, asking, 1, **ANSWERS).json()
    data = json.loads(requests.get(created["manage_url"] + "/data.json", timeout=10).text)
    assert data["answers"]["institution"] == "Radiumhospitalet"
    with app.app_context():
        registration = db.session.get(Registration, created["id"])
        services.erase(registration, "organiser test")
        assert db.session.get(Registration, created["id"]).answers == {}
        assert db.session.scalar(select(func.count(RegistrationAnswer.id))) == 0
        assert "Radiumhospitalet" not in str(
            db.session.get(Registration, created["id"]).history[0].changes
        )


def test_changing_the_questions_never_loses_an_answer(app, api, asking):
    created = _register(api, asking, 1, **ANSWERS).json()
    answer = api(
        "PATCH",
        f"/api/v1/events/{asking['slug']}",
        role="organiser",
        json={"questions": [QUESTIONS[2]]},  # only "institution" is asked now
    )
    assert answer.status_code == 200
    kept = api("GET", f"{_url(asking)}/{created['id']}", role="organiser").json()["answers"]
    assert kept == {
        "diet": "vegetarian",
        "photo": "no",  # typed as text once the question is gone
        "institution": "Radiumhospitalet",
        "topics": ["lung", "car-t"],
    }


def test_the_registrant_answers_on_the_form_and_changes_it_on_the_manage_page(app, client, asking):
    form = client.get(f"/events/{asking['slug']}/register").get_data(as_text=True)
    assert "Dietary needs (required)" in form
    category = form[form.index('<select id="category"') :]
    category = category[: category.index("</select>")]
    assert '<option value="">Choose…</option><option value="oncologist">' in category
    assert "selected" not in category  # nobody's category is chosen for them
    data = {
        "name": "Kari Nordmann",
        "email": "kari@example.org",
        "category": "oncologist",
        "mode": "on_site",
        "language": "en",
        "consent": "y",
    }
    missing = client.post(f"/events/{asking['slug']}/register", data=data)
    assert missing.status_code == 422
    assert "This question needs an answer." in missing.get_data(as_text=True)
    done = client.post(
        f"/events/{asking['slug']}/register",
        data=data | {"answer_diet": "none", "answer_topics": ["lung"], "answer_photo": "y"},
    )
    assert done.status_code == 302
    with app.app_context():
        registration = db.session.scalar(
            select(Registration).where(Registration.email == "kari@example.org")
        )
        assert registration.answers == {"diet": "none", "topics": ["lung"], "photo": True}
        token = services._rotate(registration)
        db.session.commit()
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert '<option selected value="none">' in page
    cleared = client.post(
        f"/r/{token}",
        data={
            "name": "Kari Nordmann",
            "email": "kari@example.org",
            "category": "oncologist",
            "language": "en",
            "answer_diet": "",
        },
    )
    assert cleared.status_code == 422
    changed = client.post(
        f"/r/{token}",
        data={
            "name": "Kari Nordmann",
            "email": "kari@example.org",
            "category": "oncologist",
            "language": "en",
            "answer_diet": "vegetarian",
        },
    )
    assert changed.status_code == 302
    with app.app_context():
        registration = db.session.scalar(
            select(Registration).where(Registration.email == "kari@example.org")
        )
        # an unticked box is an answer too; no choice and no text are none
        assert registration.answers == {"diet": "vegetarian", "photo": False}
