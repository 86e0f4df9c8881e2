"""A per-key rate limit (users, chats) as a token bucket, kept in memory.

It has the shape of Telegram's own limits and of python-telegram-bot's AIORateLimiter
(a bucket of `limit` that refills over `window` seconds), so what it lets through is
sent at once instead of queueing behind Telegram's limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    """What a rate limit says of one event."""

    ALLOW = "allow"
    WARN = "warn"  # refused, and the key is owed a notice (the first refusal in a window)
    DROP = "drop"  # refused silently: the key was told within the window


@dataclass
class RateLimiter:
    """At most `limit` events at once per key, refilled at `limit` per `window` seconds;
    a refused key is warned at most once per `window` (a notice is a message too)."""

    limit: int
    window: float
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)  # tokens, time
    _warned: dict[int, float] = field(default_factory=dict)  # key → when it was last warned

    def _tokens(self, key: int, now: float) -> float:
        tokens, then = self._buckets.get(key, (float(self.limit), now))
        return min(float(self.limit), tokens + (now - then) * self.limit / self.window)

    def check(self, key: int, now: float | None = None) -> Verdict:
        """Allow the event, refuse it with a warning (the first refusal in `window`), or
        drop it."""
        now = time.monotonic() if now is None else now
        tokens = self._tokens(key, now)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return Verdict.ALLOW
        self._buckets[key] = (tokens, now)
        warned = self._warned.get(key)
        if warned is not None and now - warned < self.window:
            return Verdict.DROP
        self._warned[key] = now
        return Verdict.WARN

    def retry_after(self, key: int, now: float | None = None) -> int:
        """Whole seconds until `key` may act again."""
        now = time.monotonic() if now is None else now
        missing = 1 - self._tokens(key, now)
        return max(0, int(missing * self.window / self.limit + 0.999))

    def forget_idle(self, now: float | None = None) -> None:
        """Drop keys whose bucket has refilled, so memory stays flat."""
        now = time.monotonic() if now is None else now
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.limit]:
            del self._buckets[key]
        for key in [k for k, warned in self._warned.items() if now - warned >= self.window]:
            del self._warned[key]
