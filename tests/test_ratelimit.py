"""The token-bucket limit: allow, warn once, drop, refill, forget."""

from __future__ import annotations

from bot.ratelimit import RateLimiter


def test_allow_then_warn_once_then_drop_then_refill() -> None:
    limiter = RateLimiter(limit=2, window=60.0)  # 2 at once, one more every 30 s
    assert [limiter.check(1, now=t) for t in (0, 1, 2, 3)] == ["allow", "allow", "warn", "drop"]
    assert limiter.retry_after(1, now=3) == 27
    assert limiter.check(2, now=3) == "allow"  # other keys are not affected
    assert limiter.check(1, now=31) == "allow"  # one token came back
    assert limiter.check(1, now=32) == "warn"  # a new run of refusals warns again
    assert limiter.check(1, now=92) == "allow" and limiter.check(1, now=92) == "allow"


def test_idle_keys_are_forgotten() -> None:
    limiter = RateLimiter(limit=5, window=10.0)
    for key in range(1000):
        limiter.check(key, now=0)
    limiter.forget_idle(now=11)
    assert limiter._buckets == {}
