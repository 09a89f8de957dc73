import json
import logging

log = logging.getLogger(__name__)


def handle(event, sink):
    # ruleid: production-swallowed-error-python
    try:
        sink.write(event)
    except:
        pass

    # ruleid: production-swallowed-error-python
    try:
        sink.flush()
    except Exception:
        pass

    # ruleid: production-swallowed-error-python
    try:
        sink.ack(event)
    except Exception as exc:
        ...

    for e in event.children:
        # ruleid: production-swallowed-error-python
        try:
            sink.write(e)
        except (ValueError, Exception):
            continue


def handle_ok(event, sink):
    # ok: production-swallowed-error-python
    try:
        sink.write(event)
    except Exception:
        log.exception("write failed")
        raise

    # ok: production-swallowed-error-python
    try:
        payload = json.loads(event.body)
    except json.JSONDecodeError:
        pass

    # ok: production-swallowed-error-python
    try:
        import ujson as fastjson
    except ImportError:
        pass

    # ok: production-swallowed-error-python
    try:
        sink.write(event)
    except Exception:
        log.warning("write failed, dropping event %s", event.id)


class Conn:
    def __del__(self):
        # ok: production-swallowed-error-python
        try:
            self.close()
        except Exception:
            pass

    def close(self):
        # ok: production-swallowed-error-python
        try:
            self.sock.close()
        except Exception:
            pass


# urllib3 util/connection.py: an IPv6 capability probe; the exception is the answer
def _has_ipv6(host):
    sock = None
    has_ipv6 = False
    # ok: production-swallowed-error-python
    try:
        sock = socket.socket(socket.AF_INET6)
        sock.bind((host, 0))
        has_ipv6 = True
    except Exception:
        pass
    return has_ipv6


# urllib3 dummyserver/socketserver.py: the same probe, nested, the flag set by a call
def _has_ipv6_and_dns(host):
    sock = None
    has_ipv6 = False
    if socket.has_ipv6:
        # ok: production-swallowed-error-python
        try:
            sock = socket.socket(socket.AF_INET6)
            sock.bind((host, 0))
            has_ipv6 = _resolves_to_ipv6("localhost")
        except Exception:
            pass
    return has_ipv6


# a flag set by the try but never given a "no" answer first is not a probe
def _refresh(cache):
    # ruleid: production-swallowed-error-python
    try:
        cache.data = fetch()
    except Exception:
        pass


# aiohttp worker.py: the whole serving loop's crash disappears
async def _run(self, server):
    # ruleid: production-swallowed-error-python
    try:
        while self.alive:
            self.notify()
            await asyncio.sleep(1.0)
    except Exception:
        pass
