"""Shared by the end-to-end tests: the `baton` processes a test starts, killed at its end
(a test that stops them gracefully keeps a fixture of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.processes import Baton


@pytest.fixture
def processes() -> Iterator[list[Baton]]:
    started: list[Baton] = []
    yield started
    for process in started:
        if process.alive():
            process.kill()
