"""Reads stock levels from the warehouse API."""

import logging
import random
import time

import requests

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BASE_DELAY = 0.2
MAX_DELAY = 10.0


def stock_level(base_url: str, sku: str) -> int:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = requests.get(f"{base_url}/stock/{sku}", timeout=3)
            resp.raise_for_status()
            return int(resp.json()["level"])
        except (requests.ConnectionError, requests.Timeout) as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            delay = random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2 ** attempt))
            log.warning("stock lookup for %s failed (attempt %d), retrying in %.2fs: %s",
                        sku, attempt, delay, exc)
            time.sleep(delay)
    raise AssertionError("unreachable")
