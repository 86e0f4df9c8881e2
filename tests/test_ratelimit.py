"""The token-bucket limit: allow, warn at most once a window, drop, refill, forget."""

from __future__ import annotations

from bot.ratelimit import RateLimiter, Verdict

ALLOW, WARN, DROP = Verdict.ALLOW, Verdict.WARN, Verdict.DROP


def test_allow_then_warn_then_drop_then_refill() -> None:
    limiter = RateLimiter(limit=2, window=60.0)  # 2 at once, one more every 30 s
    assert [limiter.check(1, now=t) for t in (0, 1, 2, 3)] == [ALLOW, ALLOW, WARN, DROP]
    assert limiter.retry_after(1, now=3) == 27
    assert limiter.check(2, now=3) is ALLOW  # other keys are not affected
    assert limiter.check(1, now=31) is ALLOW  # one token came back
    assert limiter.check(1, now=32) is DROP  # warned 30 s ago: no second notice yet
    assert limiter.check(1, now=62) is ALLOW
    assert limiter.check(1, now=63) is WARN  # a window after the last notice
    assert limiter.check(1, now=183) is ALLOW and limiter.check(1, now=183) is ALLOW


def test_a_steady_stream_over_the_limit_gets_one_notice_a_window() -> None:
    limiter = RateLimiter(limit=15, window=60.0)
    verdicts = [limiter.check(1, now=t) for t in range(600)]  # one a second for 10 minutes
    assert verdicts.count(WARN) == 10
    assert verdicts.count(ALLOW) == 15 + 599 * 15 // 60  # the burst, then the refill
    for minute in range(1, 10):  # past the burst, each minute sends at most 15 + 1 notice
        sent = verdicts[minute * 60 : (minute + 1) * 60]
        assert sent.count(ALLOW) + sent.count(WARN) <= 16


def test_idle_keys_are_forgotten() -> None:
    limiter = RateLimiter(limit=5, window=10.0)
    for key in range(1000):
        limiter.check(key, now=0)
        limiter.check(key, now=0)  # warned
    limiter.forget_idle(now=11)
    assert limiter._buckets == {} and limiter._warned == {}
