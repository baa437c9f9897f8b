"""/api/v1/events/<slug>/registrations: public sign-up, and the organiser's tools."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from eventmgr.api.auth import BEARER, api_public, api_roles
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import user_may
from eventmgr.platform.extensions import limiter
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule
from eventmgr.registration import links, queries, services
from eventmgr.registration.models import MODES, ROLE_MARKERS, STATUSES, Registration
from eventmgr.registration.views import _registration_limit_exempt, registration_rate_limit

blp = Blueprint("registrations_api", __name__, description="Registrations")


ANSWERS_DOC = {
    "type": "object",
    "description": "Answers to the event's questions, {question key: answer}: text for a text "
    "question, a choice's key for a choice, a list of keys for a multiple, true or false for a "
    "checkbox. A wrong answer is a 422 naming `answers.<key>`.",
}


class RegistrationIn(Schema):
    """A sign-up. Values are checked by the registration rules, which name every wrong field."""

    class Meta:
        unknown = RAISE

    name = fields.Raw(metadata={"type": "string", "maxLength": 200})
    email = fields.Raw(metadata={"type": "string", "format": "email"})
    organisation = fields.Raw(metadata={"type": "string", "maxLength": 200})
    job_title = fields.Raw(metadata={"type": "string", "maxLength": 200})
    category = fields.Raw(
        metadata={"type": "string", "description": "A key of the event's categories."}
    )
    mode = fields.Raw(metadata={"type": "string", "enum": list(MODES)})
    dietary_needs = fields.Raw(metadata={"type": "string", "maxLength": 500})
    language = fields.Raw(metadata={"type": "string", "enum": ["en", "nb"]})
    consent = fields.Raw(metadata={"type": "boolean"})
    networking_opt_in = fields.Raw(metadata={"type": "boolean"})
    news_opt_in = fields.Raw(metadata={"type": "boolean", "description": "News by email."})
    answers = fields.Raw(metadata=ANSWERS_DOC)
    when_full = fields.String(
        load_default="waitlist",
        validate=validate.OneOf(["waitlist", "digital"]),
        metadata={"description": "On site full: join the waiting list or take a digital place."},
    )


SECRET_LINK = (
    " Carries the registration's secret token: present only in the answer to an organiser's "
    "or administrator's token for the event. An anonymous caller gets no link; the links go "
    "by email to the registered address, whose owner proves it by opening them."
)


class RegistrationCreated(Schema):
    """The new registration. Anonymous callers get only `id`, `status` and `mode`."""

    id = fields.Integer(required=True)
    status = fields.String(required=True)
    mode = fields.String(required=True)
    manage_url = fields.String(metadata={"description": "The personal page." + SECRET_LINK})
    badge_url = fields.String(
        metadata={"description": "The badge, for confirmed on-site people." + SECRET_LINK}
    )
    calendar_url = fields.String(
        metadata={"description": "The event for a calendar." + SECRET_LINK}
    )


class RegistrationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    organisation = fields.String()
    job_title = fields.String()
    category = fields.String()
    mode = fields.String()
    status = fields.String()
    role = fields.String()
    dietary_needs = fields.String()
    language = fields.String()
    networking_opt_in = fields.Boolean()
    news_opt_in = fields.Boolean()
    change_notices = fields.Boolean()
    answers = fields.Dict(keys=fields.String(), values=fields.Raw())
    consent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    badge_code = fields.String()


class RegistrationUpdate(Schema):
    class Meta:
        unknown = RAISE

    name = fields.Raw()
    email = fields.Raw()
    organisation = fields.Raw()
    job_title = fields.Raw()
    category = fields.Raw()
    dietary_needs = fields.Raw()
    language = fields.Raw()
    networking_opt_in = fields.Raw()
    answers = fields.Raw(metadata=ANSWERS_DOC)
    role = fields.Raw(metadata={"type": "string", "enum": list(ROLE_MARKERS)})
    mode = fields.String(validate=validate.OneOf(MODES))
    join_waitlist = fields.Boolean(load_default=False)


class ListArgs(Schema):
    q = fields.String(load_default="")
    mode = fields.String(validate=validate.OneOf(MODES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = fields.String(metadata={"description": "A key of the event's categories."})
    checked_in = fields.Boolean(metadata={"description": "Only people checked in (or not)."})
    answer = fields.List(
        fields.String(validate=validate.Length(max=250)),
        metadata={
            "description": "key:value, repeatable: people whose answer to the question is the "
            "choice `value` (yes or no for a checkbox), or contains the text `value`."
        },
    )
    sort = fields.String(load_default="created", validate=validate.OneOf(list(queries.SORTS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class RegistrationPage(Schema):
    items = fields.List(fields.Nested(RegistrationOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Dict())


def _registration(slug: str, registration_id: int) -> Registration:
    registration = services.registration_of(event_or_404(slug), registration_id)
    if registration is None:
        abort(404, message=f"No registration {registration_id} for this event.")
    return registration


def _actor() -> str:
    return f"organiser {g.api_user.email} (API)"


def _answer_filters(event, given: list[str]) -> dict[str, str]:
    """`key:value` filters, each key one of the event's questions and each value a choice of
    it (yes or no for a checkbox); a wrong one is a 422 naming `answer`."""
    found = {}
    for text in given:
        key, sep, value = text.partition(":")
        question = event.question(key)
        problem = None
        if not sep or question is None:
            problem = f"{text!r}: give key:value with a key of the event's questions."
        elif question["kind"] in ("choice", "multiple"):
            keys = [c["key"] for c in question.get("choices") or ()]
            if value not in keys:
                problem = f"{text!r}: choose the value from {', '.join(keys)}."
        elif question["kind"] == "checkbox" and value not in ("yes", "no"):
            problem = f"{text!r}: a checkbox is yes or no."
        if problem:
            abort(422, message="Some fields are invalid.", messages={"query": {"answer": problem}})
        found[key] = value
    return found


@blp.route("/events/<slug>/registrations")
class Registrations(MethodView):
    @api_public
    @limiter.limit(registration_rate_limit, exempt_when=_registration_limit_exempt)
    @blp.arguments(RegistrationIn())  # one instance: building a schema per request costs
    @blp.response(201, RegistrationCreated)
    def post(self, data: dict, slug: str):
        """Register for a published event (no login). The personal links go by email to the
        address (opening them proves it); only an organiser's or administrator's token gets
        them in the answer, and its registrations count as proven. An address registered
        already gets 409, and a new link by email."""
        event = event_or_404(slug)
        if not services.open_for_registration(event):
            abort(404, message=f"No event {slug!r} open for registration.")
        when_full = data.pop("when_full")
        organiser = user_may(g.api_user, (Role.ORGANISER,), slug)
        try:
            outcome = api_rule(
                lambda: services.register(event, data, when_full=when_full, vouched=organiser)
            )
        except services.AlreadyRegistered:
            abort(
                409,
                message="This email address is registered for the event already; "
                "its manage link has been sent to it.",
                messages={"json": {"email": "Already registered for this event."}},
            )
        reg, token = outcome.registration, outcome.token
        body = {"id": reg.id, "status": reg.status, "mode": reg.mode}
        if not organiser:
            return body
        body["manage_url"] = links.manage_url(token)
        body["calendar_url"] = links.calendar_url(token)
        if reg.confirmed_on_site:
            body["badge_url"] = links.badge_url(token)
        return body

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, RegistrationPage)
    def get(self, args: dict, slug: str):
        """Registrations of the event, filtered and paged, with counts per mode and status."""
        event = event_or_404(slug)
        if args.get("category") not in (None, *event.category_keys):
            abort(
                422,
                message="Some fields are invalid.",
                messages={"query": {"category": "Not one of the event's categories."}},
            )
        if "answer" in args:
            args["answers"] = _answer_filters(event, args.pop("answer"))
        page = queries.search(event, **args)
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
            "counts": page.counts_by_mode(),
        }


@blp.route("/events/<slug>/registrations/<int:registration_id>")
class RegistrationItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, RegistrationOut)
    def get(self, slug: str, registration_id: int):
        """One registration."""
        return _registration(slug, registration_id)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(RegistrationUpdate)
    @blp.response(200, RegistrationOut)
    def patch(self, data: dict, slug: str, registration_id: int):
        """Change details, role or mode (mode follows the capacity rules)."""
        registration = _registration(slug, registration_id)
        mode = data.pop("mode", None)
        join_waitlist = data.pop("join_waitlist", False)
        api_rule(lambda: services.update_details(registration, data, _actor()))
        if mode:
            outcome = api_rule(
                lambda: services.switch_mode(registration, mode, _actor(), join_waitlist)
            )
            registration = outcome.registration
        return registration


@blp.route("/events/<slug>/registrations/<int:registration_id>/cancel")
class RegistrationCancel(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, RegistrationOut)
    def post(self, slug: str, registration_id: int):
        """Cancel; the place goes to the first person waiting."""
        return services.cancel(_registration(slug, registration_id), _actor())


@blp.route("/events/<slug>/registrations/<int:registration_id>/promote")
class RegistrationPromote(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, RegistrationOut)
    def post(self, slug: str, registration_id: int):
        """Confirm someone from the waiting list out of turn (only if a place is free)."""
        registration = _registration(slug, registration_id)
        return api_rule(lambda: services.promote(registration, _actor()))
