"""The administrator's view of the audit log, filterable and exportable."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from eventmgr.access import roles_required
from eventmgr.audit.services import EXPORT_COLUMNS, entries_query, export_rows
from eventmgr.core.csvfile import csv_response
from eventmgr.db import db
from eventmgr.events.models import Event
from eventmgr.roles import Role

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50


def _filters() -> dict:
    return {
        "event_id": request.args.get("event", type=int),
        "action": request.args.get("action", "").strip(),
        "actor": request.args.get("actor", "").strip(),
    }


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def index():
    filters = _filters()
    page = max(request.args.get("page", 1, type=int), 1)
    query = entries_query(**filters)
    entries = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    return render_template(
        "audit/index.html",
        entries=entries,
        events=events,
        filters=filters,
        page=page,
        total=total,
        page_size=PAGE_SIZE,
    )


@bp.route("/admin/audit.csv")
@roles_required(Role.ADMIN)
def export():
    return csv_response("audit-log.csv", EXPORT_COLUMNS, export_rows(entries_query(**_filters())))
