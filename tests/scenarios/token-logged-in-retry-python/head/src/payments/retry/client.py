"""Calls the payments API, retrying transient failures."""

import logging
import random
import time

import requests

log = logging.getLogger(__name__)


def charge(url: str, api_token: str, payload: dict, attempts: int = 4) -> dict:
    for attempt in range(1, attempts + 1):
        try:
            resp = requests.post(url, json=payload, timeout=5,
                                 headers={"Authorization": f"Bearer {api_token}"})
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException as exc:
            log.warning("charge failed (attempt %d) with token %s: %s", attempt, api_token, exc)
            if attempt == attempts:
                raise
            time.sleep(min(2 ** attempt, 30) * random.uniform(0.5, 1.0))
    raise RuntimeError("unreachable")
