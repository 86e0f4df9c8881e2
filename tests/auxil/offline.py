"""Tests run offline by construction: any connection, or name lookup, of anything but this
machine fails at once with `NetworkGuardError`, naming the address (as python-telegram-bot's
own test suite does with its OfflineRequest). Installed for every test by conftest.py; a bot
started as a subprocess is pointed at the fake Bot API by its settings instead."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", ""})


class NetworkGuardError(OSError):
    """A test tried to reach beyond this machine."""


def is_local(address: Any) -> bool:
    """Whether a socket address (or a host name) is this machine: a Unix socket path, a
    loopback address, or localhost."""
    if isinstance(address, (str, bytes)) and not _looks_like_ip(address):
        host = address.decode() if isinstance(address, bytes) else address
        return host.lower() in LOCAL_NAMES or host.startswith("/") or host.startswith("\0")
    host = address[0] if isinstance(address, tuple) else address
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _looks_like_ip(text: str | bytes) -> bool:
    try:
        ipaddress.ip_address(text.decode() if isinstance(text, bytes) else text)
    except ValueError:
        return False
    return True


@contextmanager
def offline() -> Iterator[None]:
    """Within this block, connecting or looking up anything but this machine raises."""
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family != socket.AF_UNIX and not is_local(address):
            raise NetworkGuardError(f"a test tried to connect to {address!r}; tests run offline")
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if self.family != socket.AF_UNIX and not is_local(address):
            raise NetworkGuardError(f"a test tried to connect to {address!r}; tests run offline")
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_local(host):
            raise NetworkGuardError(f"a test tried to look up {host!r}; tests run offline")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo
