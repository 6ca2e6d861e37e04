"""The PDF transformation plan: document, safe rendering (pdf.py), storage, the download route.

Print assets (stylesheet, fonts, glossary) live in the top-level reports/ folder; the Jinja
templates live here, in templates/reports/, so `flask translate extract` finds their strings.
The views are imported by `init_app`, not here: the render process imports this package
(for pdf.py) and should not load the web app with it.
"""
from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/assessments", template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the route; job processes import the renderer once (forkserver preload)."""
    from maturity import jobs
    from maturity.reports import views  # noqa: F401  (the routes, on bp)

    jobs.preload("maturity.reports.prewarm")
    app.register_blueprint(bp)
