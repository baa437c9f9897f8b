"""Random hybrid events built through the services (people on site and digital, companies of
two, places with two or three seats, video rooms, two days): the instance the database gives
passes the format's checks, the solver's answer passes the independent checker, and the stored
schedule keeps every rule, the online one included."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime

import pytest

from eventmgr.platform.db import db, rollback

SLUG = "cancer-crosslinks-2023"


@pytest.mark.parametrize("seed", range(4))
def test_a_random_hybrid_event_keeps_every_rule(app, make_person, seed):
    from eventmgr.events.web import find_event
    from eventmgr.networking import schedule, services
    from eventmgr.networking.solver.check import check_solution
    from eventmgr.networking.solver.model import solve
    from eventmgr.registration.models import DIGITAL, Registration

    rng = random.Random(seed)
    people = [
        make_person(
            f"Person {i}",
            f"p{i}.{seed}@example.org",
            organisation=f"Company {i // 2}",  # companies of two
            mode="digital" if rng.random() < 0.35 else "on_site",
        )
        for i in range(10)
    ]
    with app.test_request_context():
        event = find_event(SLUG)
        for day in (25, 26):
            start = datetime(2023, 1, day, 10, 0, tzinfo=event.tz)
            end = datetime(2023, 1, day, 10, 45, tzinfo=event.tz)
            schedule.generate_slots(event, start, end, 15)
        slots = [s.id for s in schedule.slots_of(event)]
        schedule.save_table(event, {"number": 1, "seats": 2})
        schedule.save_table(event, {"number": 2, "seats": 3, "free_slots": slots[3:]})
        schedule.save_table(event, {"number": 3, "seats": 3, "online": True})
        regs = [db.session.get(Registration, p.registration_id) for p in people]
        for _ in range(14):
            a, b = rng.sample(range(10), 2)
            if a // 2 == b // 2:
                continue
            colleague = (a ^ 1) if rng.random() < 0.3 else None
            try:
                req = services.create_request(
                    event,
                    regs[a],
                    regs[b].id,
                    "",
                    [regs[colleague].id] if colleague is not None else None,
                )
                services.accept(event, regs[b], req.id)
            except services.NetworkingError:
                rollback()  # a pair asked already, or a cap: the rule said no
                regs = [db.session.get(Registration, p.registration_id) for p in people]
        instance = schedule.build_instance(event)
        assert len(instance["requests"]) >= 4
        ids = {p["id"] for p in instance["participants"]}
        online = {p["id"] for p in instance["participants"] if p.get("online")}
        assert online == {f"p{r.id}" for r in regs if r.mode == DIGITAL and f"p{r.id}" in ids}
        assert {t["id"] for t in instance["tables"] if t.get("online")} == {
            f"t{t.id}" for t in schedule.tables_of(event) if t.online
        }
        assert check_solution(instance, solve(instance, time_limit=5)) == []

        schedule.run_schedule(event, time_limit=5)
        seen_people: Counter = Counter()
        seen_places: Counter = Counter()
        placed = 0
        for meeting in schedule.meetings_in(event):
            if meeting.slot_id is None:
                continue
            placed += 1
            people_here = meeting.request.people
            remote = any(p.mode == DIGITAL for p in people_here)
            assert meeting.table.online == remote  # rule 3, from the database's own data
            assert len(people_here) <= meeting.table.seats
            if meeting.table.free_slots is not None:
                assert meeting.slot_id in meeting.table.free_slots
            seen_places[(meeting.slot_id, meeting.table_id)] += 1
            for person in people_here:
                seen_people[(meeting.slot_id, person.id)] += 1
        remote_meetings = sum(
            1 for m in schedule.meetings_in(event) if m.slot_id and m.table.online
        )
        assert placed > remote_meetings > 0  # both kinds of meeting in every seed
        assert max(seen_places.values()) == 1 and max(seen_people.values()) == 1
