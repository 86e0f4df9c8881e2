"""Helpers the tests share (and the benchmarks may import): the fake Bot API, the Telegram
harness, the phone-screen measure, PDF and web-page makers, the offline guard."""
