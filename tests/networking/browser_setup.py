"""Set-up shared by the networking browser tests: slots, places, a schedule and its
publication through the services, so that the browser does what people do with them."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventmgr.platform.db import db

SLUG = "cancer-crosslinks-2023"


def gu_ventures(event, lead_email: str):
    """GU Ventures' delegation, led by the given address (the demo's delegation lead)."""
    from eventmgr.networking import delegations

    return delegations.create_delegation(
        event,
        {
            "name": "GU Ventures",
            "home_organisation": "GU Ventures",
            "lead_name": "Anders Waas",
            "lead_email": lead_email,
        },
    )


def places(app, *tables: dict, video_base_url: str = "") -> None:
    """Four 15-minute slots a month from now (people may cancel only what lies ahead) and
    the given places."""
    from eventmgr.events.web import find_event
    from eventmgr.networking import schedule, services

    with app.test_request_context():
        event = find_event(SLUG)
        if video_base_url:
            services.update_settings(event, {"video_base_url": video_base_url})
        day = (datetime.now(event.tz) + timedelta(days=30)).date()
        start = datetime(day.year, day.month, day.day, 16, 15, tzinfo=event.tz)
        end = start + timedelta(hours=1)
        schedule.generate_slots(event, start, end, 15)
        for table in tables:
            schedule.save_table(event, table)


def publish(app, auto_match: bool = False) -> dict:
    from eventmgr.events.web import find_event
    from eventmgr.networking import schedule

    with app.test_request_context():
        event = find_event(SLUG)
        solution = schedule.run_schedule(event, auto_match, 5.0)
        schedule.publish(event)
        db.session.remove()
        return solution


def accepted(app, sender_id: int, recipient_id: int) -> None:
    from eventmgr.events.web import find_event
    from eventmgr.networking import services
    from eventmgr.registration.models import Registration

    with app.test_request_context():
        event = find_event(SLUG)
        req = services.create_request(
            event, db.session.get(Registration, sender_id), recipient_id, ""
        )
        services.accept(event, db.session.get(Registration, recipient_id), req.id)
