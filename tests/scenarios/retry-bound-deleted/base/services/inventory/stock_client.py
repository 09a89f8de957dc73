"""Reads stock levels from the warehouse API."""

import logging
import random
import time

import requests

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def stock_level(base_url: str, sku: str) -> int:
    attempt = 0
    while True:
        try:
            resp = requests.get(f"{base_url}/stock/{sku}", timeout=3)
            resp.raise_for_status()
            return int(resp.json()["level"])
        except requests.RequestException as exc:
            attempt += 1
            if attempt >= MAX_ATTEMPTS:
                raise
            log.warning("stock lookup for %s failed, retrying: %s", sku, exc)
            time.sleep(min(2 ** attempt, 20) * random.uniform(0.5, 1.0))
