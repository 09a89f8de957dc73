"""Liveness: the process is up. It must not depend on downstream services."""

from flask import Flask

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return "ok"
