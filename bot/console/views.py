"""Console routes (read-only on the store)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from bot.store.org_repo import read_organisation

console = Blueprint("console", __name__, template_folder="templates")


@console.get("/")
def index():
    """The organisation and where everything runs."""
    database = current_app.extensions["yuqing.database"]
    with database.session() as session:
        organisation = read_organisation(session)
    info = current_app.extensions.get("yuqing.demo", {})
    return render_template("console_index.html", org=organisation, info=info)
