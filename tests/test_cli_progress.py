"""The CLI's progress bar for long work: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io
import os
import pty
import sys

import pytest

from imvo.cli.base import progress_bar


def test_without_a_terminal_the_bar_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with progress_bar("matching rows") as progress:
        progress(1, 2)
        progress(2, 2)
    assert stderr.getvalue() == ""


def test_on_a_terminal_the_bar_shows_its_label_and_share(monkeypatch: pytest.MonkeyPatch) -> None:
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w", buffering=1)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("COLUMNS", "80")
    try:
        with progress_bar("settling pairs") as progress:
            progress(1, 4)
        terminal.flush()
        drawn = os.read(leader, 65536).decode(errors="replace")
    finally:
        terminal.close()
        os.close(leader)
    assert "settling pairs" in drawn
    assert "%" in drawn


def test_a_disabled_bar_draws_nothing_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w", buffering=1)
    monkeypatch.setattr(sys, "stderr", terminal)
    os.set_blocking(leader, False)
    try:
        with progress_bar("json output", enabled=False) as progress:
            progress(1, 1)
        terminal.flush()
        with pytest.raises(BlockingIOError):
            os.read(leader, 65536)
    finally:
        terminal.close()
        os.close(leader)
