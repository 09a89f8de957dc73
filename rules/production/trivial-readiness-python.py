from fastapi import FastAPI, status
from flask import Flask, jsonify

app = Flask(__name__)
api = FastAPI()


# ruleid: production-trivial-readiness-python
@app.route("/ready")
def ready():
    return "ok"


# ruleid: production-trivial-readiness-python
@api.get("/readyz")
async def readyz():
    """Readiness probe."""
    return {"status": "ok"}


# ruleid: production-trivial-readiness-python
@app.route("/health/ready", methods=["GET"])
def health_ready():
    return jsonify(status="ready"), 200


# ruleid: production-trivial-readiness-python
@api.get("/readiness", status_code=status.HTTP_200_OK)
def readiness():
    return {"ready": True}


# a liveness endpoint is rightly trivial
# ok: production-trivial-readiness-python
@app.route("/healthz")
def healthz():
    return "ok"


# ok: production-trivial-readiness-python
@app.route("/ready")
def ready_checked():
    if not db.ping():
        return "db down", 503
    return "ok"


# ok: production-trivial-readiness-python
@api.get("/readyz")
async def readyz_checked():
    return {"ready": await pool.ready()}


# ok: production-trivial-readiness-python
@api.get("/readyz")
async def readyz_state():
    return {"ready": STATE.warmed_up}
