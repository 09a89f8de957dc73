"""Reads stock levels from the warehouse API."""

import logging
import time

import requests

log = logging.getLogger(__name__)


def stock_level(base_url: str, sku: str) -> int:
    while True:
        try:
            resp = requests.get(f"{base_url}/stock/{sku}", timeout=3)
            resp.raise_for_status()
            return int(resp.json()["level"])
        except requests.RequestException as exc:
            log.warning("stock lookup for %s failed, retrying: %s", sku, exc)
            time.sleep(1)
