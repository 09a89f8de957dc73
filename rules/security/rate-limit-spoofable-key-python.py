from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from slowapi import Limiter as SlowLimiter
from slowapi.util import get_ipaddr

app = Flask(__name__)


def client_ip():
    # ruleid: security-rate-limit-spoofable-key-python
    return request.headers.get("X-Forwarded-For", request.remote_addr).split(",")[0]


limiter = Limiter(key_func=client_ip, app=app, default_limits=["100/minute"])

# ruleid: security-rate-limit-spoofable-key-python
slow = SlowLimiter(key_func=get_ipaddr)

# ruleid: security-rate-limit-spoofable-key-python
login_limiter = Limiter(app=app, key_func=lambda: request.headers["X-Real-IP"])


def real_ip_key():
    # ruleid: security-rate-limit-spoofable-key-python
    return request.environ.get("HTTP_X_FORWARDED_FOR") or request.remote_addr


@app.route("/login", methods=["POST"])
@limiter.limit("5/minute", key_func=real_ip_key)
def login():
    return "ok"


# ok: security-rate-limit-spoofable-key-python
safe = Limiter(key_func=get_remote_address, app=app)


def user_key():
    # ok: security-rate-limit-spoofable-key-python
    return request.headers.get("X-User-Id-Verified-By-Gateway") or get_remote_address()


safe2 = Limiter(key_func=user_key, app=app)


def log_origin():
    # not a limiter key: only logged
    # ok: security-rate-limit-spoofable-key-python
    app.logger.info("origin %s", request.headers.get("X-Forwarded-For"))


# flask-limiter before 514fe06 (issue #41): the key helper trusted the client's own
# X-Forwarded-For chain
def get_ipaddr():
    if request.access_route:
        # ruleid: security-rate-limit-spoofable-key-python
        return request.access_route[0]
    else:
        return request.remote_addr or "127.0.0.1"


def get_remote_address():
    # ok: security-rate-limit-spoofable-key-python
    return request.remote_addr or "127.0.0.1"


def describe_request_for_logs():
    # ok: security-rate-limit-spoofable-key-python
    return request.headers.get("X-Forwarded-For", "")
