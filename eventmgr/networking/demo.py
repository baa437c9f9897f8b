"""The demo's networking session: GU Ventures' delegation, Oslo hosts and investors, requests,
slots 16:15-18:15 by 15 minutes, tables, and a published schedule. Loaded once by
`flask seed-demo`; the demo attendee and the delegation lead can sign in and see it. Each step
is a networking or registration rule, committed as it goes; the seeding ends committed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from eventmgr.accounts.models import RoleAssignment, User
from eventmgr.accounts.services import find_user
from eventmgr.events.models import Event
from eventmgr.networking import bookings, schedule, services
from eventmgr.networking.models import ACCEPTED, Delegation, DelegationMember
from eventmgr.platform.db import commit, db
from eventmgr.platform.roles import Role
from eventmgr.registration import services as registration

ACTOR = "system (demo)"

# (name, email, organisation, job title, category, profile)
STARTUP_PITCHES = {
    "Sortina Pharma": (
        "Small molecules that restore the tumour-suppressing function of SOX proteins in "
        "breast cancer; pre-clinical proof of concept in patient-derived models.",
        "pre-clinical",
        ["precision medicine", "tumour metabolism", "early-stage investment"],
    ),
    "Iscaff Pharma": (
        "Scaffold-based drug delivery that keeps chemotherapy at the tumour site; "
        "pre-clinical data in solid tumours.",
        "pre-clinical",
        ["precision medicine", "GI cancers", "early-stage investment"],
    ),
    "Simsen Diagnostics": (
        "A blood test with biomarkers for early detection of cancer, with artificial "
        "intelligence reading the signal; in clinical validation.",
        "clinical",
        ["diagnostics", "biomarkers", "artificial intelligence", "early-stage investment"],
    ),
    "Oncorena": (
        "A kidney-sparing treatment of renal cancer in clinical trials, seeking clinical "
        "partners in Norway.",
        "clinical",
        ["clinical trials", "precision medicine", "venture capital"],
    ),
}
DELEGATION = [
    ("Sara Rhost", "sara.rhost@example.org", "Sortina Pharma", "CEO"),
    ("Göran Landberg", "goran.landberg@example.org", "Sortina Pharma", "Founder"),
    ("Per Setterberg", "per.setterberg@example.org", "Iscaff Pharma", "CEO"),
    ("Gustav Johansson", "gustav.johansson@example.org", "Simsen Diagnostics", "CEO"),
    ("Börje Haraldsson", "borje.haraldsson@example.org", "Oncorena", "Founder"),
    ("Pål Falck", "pal.falck@example.org", "Oncorena", "CEO"),
]
HOSTS = [
    {
        "name": "Demo Attendee",
        "email": "attendee@example.org",
        "organisation": "Nordic Oncology Ventures",
        "job_title": "Partner",
        "category": "investor",
        "kind": "investor",
        "pitch": "Seed and series A investor in pre-clinical oncology and precision medicine.",
        "offers": "seed investment, board experience",
        "seeks": "pre-clinical oncology companies",
        "focus": "pre-clinical oncology, precision medicine",
        "interests": ["precision medicine", "early-stage investment", "venture capital"],
    },
    {
        "name": "Ingrid Berg",
        "email": "ingrid.berg@example.org",
        "organisation": "Fjord Health Capital",
        "job_title": "Investment Manager",
        "category": "investor",
        "kind": "investor",
        "pitch": "Venture capital for diagnostics and health technology in the Nordics.",
        "offers": "venture capital, market access",
        "seeks": "diagnostics and health technology companies",
        "focus": "diagnostics, biomarkers, health technology, clinical stage",
        "interests": ["diagnostics", "biomarkers", "health technology", "venture capital"],
    },
    {
        "name": "Ketil Widerberg",
        "email": "ketil.widerberg@example.org",
        "organisation": "Oslo Cancer Cluster",
        "job_title": "CEO",
        "category": "incubator or cluster",
        "kind": "industry",
        "pitch": "The cancer cluster of Oslo: connects companies with hospitals and investors.",
        "offers": "clinical partners, incubation, introductions to investors",
        "seeks": "international startups",
        "focus": "",
        "interests": ["incubation", "internationalisation", "clinical trials"],
    },
    {
        "name": "Thomas Andersson",
        "email": "thomas.andersson@example.org",
        "organisation": "OCC Incubator",
        "job_title": "Business Development Advisor",
        "category": "incubator or cluster",
        "kind": "industry",
        "pitch": "Incubation of oncology startups at the Oslo Cancer Cluster Innovation Park.",
        "offers": "incubation, technology transfer",
        "seeks": "startups for the incubator",
        "focus": "",
        "interests": ["incubation", "technology transfer", "early-stage investment"],
    },
]
LEAD_INTERESTS = ["incubation", "internationalisation", "technology transfer"]
REQUESTS = [  # (from, to, message, accepted)
    ("sara.rhost@example.org", "attendee@example.org", "We would like to present Sortina.", False),
    ("gustav.johansson@example.org", "ingrid.berg@example.org", "Our blood test.", True),
    ("per.setterberg@example.org", "attendee@example.org", "Iscaff in 15 minutes?", True),
    ("borje.haraldsson@example.org", "ketil.widerberg@example.org", "Clinical partners.", True),
    ("goran.landberg@example.org", "thomas.andersson@example.org", "Incubation in Oslo?", True),
]


def _register(event: Event, data: dict, role: str):
    found = registration.existing(event.id, data["email"])
    if found is not None:
        registration.update_details(found, {"networking_opt_in": True}, ACTOR)
        return found
    return registration.register(
        event,
        {
            "name": data["name"],
            "email": data["email"],
            "organisation": data["organisation"],
            "job_title": data["job_title"],
            "category": data["category"],
            "mode": "on_site",
            "role": role,
            "networking_opt_in": True,
        },
        actor=ACTOR,
        public=False,
    ).registration


def _add_interest_tags(event: Event) -> None:
    """The profiles' interests must be among the event's tags: the ones the event lacks are
    added after those it has."""
    used = [tag for _pitch, _stage, tags in STARTUP_PITCHES.values() for tag in tags]
    used += LEAD_INTERESTS + [tag for host in HOSTS for tag in host["interests"]]
    tags = list(services.settings_for(event).interest_tags)
    missing = [tag for tag in dict.fromkeys(used) if tag not in tags]
    if missing:
        services.update_settings(event, {"interest_tags": tags + missing})


def seed_networking(event: Event) -> None:
    """Once per event: an event that has a delegation already is left alone."""
    if db.session.scalar(select(Delegation).where(Delegation.event_id == event.id)):
        return
    _add_interest_tags(event)
    lead_user = find_user("anders.waas@example.org")
    people = {}
    lead = _register(
        event,
        {
            "name": "Anders Waas",
            "email": "anders.waas@example.org",
            "organisation": "GU Ventures",
            "job_title": "Business Development Advisor",
            "category": "incubator or cluster",
        },
        "delegation",
    )
    people[lead.email] = lead
    for name, email, company, title in DELEGATION:
        people[email] = _register(
            event,
            {
                "name": name,
                "email": email,
                "organisation": company,
                "job_title": title,
                "category": "industry",
            },
            "delegation",
        )
    for host in HOSTS:
        people[host["email"]] = _register(event, host, "attendee")
    delegation = Delegation(
        event_id=event.id,
        name="GU Ventures",
        home_organisation="GU Ventures, Gothenburg",
        lead_user_id=lead_user.id if lead_user else None,
    )
    db.session.add(delegation)
    db.session.flush()
    db.session.add(
        DelegationMember(
            delegation_id=delegation.id,
            registration_id=lead.id,
            company="GU Ventures",
            role="Business Development Advisor",
        )
    )
    for _name, email, company, title in DELEGATION:
        reg = people[email]
        db.session.add(
            DelegationMember(
                delegation_id=delegation.id, registration_id=reg.id, company=company, role=title
            )
        )
        pitch, stage, interests = STARTUP_PITCHES[company]
        services.update_profile(
            services.profile_of(reg),
            event,
            {
                "kind": "startup",
                "pitch": pitch,
                "offers": "a pre-clinical oncology pipeline" if stage == "pre-clinical" else "",
                "seeks": "seed investment"
                if stage == "pre-clinical"
                else "investment, clinical partners",
                "company_stage": stage,
                "interests": interests,
            },
        )
    services.update_profile(
        services.profile_of(lead),
        event,
        {
            "kind": "other",
            "pitch": "Incubator of the University of Gothenburg, visiting with four companies.",
            "seeks": "introductions to Oslo investors and clinical partners",
            "interests": LEAD_INTERESTS,
        },
    )
    for host in HOSTS:
        services.update_profile(
            services.profile_of(people[host["email"]]),
            event,
            {
                "kind": host["kind"],
                "pitch": host["pitch"],
                "offers": host["offers"],
                "seeks": host["seeks"],
                "investment_focus": host["focus"],
                "interests": host["interests"],
            },
        )
    day = event.local(event.starts_at).date()
    start = datetime.combine(day, datetime.strptime("16:15", "%H:%M").time(), tzinfo=event.tz)
    end = datetime.combine(day, datetime.strptime("18:15", "%H:%M").time(), tzinfo=event.tz)
    schedule.generate_slots(event, start, end, 15)
    slots = schedule.slots_of(event)
    for number in range(1, 7):
        free = [s.id for s in slots[:4]] if number == 6 else None
        schedule.save_table(event, {"number": number, "seats": 4, "free_slots": free})
    # the incubator's office, where a booked meeting of three fits
    schedule.save_table(event, {"number": 7, "seats": 6, "name": "OCC Incubator office"})
    for sender, recipient, message, accepted in REQUESTS:
        req = services.create_request(event, people[sender], people[recipient].id, message)
        if accepted:  # agreed beforehand: no answer mail
            req.status = ACCEPTED
            commit()
    # the organiser books Sortina's two founders with an investor (hosts, such as the OCC
    # Incubator team, may be named on the dashboard to book too)
    organiser = db.session.scalar(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.event_id == event.id, RoleAssignment.role == Role.ORGANISER)
        .order_by(User.id)
    )
    if organiser is not None:
        bookings.book_meeting(
            event,
            organiser,
            {
                "from": people["sara.rhost@example.org"].id,
                "from_with": [people["goran.landberg@example.org"].id],
                "to": people["ingrid.berg@example.org"].id,
                "note": "Sortina seeks seed investment; Fjord Health invests in pre-clinical "
                "oncology.",
            },
        )
    schedule.run_schedule(event, time_limit=5.0)
    schedule.publish(event)
    commit()
