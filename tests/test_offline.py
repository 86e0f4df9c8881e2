"""The offline guard every test runs under: nothing reaches beyond this machine."""

from __future__ import annotations

import asyncio
import socket
import urllib.error
import urllib.request

import httpx
import pytest

from tests.auxil.fake_bot_api import FakeBotAPI
from tests.auxil.offline import NetworkGuardError, is_local


def test_a_connection_beyond_this_machine_fails_at_once() -> None:
    with socket.socket() as sock, pytest.raises(NetworkGuardError, match=r"203\.0\.113\.9"):
        sock.connect(("203.0.113.9", 443))  # TEST-NET-3: would hang, not fail, if tried
    with socket.socket(socket.AF_INET6) as sock, pytest.raises(NetworkGuardError):
        sock.connect_ex(("2001:db8::1", 443))


def test_a_name_lookup_fails_before_any_packet() -> None:
    with pytest.raises(NetworkGuardError, match=r"api\.telegram\.org"):
        socket.getaddrinfo("api.telegram.org", 443)
    with pytest.raises(urllib.error.URLError, match="tests run offline"):
        urllib.request.urlopen("https://api.telegram.org/", timeout=5)


async def test_the_telegram_clients_http_library_is_stopped_too() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError, match="tests run offline"):
            await client.get("https://api.telegram.org/bot123:abc/getMe")
    loop = asyncio.get_running_loop()
    with pytest.raises(NetworkGuardError):
        await loop.getaddrinfo("example.org", 80)


async def test_this_machine_stays_reachable() -> None:
    with FakeBotAPI("1:a") as fake:
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"{fake.base_url}1:a/getMe")
    assert answer.json()["ok"] is True
    assert all(map(is_local, ["127.0.0.1", ("::1", 80), "localhost", ("127.0.0.2", 1)]))
    assert not any(map(is_local, ["10.0.0.1", ("8.8.8.8", 53), "example.org"]))
