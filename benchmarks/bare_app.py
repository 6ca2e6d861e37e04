"""The floor for page throughput: a bare Flask app answering a small HTML page."""
from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=es><title>hola</title><h1>Hola</h1></html>"


@app.get("/")
def hello() -> str:
    return PAGE
