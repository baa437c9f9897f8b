"""The administrator's pages: users with their roles and API tokens (deactivate, reactivate,
remove a role, revoke a token), and the audit log (filter, export)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from eventmgr.accounts import services as accounts
from eventmgr.accounts.models import ApiToken, User
from eventmgr.audit.services import EXPORT_COLUMNS, entries_query, export_rows
from eventmgr.events.models import Event
from eventmgr.platform.access import roles_required
from eventmgr.platform.csvfile import csv_response
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role, role_label
from eventmgr.platform.web import int_arg, page_arg, run_rule

bp = Blueprint("admin", __name__)
bp.add_app_template_global(role_label, "role_label")
PAGE_SIZE = 50


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    people = db.session.scalars(select(User).order_by(User.email)).all()
    events = {e.id: e for e in db.session.scalars(select(Event))}
    tokens = dict(
        db.session.execute(select(ApiToken.user_id, func.count()).group_by(ApiToken.user_id)).all()
    )
    return render_template("admin/users.html", users=people, events=events, tokens=tokens)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>")
@roles_required(Role.ADMIN)
def user(user_id: int):
    person = _user_or_404(user_id)
    return render_template("admin/user.html", user=person, tokens=accounts.tokens_of(person))


def _act(user_id: int, action: Callable[[User], object], done: str):
    """Run an administrator's action on a user, then show the user's page again."""
    person = _user_or_404(user_id)
    run_rule(lambda: action(person), done)
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    return _act(
        user_id,
        lambda u: accounts.deactivate(u, acting=current_user),
        _("The account is deactivated: its sessions ended and its API tokens are revoked."),
    )


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    return _act(user_id, accounts.reactivate, _("The account is active again."))


@bp.route("/admin/users/<int:user_id>/roles/<int:role_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_role(user_id: int, role_id: int):
    return _act(user_id, lambda u: accounts.remove_role(u, role_id), _("The role is removed."))


@bp.route("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_token(user_id: int, token_id: int):
    return _act(
        user_id, lambda u: accounts.revoke_token(u, token_id), _("The API token is revoked.")
    )


def _filters() -> dict:
    return {
        "event_id": int_arg("event") or None,
        "action": request.args.get("action", "").strip(),
        "actor": request.args.get("actor", "").strip(),
    }


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def audit():
    filters = _filters()
    page = page_arg()
    query = entries_query(**filters)
    entries = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    return render_template(
        "admin/audit.html",
        entries=entries,
        events=events,
        filters=filters,
        page=page,
        total=total,
        page_size=PAGE_SIZE,
    )


@bp.route("/admin/audit.csv")
@roles_required(Role.ADMIN)
def audit_export():
    return csv_response("audit-log.csv", EXPORT_COLUMNS, export_rows(entries_query(**_filters())))
