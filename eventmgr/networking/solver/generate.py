"""Realistic random instances for tests and benchmarks.

Real partnering events are lopsided: a few investors receive most requests,
some people only attend part of the session, caps sit around 4-8, a few
requests bring a co-founder along, and tables vary in size and availability.
Multi-day events lose some people for a whole day, and hybrid ones have a share
of people attending online, who meet in a limited number of video rooms.
Uniform random instances miss exactly the structure that makes scheduling hard.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .greedy import greedy

FIRST = ("Sara", "Jonas", "Amira", "Lukas", "Mei", "Pablo", "Ines", "Omar", "Hanna", "Ravi")
LAST = ("Rhost", "Berg", "Haddad", "Novak", "Chen", "Ortega", "Moreau", "Farouk", "Lind", "Iyer")
SEATS = (2, 3, 4, 5, 6)
SEAT_WEIGHTS = (15, 5, 50, 10, 20)
WEIGHTS = (10, 20, 30, 50)


def _day_of(count: int, days: int) -> list[int]:
    """The day of each of `count` slots spread as evenly as can be over `days` days."""
    return [i * days // count for i in range(count)]


def _slots(count: int, start: str, minutes: int, days: int = 1) -> list[dict]:
    """`count` slots of `minutes` minutes over `days` days, each day from `start`'s time."""
    t0 = datetime.fromisoformat(start)
    step = timedelta(minutes=minutes)
    day_of = _day_of(count, days)
    out = []
    for i, day in enumerate(day_of):
        begins = t0 + timedelta(days=day) + (i - day_of.index(day)) * step
        out.append(
            {"id": f"s{i + 1}", "start": begins.isoformat(), "end": (begins + step).isoformat()}
        )
    return out


def _by_day(slot_ids: list[str], days: int) -> list[list[str]]:
    """The slot ids of each day, in time order (as `_slots` spreads them)."""
    out: list[list[str]] = [[] for _ in range(days)]
    for ident, day in zip(slot_ids, _day_of(len(slot_ids), days), strict=True):
        out[day].append(ident)
    return out


def _some_slots(rng: random.Random, ids: list[str], keep: int) -> list[str]:
    """A random subset of `keep` slot ids, in time order."""
    return sorted(rng.sample(ids, keep), key=ids.index)


def _tables(rng: random.Random, count: int, slot_ids: list[str]) -> list[dict]:
    """Tables of 2-6 seats; about one in five is away for a slot or two."""
    tables = []
    for i in range(count):
        table = {"id": f"t{i + 1}", "seats": rng.choices(SEATS, SEAT_WEIGHTS)[0]}
        if len(slot_ids) > 1 and rng.random() < 0.2:
            away = rng.randint(1, max(1, len(slot_ids) // 4))
            table["available"] = _some_slots(rng, slot_ids, len(slot_ids) - away)
        tables.append(table)
    return tables


def _availability(rng: random.Random, slot_ids: list[str], days: int) -> list[str] | None:
    """A quarter of people come late, leave early or skip some slots; some skip whole days."""
    n = len(slot_ids)
    if n < 2 or rng.random() >= 0.25:
        return None
    by_day = _by_day(slot_ids, days)
    if days > 1 and rng.random() < 0.4:
        kept = sorted(rng.sample(range(len(by_day)), rng.randint(1, len(by_day) - 1)))
        return [s for d in kept for s in by_day[d]]
    keep = rng.randint(max(1, n // 3), n - 1)
    if rng.random() < 0.5:
        first = rng.randint(0, n - keep)
        return slot_ids[first : first + keep]
    return _some_slots(rng, slot_ids, keep)


def _participants(
    rng: random.Random, count: int, slot_ids: list[str], days: int
) -> tuple[list[dict], int]:
    """People; the first ~8% are investors with higher caps. Returns (people, investors)."""
    investors = max(1, round(count * 0.08)) if count >= 4 else 0
    people = []
    for i in range(count):
        person = {"id": f"p{i + 1}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
        available = _availability(rng, slot_ids, days)
        if available is not None:
            person["available"] = available
        if rng.random() < 0.9:
            person["max_meetings"] = rng.randint(6, 8) if i < investors else rng.randint(4, 8)
        people.append(person)
    return people, investors


def _popularity(count: int, investors: int) -> list[float]:
    """Cumulative request-target weights: investors are many times more popular."""
    weights = [30.0 / (1 + i / 3) if i < investors else 1.0 for i in range(count)]
    total, cumulative = 0.0, []
    for w in weights:
        total += w
        cumulative.append(total)
    return cumulative


def _request_people(
    rng: random.Random, count: int, investors: int, cumulative: list[float]
) -> list[int]:
    """A founder asking to meet a (likely popular) person, sometimes with a co-founder."""
    founders = range(investors, count) if count - investors >= 2 else range(count)
    asker = rng.choice(founders)
    target = asker
    while target == asker:
        target = rng.choices(range(count), cum_weights=cumulative)[0]
    people = [asker, target]
    if count >= 3 and rng.random() < 0.05:
        extra = asker
        while extra in people:
            extra = rng.choice(founders) if len(founders) >= 3 else rng.randrange(count)
        people.append(extra)
    return people


def _requests(rng: random.Random, count: int, people: int, investors: int) -> list[dict]:
    """Requests with distinct people sets where possible, weights 10-60."""
    cumulative = _popularity(people, investors)
    seen: set[frozenset[int]] = set()
    out = []
    for i in range(count):
        for _ in range(10):
            chosen = _request_people(rng, people, investors, cumulative)
            if frozenset(chosen) not in seen:
                break
        seen.add(frozenset(chosen))
        weight = rng.choice(WEIGHTS) + (10 if len(chosen) > 2 else 0)
        out.append(
            {"id": f"r{i + 1}", "participants": [f"p{p + 1}" for p in chosen], "weight": weight}
        )
    return out


def _go_online(rng: random.Random, instance: dict, share: float, rooms: int) -> None:
    """Make about `share` of the people attend online and add `rooms` video rooms.

    Video rooms are open in every slot; most calls are two or three people,
    a few rooms take a larger group.
    """
    for person in instance["participants"]:
        if rng.random() < share:
            person["online"] = True
    for i in range(rooms):
        seats = 6 if rng.random() < 0.25 else 4
        instance["tables"].append({"id": f"v{i + 1}", "seats": seats, "online": True})


def _fix_some(instance: dict, count: int, rng: random.Random) -> None:
    """Fix `count` meetings of the greedy schedule, half of them without a table."""
    meetings = greedy(instance)["meetings"]
    fixed = []
    for row in rng.sample(meetings, min(count, len(meetings))):
        entry = dict(row)
        if rng.random() < 0.5:
            del entry["table"]
        fixed.append(entry)
    instance["fixed"] = fixed


def generate(
    participants: int,
    requests: int,
    slots: int,
    tables: int,
    seed: int,
    *,
    fixed: int = 0,
    start: str = "2023-01-26T16:00:00+01:00",
    minutes: int = 15,
    days: int = 1,
    online_share: float = 0.0,
    video_rooms: int = 0,
) -> dict:
    """A realistic instance dict; the same arguments always give the same instance.

    `tables` counts physical tables; `video_rooms` online ones, which only
    meetings with someone attending online (about `online_share` of people) use.
    """
    if participants < 2 or slots < 1 or not 1 <= days <= slots:
        raise ValueError("need at least two participants, one slot and one slot a day")
    rng = random.Random(seed)
    slot_list = _slots(slots, start, minutes, days)
    slot_ids = [s["id"] for s in slot_list]
    people, investors = _participants(rng, participants, slot_ids, days)
    instance = {
        "slots": slot_list,
        "tables": _tables(rng, tables, slot_ids),
        "participants": people,
        "requests": _requests(rng, requests, participants, investors),
    }
    if online_share or video_rooms:
        _go_online(rng, instance, online_share, video_rooms)
    if fixed:
        _fix_some(instance, fixed, rng)
    return instance
