"""Health endpoints: liveness says the process runs, readiness that it can serve."""

from flask import Flask, jsonify

from .db import engine

app = Flask(__name__)


@app.route("/ready")
def ready():
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # any failure means: do not route traffic here yet
        return jsonify(status="unavailable", reason=type(exc).__name__), 503
    return jsonify(status="ready")
