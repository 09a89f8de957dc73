import logging

log = logging.getLogger(__name__)
logger = logging.getLogger("svc")


def call_with_retry(api_token, password, client, request, headers):
    # ruleid: security-secret-logged-python
    log.debug("retrying with token %s", api_token)
    # ruleid: security-secret-logged-python
    logger.info("login failed for password %s", password)
    # ruleid: security-secret-logged-python
    logging.warning(f"retry {client.attempt} auth={client.api_key}")
    # ruleid: security-secret-logged-python
    print("token:", api_token)
    # ruleid: security-secret-logged-python
    logger.error("giving up, secret was %s" % client.client_secret)
    # ruleid: security-secret-logged-python
    self.log.warning("attempt %d failed, headers=%s", attempt, request.headers)
    # ruleid: security-secret-logged-python
    logger.debug("sending %s", headers)
    # ruleid: security-secret-logged-python
    log.info("auth: %s", request.headers["Authorization"])
    # ruleid: security-secret-logged-python
    log.info("auth: {}".format(client.accessToken))
    # ruleid: security-secret-logged-python
    raise AuthError(f"token {api_token} rejected after 3 retries")

    # ok: security-secret-logged-python
    log.debug("retrying with token of length %d", len(api_token))
    # ok: security-secret-logged-python
    log.debug("retrying with token %s", mask(api_token))
    # ok: security-secret-logged-python
    log.debug("retrying with token %s", redact(api_token))
    # ok: security-secret-logged-python
    log.debug("retrying with token ...%s", api_token[-4:])
    # ok: security-secret-logged-python
    log.info("token set: %s", api_token is not None)
    # ok: security-secret-logged-python
    log.info("token_expiry %s", client.token_expiry_seconds)
    # ok: security-secret-logged-python
    log.info("retrying %s", client.url)
    # ok: security-secret-logged-python
    log.info("used %d tokens", client.max_tokens)
    # ok: security-secret-logged-python
    log.info("content type %s", request.headers["Content-Type"])
    # ok: security-secret-logged-python
    raise AuthError("token rejected after 3 retries")
    # ok: security-secret-logged-python
    client.post(url, api_token)


def near_misses(resp, out, self):
    # ok: security-secret-logged-python
    raise ClientResponseError(self.request_info, status=401, headers=self.headers)
    # ok: security-secret-logged-python
    print(self.headers, file=out)
    # ok: security-secret-logged-python
    log.debug("response headers %s", resp.headers)


# aiohttp formdata.py: a multipart part's own headers in a TypeError for the caller
def serialize_part(value, headers):
    try:
        return payload.get_payload(value, headers=headers)
    except LookupError as exc:
        # ok: security-secret-logged-python
        raise TypeError("Can not serialize value type: %r\n headers: %r" % (type(value), headers)) from exc


# aiohttp examples/logging_middleware.py: every request header, Authorization included
async def log_request(request):
    # ruleid: security-secret-logged-python
    _LOGGER.debug("[REQUEST HEADERS] %s", request.headers)
