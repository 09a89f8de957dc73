import asyncio
import random
import time


def fetch(client, url):
    for attempt in range(5):
        try:
            return client.get(url)
        except ConnectionError:
            # ruleid: reliability-retry-fixed-sleep-python
            time.sleep(2)
    raise RuntimeError("gave up")


async def afetch(client, url):
    for attempt in range(5):
        try:
            return await client.get(url)
        except (ConnectionError, TimeoutError) as exc:
            log.info("retrying after %s", exc)
            # ruleid: reliability-retry-fixed-sleep-python
            await asyncio.sleep(0.5)
    raise RuntimeError("gave up")


def fetch_backoff(client, url):
    for attempt in range(5):
        try:
            return client.get(url)
        except ConnectionError:
            # ok: reliability-retry-fixed-sleep-python
            time.sleep(min(30, 2 ** attempt) * random.random())
    raise RuntimeError("gave up")


def poll(client):
    while True:
        try:
            client.tick()
        except ValueError:
            log.exception("bad tick")
        # a polling interval, not a retry delay
        # ok: reliability-retry-fixed-sleep-python
        time.sleep(5)


def once(client):
    try:
        return client.get()
    except ConnectionError:
        # ok: reliability-retry-fixed-sleep-python
        time.sleep(1)
        raise
