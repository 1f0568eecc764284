"""The Redis of ``--redis`` (``nianbao crawl``, ``store``, ``nightly``): checked once before
anything starts, and shown in messages without its password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit


class RedisUnavailable(Exception):
    """The Redis of ``--redis`` cannot be reached: the one-line message."""


def shown(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_redis(url: str) -> Any:
    """A client of the Redis at ``url``, pinged; ValueError for a URL that is none,
    RedisUnavailable when the server does not answer."""
    import redis

    try:
        server = redis.Redis.from_url(url)
    except ValueError as exc:
        raise ValueError(f"--redis {shown(url)}: not a Redis URL ({exc})") from None
    try:
        server.ping()
    except redis.RedisError as exc:
        reason = str(exc).rstrip(".")
        raise RedisUnavailable(f"cannot reach Redis at {shown(url)}: {reason}") from None
    return server
