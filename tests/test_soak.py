"""A short soak: a few hundred updates through the real bot while the fake Bot API fails."""

from __future__ import annotations

from pathlib import Path

from benchmarks.soak import soak
from tests.fake_bot_api import Chaos


def test_no_answer_is_lost_under_faults(tmp_path: Path) -> None:
    chaos = Chaos(too_many=0.03, server_error=0.03, slow=0.03, dropped=0.02, seed=5)
    report = soak(updates=240, users=40, rate=40, chaos=chaos, work=tmp_path)
    assert report.faults_injected >= 10  # the run did meet faults …
    assert report.lost == 0, report.lines()  # … and still answered every update
    assert report.apologies == 0
    assert report.responses + report.dropped_by_limits == report.updates
    assert report.rss_end_mb < report.rss_start_mb * 1.5
