import time
import logging

import requests


def fetch_forever(url):
    # ruleid: reliability-unbounded-retry-loop-python
    while True:
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            log.warning("fetch failed, retrying")
            time.sleep(1)


def connect_forever(pool):
    # ruleid: reliability-unbounded-retry-loop-python
    while True:
        try:
            conn = pool.connect()
            break
        except ConnectionError as exc:
            log.info("retrying: %s", exc)
            continue
    return conn


def publish_forever(bus, msg):
    # ruleid: reliability-unbounded-retry-loop-python
    while True:
        try:
            bus.publish(msg)
        except Exception:
            time.sleep(2)
        else:
            break


def fetch_with_budget(url, max_attempts=5):
    attempt = 0
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            attempt += 1
            if attempt >= max_attempts:
                raise
            time.sleep(2 ** attempt)


def fetch_with_deadline(url, deadline):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("gave up on %s" % url)
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            time.sleep(1)


def fetch_bounded_for(url):
    # ok: reliability-unbounded-retry-loop-python
    for attempt in range(5):
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            time.sleep(2 ** attempt)
    raise RuntimeError("gave up")


def serve(sock):
    # a server loop is meant to run forever: it does not end on success
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            conn, _ = sock.accept()
            handle(conn)
        except OSError:
            log.exception("accept failed")


def fetch_until_stopped(url, stop_event):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            if stop_event.is_set():
                return None
            time.sleep(1)


def poll_forever(client):
    # ruleid: reliability-unbounded-retry-loop-python
    while 1:
        try:
            return client.poll()
        except (TimeoutError, ConnectionError) as exc:
            log.debug("poll failed: %s", exc)


def poll_bare(client):
    # ruleid: reliability-unbounded-retry-loop-python
    while True:
        try:
            return client.poll()
        except:
            pass


def poll_budget_as(client, attempts=3):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return client.poll()
        except (TimeoutError, ConnectionError) as exc:
            attempts -= 1
            if not attempts:
                raise RuntimeError("poll failed") from exc


# backoff/_sync.py (litl/backoff): the failure path re-raises once the attempt
# budget, the deadline or the give-up predicate says so
def retry_like_backoff(target, exception, giveup, max_tries_, max_time_, wait):
    tries = 0
    start = time.monotonic()
    # ok: reliability-unbounded-retry-loop-python
    while True:
        tries += 1
        elapsed = time.monotonic() - start
        try:
            ret = target()
        except exception as e:
            max_tries_exceeded = tries == max_tries_
            max_time_exceeded = max_time_ is not None and elapsed >= max_time_
            if giveup(e) or max_tries_exceeded or max_time_exceeded:
                raise
            time.sleep(next(wait))
        else:
            return ret


# a backoff policy's stop sentinel ends the loop
def retry_until_policy_stops(call, policy):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return call()
        except ConnectionError as exc:
            delay = policy.next_delay()
            if delay is None:
                raise RuntimeError("gave up") from exc
            time.sleep(delay)


# stanford-corenlp before PR #46: waited forever for a server that never came up
def wait_for_server(sock, host_name, port):
    # ruleid: reliability-unbounded-retry-loop-python
    while sock.connect_ex((host_name, port)):
        logging.info("Waiting until the server is available.")
        time.sleep(1)


# the fix: a bounded wait
def wait_for_server_bounded(sock, host_name, port, max_retries=5):
    trial = 1
    # ok: reliability-unbounded-retry-loop-python
    while sock.connect_ex((host_name, port)):
        if trial > max_retries:
            raise ValueError("server is not available")
        trial += 1
        time.sleep(1)


# metaflow-service before 01e89fa (issue #26): the inner loop never advances `i`,
# so `retries - i < 1` never becomes true and the connect is retried forever
async def init_pool(self, dsn, retries=3):
    for i in range(retries):
        # ruleid: reliability-unbounded-retry-loop-python
        while True:
            try:
                self.pool = await aiopg.create_pool(dsn)
            except Exception as e:
                if retries - i < 1:
                    raise e
                time.sleep(1)
                continue
            break


async def init_pool_counted(self, dsn, retries=3):
    attempt = 0
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            self.pool = await aiopg.create_pool(dsn)
        except Exception as e:
            attempt += 1
            if attempt == retries:
                raise e
            time.sleep(1)
            continue
        break


# the give-up test sits in an elif, or under a with block
def retry_until_deadline_elif(call, deadline):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return call()
        except OSError as e:
            if isinstance(e, PermissionError):
                time.sleep(1)
            elif time.monotonic() > deadline:
                raise
            time.sleep(1)


def retry_until_stopped(call, stop, lock):
    # ok: reliability-unbounded-retry-loop-python
    while True:
        try:
            return call()
        except OSError:
            with lock:
                if stop.is_set():
                    raise
            time.sleep(1)
