"""Entry point for `flask --app app ...` and `gunicorn app:app`."""

from eventmgr.app import create_app

app = create_app()
