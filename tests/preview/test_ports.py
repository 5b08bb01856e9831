"""Ports for the apps and the emulator: free, and out of the range the kernel gives outgoing connections."""

from __future__ import annotations

import socket

from certifier.collect.preview import ports


def test_a_free_port_is_bindable_and_outside_the_ephemeral_range():
    low, high = ports._ephemeral_range()
    for _ in range(20):
        port = ports.free_port()
        assert port in ports.LISTEN_PORTS and not low <= port <= high
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.bind(("127.0.0.1", port))


def test_a_taken_port_is_never_handed_out(monkeypatch):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        assert not ports._bindable(busy)
        monkeypatch.setattr(ports, "LISTEN_PORTS", range(busy, busy + 1))
        monkeypatch.setattr(ports, "_ephemeral_range", lambda: (1, 2))
        assert ports.free_port() != busy  # every pick was taken: the OS chooses one that is free


def test_an_unreadable_port_range_falls_back_to_linux_defaults(monkeypatch, tmp_path):
    monkeypatch.setattr(ports, "_EPHEMERAL_RANGE", tmp_path / "absent")
    assert ports._ephemeral_range() == (32768, 60999)
