"""Geocoding client with retries."""

import requests
from tenacity import retry, retry_if_exception_type, wait_random_exponential


@retry(
    wait=wait_random_exponential(multiplier=0.5, max=20),
    retry=retry_if_exception_type(requests.ConnectionError),
)
def geocode(address: str) -> dict:
    resp = requests.get("https://geo.internal/v1/geocode", params={"q": address}, timeout=5)
    resp.raise_for_status()
    return resp.json()
