"""Order event handler."""

import logging

log = logging.getLogger(__name__)


def handle_order_created(event: dict, store, notifier) -> None:
    store.save_order(event["order"])
    try:
        notifier.send_confirmation(event["order"]["email"])
    except Exception:
        pass
