"""The sliding-window limit: allow, warn once, drop, recover, forget."""

from __future__ import annotations

from bot.ratelimit import RateLimiter


def test_allow_then_warn_once_then_drop_then_recover() -> None:
    limiter = RateLimiter(limit=2, window=60.0)
    assert [limiter.check(1, now=t) for t in (0, 1, 2, 3)] == ["allow", "allow", "warn", "drop"]
    assert limiter.retry_after(1, now=3) == 57
    assert limiter.check(2, now=3) == "allow"  # other keys are not affected
    assert limiter.check(1, now=60.5) == "allow"  # the first event left the window
    assert limiter.check(1, now=61.5) == "allow"
    assert limiter.check(1, now=61.6) == "warn"  # a new window warns again


def test_idle_keys_are_forgotten() -> None:
    limiter = RateLimiter(limit=5, window=10.0)
    for key in range(1000):
        limiter.check(key, now=0)
    limiter.forget_idle(now=11)
    assert limiter._events == {}
