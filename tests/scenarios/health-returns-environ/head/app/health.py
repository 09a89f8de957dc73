"""Health endpoints."""

import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    # Handy when debugging a pod: show what it was started with.
    return jsonify(status="ok", env=dict(os.environ))
