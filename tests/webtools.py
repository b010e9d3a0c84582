"""What the browser tests share: the app served by uvicorn in a thread, and headless Chromium.

Chromium and chromedriver come from ``scripts/install_browser.sh``; where they (or selenium) are missing,
``NO_BROWSER`` is true and the browser tests skip with ``NO_BROWSER_REASON``.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from rasid.serve.api import create_app
from rasid.serve.security import SecurityConfig
from rasid.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
try:
    from selenium import webdriver
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None
NO_BROWSER = webdriver is None or not CHROMIUM or not DRIVER
NO_BROWSER_REASON = "headless browser tests need selenium, chromium and chromedriver (run scripts/install_browser.sh)"

# a quiet, offline, Arabic-locale headless browser of desktop size
CHROME_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=ar")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn in a daemon thread, started and stopped within a bounded time.

        with LiveServer(store) as srv:
            driver.get(srv.url + "/")
    """

    def __init__(self, store: Store, security: SecurityConfig | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(store, security), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start within 15 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def api(self, path: str, **params: object) -> dict:
        r = httpx.get(self.url + path, params=params, timeout=10)
        r.raise_for_status()
        return r.json()


@contextmanager
def chrome(profile_prefix: str, *extra_args: str, browser_log: bool = False) -> Iterator[Any]:
    """A headless Chromium (``CHROME_ARGS`` + ``extra_args``) with a throw-away profile, quit on exit;
    ``browser_log`` keeps the console log (``driver.get_log("browser")``)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix=profile_prefix)
    for arg in (*CHROME_ARGS, *extra_args, f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    if browser_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
