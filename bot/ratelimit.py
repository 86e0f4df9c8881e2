"""A per-key sliding-window rate limit (users, chats), kept in memory."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """At most `limit` events per `window` seconds for each key."""

    limit: int
    window: float
    _events: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)

    def check(self, key: int, now: float | None = None) -> str:
        """'allow' the event, 'warn' (the first refusal in a window) or 'drop' it."""
        now = time.monotonic() if now is None else now
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._warned.discard(key)
            return "allow"
        if key in self._warned:
            return "drop"
        self._warned.add(key)
        return "warn"

    def retry_after(self, key: int, now: float | None = None) -> int:
        """Whole seconds until `key` may act again."""
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        if not events:
            return 0
        return max(1, int(events[0] + self.window - now + 0.999))

    def forget_idle(self, now: float | None = None) -> None:
        """Drop keys with no event in the window, so memory stays flat."""
        now = time.monotonic() if now is None else now
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]
            self._warned.discard(key)
