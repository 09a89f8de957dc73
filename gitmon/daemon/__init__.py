"""`gitmon watch`: the local daemon.

watcher (inotify events, no watch in an ignored tree) -> debounce (a burst is one batch)
-> loop (decide what to review) -> runner (one review, behind the engine breaker and
git retries) -> records + notify lines; lock (one per repo) and heartbeat (daemon.json).
"""
