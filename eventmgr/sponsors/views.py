"""The organiser's sponsor pages, and the logos the public pages show."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventmgr.events.web import event_or_404
from eventmgr.platform.access import public, roles_required
from eventmgr.platform.forms import ActionForm
from eventmgr.platform.roles import Role
from eventmgr.platform.web import run_rule
from eventmgr.sponsors import logos, services
from eventmgr.sponsors.forms import SponsorForm
from eventmgr.sponsors.models import LEVEL_NAMES

bp = Blueprint("sponsors", __name__)


@bp.route("/events/<slug>/sponsors/<int:sponsor_id>/logo.png")
@public
def logo(slug: str, sponsor_id: int):
    """A sponsor's logo, re-encoded at upload; `?size=small` for pages."""
    event = event_or_404(slug)
    try:
        sponsor = services.sponsor_of(event, sponsor_id)
    except services.SponsorError:
        abort(404)
    if not sponsor.has_logo:
        abort(404)
    data = sponsor.logo_small if request.args.get("size") == "small" else sponsor.logo
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/manage/events/<slug>/sponsors")
@roles_required(Role.ORGANISER)
def manage(slug: str):
    event = event_or_404(slug)
    return render_template(
        "sponsors/manage.html",
        event=event,
        sponsors=services.sponsors_of(event),
        level_names=LEVEL_NAMES,
        action_form=ActionForm(),
    )


def _form_page(event, sponsor):
    form = SponsorForm(obj=sponsor) if sponsor else SponsorForm()
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read(logos.MAX_BYTES + 1) if getattr(upload, "filename", "") else None
        saved, _sponsor = run_rule(
            lambda: services.save_sponsor(
                event, form.sponsor_data(), sponsor, logo=logo, remove_logo=form.remove_logo.data
            ),
            lambda saved: _("%(name)s is saved.", name=saved.name),
            form,
        )
        if saved:
            return redirect(url_for("sponsors.manage", slug=event.slug))
    page = render_template("sponsors/form.html", event=event, form=form, sponsor=sponsor)
    return page, (422 if form.is_submitted() else 200)


@bp.route("/manage/events/<slug>/sponsors/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new(slug: str):
    return _form_page(event_or_404(slug), None)


@bp.route("/manage/events/<slug>/sponsors/<int:sponsor_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def edit(slug: str, sponsor_id: int):
    event = event_or_404(slug)
    try:
        sponsor = services.sponsor_of(event, sponsor_id)
    except services.SponsorError:
        abort(404)
    return _form_page(event, sponsor)


@bp.route("/manage/events/<slug>/sponsors/<int:sponsor_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def delete(slug: str, sponsor_id: int):
    event = event_or_404(slug)
    try:
        sponsor = services.sponsor_of(event, sponsor_id)
    except services.SponsorError:
        abort(404)
    if ActionForm().validate_on_submit():
        name = sponsor.name
        run_rule(lambda: services.delete_sponsor(sponsor), _("%(name)s is removed.", name=name))
    return redirect(url_for("sponsors.manage", slug=slug))


# ---------------------------------------------------------------- for other domains' templates


@bp.app_template_global()
def sponsors_beside_stream(event) -> list:
    """The sponsors the organiser shows beside the stream link (the registrant's page)."""
    return services.sponsors_of(event, "stream")
