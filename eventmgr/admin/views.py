"""The administrator's pages: users with their roles, and the audit log (filter, export)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from eventmgr.accounts.models import User
from eventmgr.audit.services import EXPORT_COLUMNS, entries_query, export_rows
from eventmgr.events.models import Event
from eventmgr.platform.access import roles_required
from eventmgr.platform.csvfile import csv_response
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role, role_label
from eventmgr.platform.web import int_arg, page_arg

bp = Blueprint("admin", __name__)
bp.add_app_template_global(role_label, "role_label")
PAGE_SIZE = 50


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    people = db.session.scalars(select(User).order_by(User.email)).all()
    events = {e.id: e for e in db.session.scalars(select(Event))}
    return render_template("admin/users.html", users=people, events=events)


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
