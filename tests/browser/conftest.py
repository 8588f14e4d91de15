"""The demo's page in a real headless Chromium (Debian's, installed by .ci/run), driven by
Playwright without its own browser download. One `baton demo` serves the module's tests;
each test hands off its own leads, so they do not depend on each other."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import skip_or_fail
from tests.support.demo import DemoProcess, running_demo

CHROMIUM_ENV = "BATON_TEST_CHROMIUM"
# Screenshots of each step: kept for failure reports, and the README's come from here.
SHOTS = (
    Path(os.environ["BATON_TEST_SCREENSHOTS"]) if "BATON_TEST_SCREENSHOTS" in os.environ else None
)
# The machine's closed network refuses Chromium's own background traffic; leave it off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        skip_or_fail(f"no Chromium (apt-get install chromium, or set {CHROMIUM_ENV})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        skip_or_fail("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProcess]:
    with running_demo(tmp_path_factory.mktemp("demo")) as running:
        yield running


class Shots:
    """Saves a screenshot of each step: under BATON_TEST_SCREENSHOTS when set (the README's
    come from there), else beside the test's temporary files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, name: str) -> Path:
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path))
        return path


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    return Shots(SHOTS if SHOTS is not None else tmp_path / "screenshots")


@pytest.fixture
def page(browser: Any, demo: DemoProcess, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    opened = context.new_page()
    opened.set_default_timeout(30_000)  # generous on a busy machine; waits end at once when met
    opened.goto(f"{demo.base}/")
    try:
        yield opened
    finally:
        if SHOTS is not None:
            SHOTS.mkdir(parents=True, exist_ok=True)
            opened.screenshot(path=str(SHOTS / f"{request.node.name}-last.png"))
        context.close()
