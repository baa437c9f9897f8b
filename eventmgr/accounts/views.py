"""Log in, log out, change and reset a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from eventmgr.accounts import services
from eventmgr.accounts.forms import LoginForm, PasswordChangeForm, ResetForm, ResetRequestForm
from eventmgr.platform.access import login_required, public
from eventmgr.platform.extensions import limiter
from eventmgr.platform.web import run_rule

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the log-in page cannot be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("pages.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.log_out(current_user)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("pages.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        changed, _done = run_rule(
            lambda: services.change_password(
                current_user, form.current_password.data, form.new_password.data
            ),
            _("Your password is changed."),
            form,
        )
        if changed:
            # every other session ended with the old password; this one goes on
            login_user(current_user._get_current_object())
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_reset_link(form.email.data)
        flash(_("If that address has an account, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        done, _result = run_rule(
            lambda: services.reset_password(user, form.new_password.data),
            _("Your password is set. You can log in now."),
            form,
        )
        if done:
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)
