"""Authorisation for gateway requests."""

import logging

from .auth_client import AuthServiceUnavailable, auth_client

log = logging.getLogger(__name__)


def is_authorized(token: str, resource: str) -> bool:
    try:
        claims = auth_client.verify(token)
        return resource in claims["scopes"]
    except AuthServiceUnavailable:
        # Don't take the whole site down when auth has a blip.
        log.warning("auth service down, letting the request through")
        return True
