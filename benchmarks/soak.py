"""Soak: the real bot against a faulty fake Bot API for many updates, every update
accounted for (tests/auxil/soak.py says how); exit status 1 on any problem.

Usage: python -m benchmarks.soak [--updates 10000] [--users 500] [--rate 25]
"""

from __future__ import annotations

import argparse
import sys

from tests.auxil.fake_bot_api import Chaos
from tests.auxil.soak import soak


def main() -> int:
    """Run the soak and print the report. (Long on purpose: its options, one after
    another, as --help shows them.)"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument(
        "--rate",
        type=float,
        default=25.0,
        help="updates per second (Telegram lets a bot send about 30 messages a second)",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.02,
        help="odds of a 500, of a slow answer, and (half) of a dropped call",
    )
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=0.005,
        help="odds of a 429 (each one pauses all of the bot's sends)",
    )
    parser.add_argument(
        "--after-rate",
        type=float,
        default=0.01,
        help="odds of a fault after delivery (half dropped connections, half 500s)",
    )
    parser.add_argument(
        "--heavy-share",
        type=float,
        default=0.1,
        help="share of the updates sent by one user, past USER_RATE_LIMIT and INLINE_RATE_LIMIT",
    )
    args = parser.parse_args()
    odds = args.fault_rate
    chaos = Chaos(
        too_many=args.flood_rate,
        server_error=odds,
        slow=odds,
        dropped=odds / 2,
        dropped_after=args.after_rate / 2,
        server_error_after=args.after_rate / 2,
    )
    report = soak(args.updates, args.users, args.rate, chaos, heavy_share=args.heavy_share)
    print("\n".join(report.lines()))
    for problem in report.problems[:30]:
        print("PROBLEM", problem)
    if len(report.problems) > 30:
        print(f"PROBLEM … and {len(report.problems) - 30} more")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
