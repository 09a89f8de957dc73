"""Per-client rate limits for the public API."""

from flask import Flask, request
from flask_limiter import Limiter

app = Flask(__name__)


def client_key() -> str:
    # Behind the load balancer remote_addr is the balancer, so use the forwarded address.
    return request.headers.get("X-Forwarded-For", request.remote_addr).split(",")[0].strip()


limiter = Limiter(key_func=client_key, app=app, default_limits=["100/minute"])
