"""Progress and results of background jobs, for the user who started them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_login import current_user

from eventmgr.jobs.models import DONE
from eventmgr.jobs.services import job_for
from eventmgr.platform.access import login_required

bp = Blueprint("jobs", __name__)


def _job(job_id: int):
    job = job_for(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@login_required
def show(job_id: int):
    return render_template("jobs/show.html", job=_job(job_id))


@bp.route("/jobs/<int:job_id>.json")
@login_required
def status(job_id: int):
    return jsonify(_job(job_id).as_json())


@bp.route("/jobs/<int:job_id>/result")
@login_required
def result(job_id: int):
    job = _job(job_id)
    if job.status != DONE or job.result is None:
        abort(404)
    return Response(
        job.result,
        mimetype=job.result_type,
        headers={"Content-Disposition": f'attachment; filename="{job.result_name}"'},
    )
