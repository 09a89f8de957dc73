import logging

log = logging.getLogger(__name__)


def is_authorized(token, resource):
    try:
        claims = auth_client.verify(token)
        return resource in claims["scopes"]
    except AuthServiceUnavailable:
        log.warning("auth service down, letting request through")
        # ruleid: security-fail-open-python
        return True


def allow_request(client_id):
    try:
        return limiter.hit(client_id)
    except (RedisError, CircuitBreakerError):
        # ruleid: security-fail-open-python
        return Decision.ALLOW


async def check_rate_limit(key):
    try:
        return await limiter.test(key)
    except Exception as exc:
        log.error("limiter failed: %s", exc)
        # ruleid: security-fail-open-python
        return True


def is_authorized_closed(token, resource):
    try:
        claims = auth_client.verify(token)
        return resource in claims["scopes"]
    except AuthServiceUnavailable:
        log.warning("auth service down, denying")
        # ok: security-fail-open-python
        return False


def allow_request_closed(client_id):
    try:
        # ok: security-fail-open-python
        return True if limiter.hit(client_id) else False
    except RedisError:
        raise


def parse_port(value):
    try:
        int(value)
    except ValueError:
        # ok: security-fail-open-python
        return True
