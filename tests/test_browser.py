"""The commissioners' HTML report in a real browser (Debian's headless Chromium).

Checks that the page loads with no network access, that every figure has loaded and has real
alternative text, and that the summary is there; keeps a screenshot in the test's folder.
Skipped, with the reason shown, only where Chromium and its driver are not installed (`.ci/run`
installs Debian's `chromium` and `chromium-driver`).
"""

from __future__ import annotations

import json
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
)]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1280,2000", f"--user-data-dir={tmp_path / 'profile'}",
                 # no network: every host name fails to resolve and every proxy connection is refused
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_report_renders_offline_with_figures_alt_text_and_summary(synthetic_report, browser, tmp_path):
    _, folder, _ = synthetic_report
    pages = sorted(folder.glob("*.html"))
    assert pages
    for page in pages:
        requested_urls(browser)  # drain what the browser's own start page asked for
        browser.get(page.as_uri())
        state = browser.execute_script("return document.readyState")
        assert state == "complete"
        external = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:", "ftp:"))]
        assert external == [], f"{page.name} asks the network for {external}"
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.getAttribute('alt')])"
        )
        assert images, f"{page.name} has no figures"
        for complete, width, alt in images:
            assert complete and width > 0, f"{page.name}: a figure did not load"
            assert alt and len(alt) > 20 and "No description" not in alt, f"{page.name}: figure without alt text"
        text = browser.find_element("tag name", "body").text
        assert "Summary for commissioners" in text
        assert "Provenance." in text
        shot = tmp_path / f"{page.stem}.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        print(f"screenshot of {page.name}: {shot}")
