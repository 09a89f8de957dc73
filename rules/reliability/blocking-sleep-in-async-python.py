import asyncio
import time
from time import sleep


async def fetch_with_retry(client, url):
    for attempt in range(5):
        try:
            return await client.get(url)
        except ConnectionError:
            # ruleid: reliability-blocking-sleep-in-async-python
            time.sleep(2 ** attempt)
    raise RuntimeError("gave up")


async def warmup():
    # ruleid: reliability-blocking-sleep-in-async-python
    sleep(1)


async def fetch_ok(client, url):
    for attempt in range(5):
        try:
            return await client.get(url)
        except ConnectionError:
            # ok: reliability-blocking-sleep-in-async-python
            await asyncio.sleep(2 ** attempt)


async def in_thread():
    def blocking():
        # ok: reliability-blocking-sleep-in-async-python
        time.sleep(1)

    await asyncio.to_thread(blocking)


def sync_retry():
    # ok: reliability-blocking-sleep-in-async-python
    time.sleep(1)


async def mixed():
    def helper():
        # ok: reliability-blocking-sleep-in-async-python
        time.sleep(1)

    # known gap: a coroutine that also defines a plain helper is skipped
    # todoruleid: reliability-blocking-sleep-in-async-python
    time.sleep(1)
    await asyncio.to_thread(helper)
