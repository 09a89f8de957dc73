import backoff
import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt


# ruleid: reliability-retry-all-exceptions-python
@retry(stop=stop_after_attempt(3), retry=retry_if_exception_type(Exception))
def fetch(url):
    return requests.get(url, timeout=5)


# ruleid: reliability-retry-all-exceptions-python
@backoff.on_exception(backoff.expo, Exception, max_tries=3)
def fetch2(url):
    return requests.get(url, timeout=5)


# ok: reliability-retry-all-exceptions-python
@retry(stop=stop_after_attempt(3), retry=retry_if_exception_type((ConnectionError, TimeoutError)))
def fetch3(url):
    return requests.get(url, timeout=5)


# ok: reliability-retry-all-exceptions-python
@backoff.on_exception(backoff.expo, requests.ConnectionError, max_tries=3)
def fetch4(url):
    return requests.get(url, timeout=5)
