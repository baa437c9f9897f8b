"""Participants' networking pages, the delegation lead's pages, and (admin_views) the
organiser's. A participant is signed in; their registration is the one with their account's
address. The manage link (/r/<token>/networking) gives people without an account one."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from eventmgr.events.models import Event
from eventmgr.events.services import events_with_role
from eventmgr.events.web import event_or_404
from eventmgr.networking import bookings, documents, schedule, services
from eventmgr.networking import delegations as delegation_services
from eventmgr.networking.blueprint import act, bp, run
from eventmgr.networking.forms import (
    ActionForm,
    BookingForm,
    CancelMeetingForm,
    DelegationRequestForm,
    FeedbackForm,
    MemberForm,
    ProfileForm,
    RequestForm,
)
from eventmgr.networking.services import NetworkingError
from eventmgr.networking.suggest import suggestions
from eventmgr.platform.access import login_required, public, roles_required
from eventmgr.platform.db import db, rollback, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.platform.forms import CsvImportForm
from eventmgr.platform.roles import Role
from eventmgr.registration import services as registration_services
from eventmgr.registration.links import find_by_token
from eventmgr.registration.models import Registration

__all__ = ["bp"]


def _participant(slug: str) -> tuple[Event, Registration]:
    """The event and the caller's opted-in registration; otherwise back to the start page."""
    event = event_or_404(slug)
    registration = services.registration_of(current_user, event)
    if not services.takes_part(registration):
        abort(redirect(url_for("networking.home", slug=slug)))
    return event, registration


@bp.route("/delegation")
@roles_required(Role.DELEGATION_LEAD)
def delegation_home():
    events = events_with_role(current_user, Role.DELEGATION_LEAD)
    led = {e.id: delegation_services.led_by(current_user, e) for e in events}
    return render_template("networking/delegation_home.html", events=events, led=led)


@bp.route("/networking")
@login_required
def index():
    """Every event where the caller is registered, organises or leads a delegation."""
    keys = current_user.email.lower()
    registered = db.session.scalars(
        select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.email_key == keys,
            Registration.email_proven_at.is_not(None),
            Registration.anonymised_at.is_(None),
        )
        .order_by(Event.starts_at.desc())
    ).all()
    organised = events_with_role(current_user, Role.ORGANISER)
    return render_template("networking/index.html", registered=registered, organised=organised)


@bp.route("/events/<slug>/networking", methods=["GET", "POST"])
@login_required
def home(slug: str):
    event = event_or_404(slug)
    registration = services.registration_of(current_user, event)
    form = ActionForm()
    if (
        registration is not None
        and not services.takes_part(registration)
        and registration.status == "confirmed"
        and registration.is_proven
        and form.validate_on_submit()
    ):
        registration_services.update_details(
            registration, {"networking_opt_in": True}, registration_services.ATTENDEE
        )
        flash(_("You take part in networking now. Fill in your profile."), "success")
        return redirect(url_for("networking.profile", slug=slug))
    may_book = bookings.may_book(current_user, event)
    if not services.takes_part(registration):
        return render_template(
            "networking/join.html",
            event=event,
            registration=registration,
            form=form,
            may_book=may_book,
        )
    services.expire_due(event)
    profile = services.profile_of(registration)
    return render_template(
        "networking/home.html",
        event=event,
        registration=registration,
        profile=profile,
        suggestions=suggestions(event, registration, limit=10),
        requests=services.requests_of(event, registration),
        meetings=schedule.meetings_of(event, registration),
        settings=services.settings_for(event),
        form=form,
        colleagues=services.colleagues_of(event, registration),
        may_book=may_book,
    )


def _profile_form(event: Event, profile, data=None) -> ProfileForm:
    form = ProfileForm(obj=profile) if data is None else ProfileForm()
    form.interests.choices = [SelectChoice(t) for t in services.settings_for(event).interest_tags]
    form.unavailable_slots.choices = [
        SelectChoice(s.id, schedule.slot_label(event, s)) for s in schedule.slots_of(event)
    ]
    return form


@bp.route("/events/<slug>/networking/profile", methods=["GET", "POST"])
@login_required
def profile(slug: str):
    event, registration = _participant(slug)
    mine = services.profile_of(registration)
    form = _profile_form(event, mine, request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.interests.data = list(mine.interests or [])
        form.unavailable_slots.data = list(mine.unavailable_slots or [])
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}
        saved = _("Your profile is saved.")
        if run(lambda: services.update_profile(mine, event, data), saved, form):
            return redirect(url_for("networking.home", slug=slug))
    return render_template("networking/profile_form.html", event=event, form=form), (
        422 if form.errors else 200
    )


@bp.route("/events/<slug>/networking/people")
@login_required
def people(slug: str):
    event, registration = _participant(slug)
    tag = request.args.get("tag", "")
    rows = services.visible_profiles(event, registration)
    if tag:
        rows = [p for p in rows if tag in (p.interests or [])]
    return render_template(
        "networking/people.html",
        event=event,
        profiles=rows,
        tag=tag,
        tags=services.settings_for(event).interest_tags,
    )


@bp.route("/events/<slug>/networking/people/<int:profile_id>")
@login_required
def person(slug: str, profile_id: int):
    event, registration = _participant(slug)
    try:
        other = services.visible_profile(event, registration, profile_id)
    except NetworkingError:
        abort(404)
    if other.registration_id == registration.id:
        return redirect(url_for("networking.profile", slug=slug))
    blocked = other.registration_id in {b.id for b in services.blocks_of(registration)}
    return render_template(
        "networking/person.html",
        event=event,
        profile=other,
        form=RequestForm(),
        action_form=ActionForm(),
        blocked=blocked,
    )


@bp.route("/events/<slug>/networking/people/<int:profile_id>/request", methods=["POST"])
@login_required
def request_meeting(slug: str, profile_id: int):
    event, registration = _participant(slug)
    form = RequestForm()

    def send() -> None:
        other = services.visible_profile(event, registration, profile_id)
        services.create_request(event, registration, other.registration_id, form.message.data)

    if act(send, _("Your request is sent."), form):
        return redirect(url_for("networking.home", slug=slug))
    return redirect(url_for("networking.person", slug=slug, profile_id=profile_id))


@bp.route("/events/<slug>/networking/people/<int:profile_id>/block", methods=["POST"])
@login_required
def block(slug: str, profile_id: int):
    event, registration = _participant(slug)
    undo = request.form.get("undo") == "1"

    def change() -> None:
        other = services.visible_profile(event, registration, profile_id)
        (services.unblock if undo else services.block)(registration, other.registration)

    done = _("Unblocked.") if undo else _("Blocked: you will not get requests from this person.")
    act(change, done)
    return redirect(url_for("networking.home", slug=slug))


def _answer(slug: str, request_id: int, action, done: str):
    event, registration = _participant(slug)
    act(lambda: action(event, registration, request_id), done)
    return redirect(url_for("networking.home", slug=slug))


@bp.route("/events/<slug>/networking/requests/<int:request_id>/accept", methods=["POST"])
@login_required
def accept(slug: str, request_id: int):
    """Accept, naming any colleagues who come too (the ticked `with` boxes)."""
    with_me = [int(v) for v in request.form.getlist("with") if v.isdigit()]
    return _answer(
        slug,
        request_id,
        lambda e, r, rid: services.accept(e, r, rid, with_me),
        _("Accepted."),
    )


@bp.route("/events/<slug>/networking/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(slug: str, request_id: int):
    return _answer(slug, request_id, services.decline, _("Declined."))


@bp.route("/events/<slug>/networking/requests/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel_request(slug: str, request_id: int):
    return _answer(slug, request_id, services.cancel_request, _("Withdrawn."))


@bp.route("/events/<slug>/networking/agenda")
@login_required
def my_agenda(slug: str):
    event, registration = _participant(slug)
    return render_template(
        "networking/agenda.html",
        event=event,
        registration=registration,
        meetings=schedule.meetings_of(event, registration),
        form=FeedbackForm(),
        cancel_form=CancelMeetingForm(),
        action_form=ActionForm(),
        now=utcnow(),
    )


@bp.route("/events/<slug>/networking/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel_meeting(slug: str, meeting_id: int):
    """Decline an organisers' proposal, or cancel a meeting with a reason: off both agendas."""
    event, registration = _participant(slug)
    form = CancelMeetingForm()
    act(
        lambda: schedule.cancel_meeting(event, registration, meeting_id, form.reason.data),
        _("The meeting is off; the others are told."),
        form,
    )
    return redirect(url_for("networking.my_agenda", slug=slug))


@bp.route("/events/<slug>/networking/agenda.pdf")
@login_required
def agenda_pdf(slug: str):
    _event_, registration = _participant(slug)
    return Response(
        documents.agenda_pdf(registration),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="my-meetings.pdf"'},
    )


@bp.route("/events/<slug>/networking/agenda.ics")
@login_required
def agenda_ics(slug: str):
    _event_, registration = _participant(slug)
    return Response(
        documents.agenda_ics(registration),
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{slug}-meetings.ics"',
        },
    )


@bp.route("/events/<slug>/networking/meetings/<int:meeting_id>/feedback", methods=["POST"])
@login_required
def feedback(slug: str, meeting_id: int):
    event, registration = _participant(slug)
    form = FeedbackForm()

    def record() -> None:
        rating = int(form.rating.data) if form.rating.data else None
        happened = form.happened.data == "yes"
        schedule.record_feedback(event, registration, meeting_id, happened, rating)

    act(record, _("Thank you."), form)
    return redirect(url_for("networking.my_agenda", slug=slug))


@bp.route("/r/<token>/networking", methods=["GET", "POST"])
@public
def from_manage_link(token: str):
    """Networking needs an account: from the manage link, make one and mail its password link."""
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        # the same answer whether an account exists for the address or not
        done = _("We have emailed you a link to choose a password.")
        if run(lambda: delegation_services.invite_to_networking(registration), done):
            return redirect(url_for("registration.manage", token=token))
    return render_template(
        "networking/account_needed.html",
        registration=registration,
        event=registration.event,
        form=form,
        token=token,
    )


# --------------------------------------------------------------------------- delegation lead


@bp.route("/events/<slug>/delegation-invitation/<token>", methods=["GET", "POST"])
@public
def join_delegation(slug: str, token: str):
    """A registered person invited to a delegation accepts (a POST); opening the link alone
    changes nothing."""
    event = event_or_404(slug)
    offer = delegation_services.join_offer(event, token)
    if offer is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        done = _("You are a member of the delegation %(name)s.", name=offer.delegation.name)
        if run(lambda: delegation_services.accept_join(offer), done):
            return redirect(url_for("networking.home", slug=slug))
    return render_template(
        "networking/join_delegation.html", event=event, offer=offer, form=form
    ), (422 if form.is_submitted() else 200)


def _delegation(slug: str, delegation_id: int):
    event = event_or_404(slug)
    try:
        delegation = delegation_services.delegation_for(event, delegation_id)
    except NetworkingError:
        abort(404)
    if not delegation_services.may_manage(current_user, delegation):
        abort(403)
    return event, delegation


def _actor() -> str:
    return f"delegation lead {current_user.email}"


@bp.route("/events/<slug>/delegations/<int:delegation_id>", methods=["GET", "POST"])
@roles_required(Role.DELEGATION_LEAD, Role.ORGANISER)
def delegation(slug: str, delegation_id: int):
    event, found = _delegation(slug, delegation_id)
    form = MemberForm()
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("name", "email", "company", "role")}
        added = _("Added: %(name)s. They got an invitation.", name=data["name"])
        invited = _(
            "%(name)s is registered already: they got an invitation to join, and join when "
            "they accept it.",
            name=data["name"],
        )
        if run(
            lambda: delegation_services.add_member(found, data, _actor()),
            lambda member: added if member is not None else invited,
            form,
        ):
            return redirect(
                url_for("networking.delegation", slug=slug, delegation_id=delegation_id)
            )
        _event_, found = _delegation(slug, delegation_id)
    meetings = schedule.dashboard(event)["delegations"]
    counts = {
        m.registration_id: n for d, members in meetings if d.id == found.id for m, n in members
    }
    return render_template(
        "networking/delegation.html", event=event, delegation=found, form=form, counts=counts
    ), (422 if form.errors else 200)


@bp.route("/events/<slug>/delegations/<int:delegation_id>/import", methods=["GET", "POST"])
@roles_required(Role.DELEGATION_LEAD, Role.ORGANISER)
def delegation_import(slug: str, delegation_id: int):
    event, found = _delegation(slug, delegation_id)
    form = CsvImportForm()
    check = None
    if raw := form.posted_csv():
        check = delegation_services.check_members_csv(event, raw)
        if check.clean and request.form.get("commit") == "1":
            for row in check.rows:
                try:
                    delegation_services.add_member(found, row, _actor() + " (CSV import)")
                except RuleError as exc:
                    rollback()
                    flash(f"{row['email']}: {exc.message}", "error")
                found = delegation_services.delegation_for(event, delegation_id)
            flash(_("Members imported: %(n)d.", n=len(check.rows)), "success")
            return redirect(
                url_for("networking.delegation", slug=slug, delegation_id=delegation_id)
            )
    return render_template(
        "networking/delegation_import.html",
        event=event,
        delegation=found,
        form=form,
        check=check,
    ), (422 if check and not check.clean else 200)


# --------------------------------------------------------------------------- facilitated meetings


def _person_choice(person: Registration) -> SelectChoice:
    label = person.name + (f" ({person.organisation})" if person.organisation else "")
    return SelectChoice(person.id, label)


@bp.route("/events/<slug>/networking/book", methods=["GET", "POST"])
@login_required
def book(slug: str):
    """Organisers and hosts book a meeting between two participants, with a note why."""
    event = event_or_404(slug)
    if not bookings.may_book(current_user, event):
        abort(403)
    form = BookingForm()
    people = [_person_choice(p) for p in bookings.bookable_people(event)]
    form.from_id.choices = form.to_id.choices = people
    form.from_with.choices = form.to_with.choices = people
    if form.validate_on_submit():
        data = {
            "from": form.from_id.data,
            "to": form.to_id.data,
            "from_with": list(form.from_with.data or []),
            "to_with": list(form.to_with.data or []),
            "note": form.note.data,
        }
        done = _("The meeting is booked; both sides are told and may decline it.")
        if run(lambda: bookings.book_meeting(event, current_user, data), done, form):
            return redirect(url_for("networking.book", slug=slug))
    return render_template(
        "networking/book.html", event=event, form=form, booked=bookings.bookings_of(event)
    ), (422 if form.errors else 200)


# --------------------------------------------------------------------------- leads for members


@bp.route("/events/<slug>/delegations/<int:delegation_id>/meetings", methods=["GET", "POST"])
@roles_required(Role.DELEGATION_LEAD, Role.ORGANISER)
def delegation_meetings(slug: str, delegation_id: int):
    """The lead asks for meetings for members, answers theirs and sees their agendas."""
    event, found = _delegation(slug, delegation_id)
    members = [m.registration for m in found.members if services.takes_part(m.registration)]
    member_ids = {m.id for m in members}
    form = DelegationRequestForm()
    form.members.choices = [_person_choice(m) for m in members]
    form.to.choices = [
        _person_choice(p) for p in bookings.bookable_people(event) if p.id not in member_ids
    ]
    if form.validate_on_submit():
        chosen = [m for m in members if m.id in set(form.members.data or [])]

        def ask():
            if not chosen:
                raise NetworkingError({"members": _("Choose who attends.")})
            return services.create_request(
                event, chosen[0], form.to.data, form.message.data, [m.id for m in chosen[1:]]
            )

        if run(ask, _("Your request is sent."), form):
            return redirect(
                url_for("networking.delegation_meetings", slug=slug, delegation_id=delegation_id)
            )
    rows = []
    for member in members:
        rows.append(
            (
                member,
                services.requests_of(event, member),
                schedule.meetings_of(event, member),
            )
        )
    return render_template(
        "networking/delegation_meetings.html",
        event=event,
        delegation=found,
        form=form,
        rows=rows,
        action_form=ActionForm(),
        now=utcnow(),
    ), (422 if form.errors else 200)


def _for_member(slug: str, delegation_id: int, member_id: int, action, done: str):
    event, found = _delegation(slug, delegation_id)
    member = next((m.registration for m in found.members if m.registration_id == member_id), None)
    if member is None or not services.takes_part(member):
        abort(404)
    act(lambda: action(event, member), done)
    return redirect(
        url_for("networking.delegation_meetings", slug=slug, delegation_id=delegation_id)
    )


@bp.route(
    "/events/<slug>/delegations/<int:delegation_id>/members/<int:member_id>"
    "/requests/<int:request_id>/<answer>",
    methods=["POST"],
)
@roles_required(Role.DELEGATION_LEAD, Role.ORGANISER)
def delegation_answer(slug: str, delegation_id: int, member_id: int, request_id: int, answer: str):
    """Accept, decline or withdraw a member's request, as the member would."""
    rules = {
        "accept": (services.accept, _("Accepted.")),
        "decline": (services.decline, _("Declined.")),
        "cancel": (services.cancel_request, _("Withdrawn.")),
    }
    if answer not in rules:
        abort(404)
    rule, done = rules[answer]
    return _for_member(slug, delegation_id, member_id, lambda e, m: rule(e, m, request_id), done)


@bp.route(
    "/events/<slug>/delegations/<int:delegation_id>/members/<int:member_id>"
    "/meetings/<int:meeting_id>/cancel",
    methods=["POST"],
)
@roles_required(Role.DELEGATION_LEAD, Role.ORGANISER)
def delegation_cancel_meeting(slug: str, delegation_id: int, member_id: int, meeting_id: int):
    """Cancel a member's published meeting with a reason, as the member would."""
    form = CancelMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    return _for_member(
        slug,
        delegation_id,
        member_id,
        lambda e, m: schedule.cancel_meeting(e, m, meeting_id, form.reason.data),
        _("The meeting is off; the others are told."),
    )


from eventmgr.networking import admin_views  # noqa: E402,F401 - the organiser's routes on bp
