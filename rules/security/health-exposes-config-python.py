import os

from fastapi import FastAPI
from flask import Flask, current_app, jsonify

app = Flask(__name__)
api = FastAPI()


@app.route("/healthz")
def healthz():
    # ruleid: security-health-exposes-config-python
    return jsonify(status="ok", env=dict(os.environ))


@app.route("/status")
def status():
    # ruleid: security-health-exposes-config-python
    return jsonify(current_app.config)


@api.get("/debug/info")
def info():
    # ruleid: security-health-exposes-config-python
    return {"settings": settings.dict(), "version": VERSION}


@app.route("/healthz")
def healthz_ok():
    # ok: security-health-exposes-config-python
    return jsonify(status="ok", region=os.environ.get("REGION"), version=app.config["VERSION"])


@app.route("/orders")
def orders():
    # ok: security-health-exposes-config-python
    return jsonify(debug_env=dict(os.environ))
