"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""
from maturity import create_app

app = create_app()
