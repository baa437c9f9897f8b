"""The organiser's event pages: the list of their events, a new event, an event's settings,
its staff and their invitations (and the invitation link itself), next year's edition."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from eventmgr.accounts.services import find_user, normalise_email
from eventmgr.events import services, staff
from eventmgr.events.forms import AcceptForm, CopyForm, EventForm, InviteForm, NewAccountForm
from eventmgr.events.models import PENDING
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import public, roles_required
from eventmgr.platform.forms import ActionForm
from eventmgr.platform.roles import Role
from eventmgr.platform.web import run_rule

bp = Blueprint("events", __name__)


@bp.route("/manage/events")
@roles_required(Role.ORGANISER)
def manage_list():
    events = services.events_with_role(current_user, Role.ORGANISER)
    return render_template("manage/events.html", events=events)


@bp.route("/manage/events/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def manage_new():
    form = EventForm()
    if form.validate_on_submit():
        return _save(form, None)
    return render_template("manage/event_form.html", form=form, event=None)


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def manage_edit(slug: str):
    event = event_or_404(slug)
    form = EventForm(obj=event)
    if not form.is_submitted():
        form.starts_at.data = event.local(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = event.local(event.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        return _save(form, event)
    return render_template("manage/event_form.html", form=form, event=event)


def _save(form: EventForm, event):
    """Create or update through the service; its errors land on the form's fields."""
    data = form.event_data()
    if event is None:
        saved, _event = run_rule(
            lambda: services.create_event(data, current_user), _("The event is saved."), form
        )
    else:
        saved, _event = run_rule(
            lambda: services.update_event(event, data), _("The event is saved."), form
        )
    if not saved:
        return render_template("manage/event_form.html", form=form, event=event), 422
    return redirect(url_for("events.manage_list"))


# --------------------------------------------------------------------------- staff


@bp.route("/manage/events/<slug>/staff", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def manage_staff(slug: str):
    """Who runs the event, the invitations sent, and a form to invite someone."""
    event = event_or_404(slug)
    form = InviteForm()
    if form.validate_on_submit():
        sent, _invitation = run_rule(
            lambda: staff.invite(event, form.email.data, form.role.data, current_user),
            lambda invitation: _("The invitation is sent to %(email)s.", email=invitation.email),
            form,
        )
        if sent:
            return redirect(url_for("events.manage_staff", slug=slug))
    return render_template(
        "manage/staff.html",
        event=event,
        form=form,
        members=staff.staff_of(event),
        invitations=staff.invitations_of(event),
        action_form=ActionForm(),
        role_label=staff.role_label,
        status_labels=staff.STATUS_LABELS,
    ), (422 if form.errors else 200)


def _staff_action(slug: str, action, done: str) -> Response:
    event = event_or_404(slug)
    if ActionForm().validate_on_submit():
        run_rule(lambda: action(event), done)
    return redirect(url_for("events.manage_staff", slug=slug))


@bp.route("/manage/events/<slug>/staff/<int:staff_id>/remove", methods=["POST"])
@roles_required(Role.ORGANISER)
def remove_staff(slug: str, staff_id: int):
    return _staff_action(
        slug, lambda event: staff.remove(event, staff_id), _("The role is removed.")
    )


@bp.route("/manage/events/<slug>/staff/invitations/<int:invitation_id>/resend", methods=["POST"])
@roles_required(Role.ORGANISER)
def resend_invitation(slug: str, invitation_id: int):
    return _staff_action(
        slug,
        lambda event: staff.resend(staff.invitation_of(event, invitation_id), current_user),
        _("The invitation is sent again with a new link."),
    )


@bp.route("/manage/events/<slug>/staff/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@roles_required(Role.ORGANISER)
def withdraw_invitation(slug: str, invitation_id: int):
    return _staff_action(
        slug,
        lambda event: staff.withdraw(staff.invitation_of(event, invitation_id)),
        _("The invitation is withdrawn; its link no longer works."),
    )


@bp.after_request
def _private(response: Response) -> Response:
    """Invitation links are secret: never sent on as a referrer, never cached."""
    if request.path.startswith("/invitations/"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    """Accept an invitation: with a new account (choose a password), or signed in to the
    account of the invited address."""
    found = staff.invitation_for_token(token)
    if found is None:
        abort(404)
    context = {"invitation": found, "event": found.event, "role": staff.role_label(found.role)}
    if found.status() != PENDING:
        return render_template("manage/invitation.html", state=found.status(), **context), 410
    account = find_user(found.email)
    if account is None:
        return _accept_new(found, token, context)
    signed_in = current_user.is_authenticated
    if signed_in and normalise_email(current_user.email) == found.email:
        form = AcceptForm()
        if form.validate_on_submit():
            done, _role = run_rule(
                lambda: staff.accept(found, current_user),
                _("You are %(role)s at %(event)s now.", **_names(context)),
            )
            if done:
                return redirect(url_for("pages.dashboard"))
        return render_template("manage/invitation.html", state="accept", form=form, **context)
    state = "other_account" if signed_in else "sign_in"
    return render_template("manage/invitation.html", state=state, token=token, **context)


def _names(context: dict) -> dict:
    return {"role": context["role"], "event": context["event"].name}


def _accept_new(found, token: str, context: dict):
    form = NewAccountForm()
    if form.validate_on_submit():
        done, user = run_rule(
            lambda: staff.accept_with_new_account(found, form.name.data, form.password.data),
            _("Welcome! You are %(role)s at %(event)s now.", **_names(context)),
            form,
        )
        if done:
            login_user(user)
            return redirect(url_for("pages.dashboard"))
    page = render_template("manage/invitation.html", state="new_account", form=form, **context)
    return page, (422 if form.errors else 200)


# --------------------------------------------------------------------------- next year


@bp.route("/manage/events/<slug>/copy", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def copy(slug: str):
    """Next year's edition, from this one: a new unpublished event to start from."""
    event = event_or_404(slug)
    form = CopyForm()
    if not form.is_submitted():
        defaults = services.next_edition_defaults(event)
        form.name.data, form.slug.data = defaults["name"], defaults["slug"]
        form.starts_at.data = defaults["starts_at"].replace(tzinfo=None)
    if form.validate_on_submit():
        data = {
            "name": form.name.data,
            "slug": form.slug.data,
            "starts_at": form.starts_at.data.replace(tzinfo=event.tz),
        }
        done, new = run_rule(
            lambda: services.copy_event(event, data, current_user),
            lambda new: _("%(name)s is created, unpublished.", name=new.name),
            form,
        )
        if done:
            return redirect(url_for("events.manage_edit", slug=new.slug))
    return render_template("manage/copy.html", event=event, form=form), (
        422 if form.errors else 200
    )
