"""The one networking blueprint; views.py and admin_views.py add their routes to it."""

from flask import Blueprint

bp = Blueprint("networking", __name__)
