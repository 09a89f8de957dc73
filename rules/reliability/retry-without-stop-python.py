import backoff
import requests
import tenacity
from tenacity import Retrying, retry, stop_after_attempt, stop_after_delay, wait_exponential


# ruleid: reliability-retry-without-stop-python
@retry
def fetch(url):
    return requests.get(url, timeout=5)


# ruleid: reliability-retry-without-stop-python
@retry(wait=wait_exponential(multiplier=1, max=30))
def fetch_wait(url):
    return requests.get(url, timeout=5)


# ruleid: reliability-retry-without-stop-python
@tenacity.retry(reraise=True)
def fetch_reraise(url):
    return requests.get(url, timeout=5)


# ruleid: reliability-retry-without-stop-python
@backoff.on_exception(backoff.expo, requests.RequestException)
def fetch_backoff(url):
    return requests.get(url, timeout=5)


# ruleid: reliability-retry-without-stop-python
@backoff.on_predicate(backoff.fibo, lambda r: r is None, max_value=13)
def poll(url):
    return requests.get(url, timeout=5).json().get("result")


def fetch_loop(url):
    # ruleid: reliability-retry-without-stop-python
    for attempt in Retrying(wait=wait_exponential()):
        with attempt:
            return requests.get(url, timeout=5)


# ok: reliability-retry-without-stop-python
@retry(stop=stop_after_attempt(5), wait=wait_exponential(max=30))
def fetch_bounded(url):
    return requests.get(url, timeout=5)


# ok: reliability-retry-without-stop-python
@tenacity.retry(stop=(stop_after_attempt(5) | stop_after_delay(30)))
def fetch_bounded2(url):
    return requests.get(url, timeout=5)


# ok: reliability-retry-without-stop-python
@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=5)
def fetch_backoff_bounded(url):
    return requests.get(url, timeout=5)


# ok: reliability-retry-without-stop-python
@backoff.on_exception(backoff.expo, requests.RequestException, max_time=60)
def fetch_backoff_timed(url):
    return requests.get(url, timeout=5)


def fetch_loop_bounded(url):
    # ok: reliability-retry-without-stop-python
    for attempt in Retrying(stop=stop_after_attempt(3)):
        with attempt:
            return requests.get(url, timeout=5)


RETRY_POLICY = dict(stop=stop_after_attempt(3))


# ok: reliability-retry-without-stop-python
@retry(**RETRY_POLICY)
def fetch_policy(url):
    return requests.get(url, timeout=5)


def my_retry(func):
    # a function named retry that is not tenacity's
    return func


def other():
    from mylib import retry as local_retry

    # ok: reliability-retry-without-stop-python
    @local_retry
    def f():
        pass
