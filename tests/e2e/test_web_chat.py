"""The website chat page (/chat) in a real browser: Debian's chromium, driven by
selenium through Debian's chromedriver (scripts/install_browser.sh installs both;
no browser or driver is ever downloaded by a tool).

Uses the session fixture `running_bot` (tests/conftest.py): an action server and
`rasa run` with ROOT/credentials.yml, which registers adapters.web.channel.WebChat.
Screenshots are kept in results/screenshots/.
"""
from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, List, Optional
from urllib.parse import urlparse

import pytest

from tests.servers import ROOT

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # the HTTP-only test still runs
    webdriver = None

SCREENSHOTS = ROOT / "results" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Belt and braces for the offline check: nothing but localhost resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
REPLY_SECONDS = 45  # one bot turn, on a busy 2-core machine

SYMPTOMS = "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too"
RED_FLAG = "I've lost control of my bladder and my groin is numb"


# ---------------------------------------------------------------- browser helpers
# (also used by bench/bench_web.py)

def start_browser(profile_dir: Path, width: int = 1024, height: int = 800, extra_flags: tuple = ()):
    """Headless Debian chromium with a fresh profile, logging network and console."""
    if webdriver is None:
        pytest.fail("selenium is not installed: pip install -r requirements-dev.txt -c constraints.txt")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.fail("chromium/chromedriver missing: run scripts/install_browser.sh")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, *extra_flags]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    # An explicit driver path: selenium skips Selenium Manager (no downloads).
    service = Service(executable_path=CHROMEDRIVER, log_output=str(profile_dir.parent / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait_until(driver, condition: Callable, seconds: float = REPLY_SECONDS, what: str = ""):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.05,
                             ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition())
    except TimeoutException:
        raise AssertionError(f"timed out after {seconds}s waiting for {what}; bot said: {bot_texts(driver)[-4:]}")


def messages(driver) -> List[dict]:
    """The conversation as shown: who, text (without the hidden speaker label), kind, role."""
    return driver.execute_script(
        """return Array.from(document.querySelectorAll('#log .msg')).map(function (el) {
             var clone = el.cloneNode(true);
             clone.querySelectorAll('.visually-hidden, .badge, button').forEach(function (n) { n.remove(); });
             return {who: el.classList.contains('msg--bot') ? 'bot' : 'user',
                     text: clone.textContent.trim(),
                     alert: el.getAttribute('data-alert') || '',
                     summary: el.classList.contains('msg--summary'),
                     role: el.getAttribute('role') || ''};
           });"""
    )


def bot_texts(driver) -> List[str]:
    try:
        return [m["text"] for m in messages(driver) if m["who"] == "bot"]
    except Exception:  # noqa: BLE001 - only for error messages
        return []


def open_chat(driver, base_url: str) -> None:
    driver.get(f"{base_url}/chat")
    wait_until(driver, lambda: any("not a doctor" in t for t in bot_texts(driver)), what="the greeting")


def say(driver, text: str) -> None:
    box = driver.find_element(By.ID, "message")
    box.send_keys(text + Keys.ENTER)


def reply_buttons(driver):
    """The quick-reply buttons that can be pressed now (none while waiting)."""
    return [b for b in driver.find_elements(By.CSS_SELECTOR, "#replies:not([hidden]) button")
            if b.get_attribute("aria-disabled") != "true"]


def wait_for_bot(driver, count_before: int, what: str, contains: Optional[str] = None) -> None:
    def ready():
        texts = bot_texts(driver)
        return len(texts) > count_before and (contains is None or any(contains in t for t in texts[count_before:]))
    wait_until(driver, ready, what=what)


def session_id(driver) -> Optional[str]:
    stored = driver.execute_script("return localStorage.getItem('kneeOrBack.chat.v1')")
    return json.loads(stored)["sessionId"] if stored else None


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(driver) -> List[str]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run scripts/install_web.sh")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """var done = arguments[arguments.length - 1];
           axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                              resultTypes: ['violations']})
              .then(function (r) { done(r.violations.map(function (v) {
                 return v.impact + ' ' + v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
              })); }, function (e) { done(['axe failed: ' + e]); });""")
    return result


def network_urls(driver) -> List[str]:
    """Every URL the page requested (HTTP and websocket) since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls


@pytest.fixture
def browser(tmp_path) -> Iterator:
    profile = tmp_path / "profile"
    profile.mkdir()
    driver = start_browser(profile)
    try:
        yield driver
    finally:
        driver.quit()


# ---------------------------------------------------------------- tests

def test_chat_assets_are_served_without_a_browser(running_bot):
    def get(path):
        try:
            with urllib.request.urlopen(running_bot.url + path, timeout=10) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, ""

    status, headers, page = get("/chat")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "not a doctor" in page and 'aria-live="polite"' in page
    assert get("/chat/")[0] == 200
    for asset, kind in [("/chat/static/chat.js", "text/javascript"), ("/chat/static/chat.css", "text/css"),
                        ("/chat/vendor/socket.io.min.js", "text/javascript")]:
        status, headers, body = get(asset)
        assert status == 200, asset
        assert headers["Content-Type"].startswith(kind) and body, asset
    assert "/chat/static/chat.js" in page and "/chat/vendor/socket.io.min.js" in page
    # Nothing outside adapters/web/static or the one vendor file.
    for path in ["/chat/static/..%2Fchannel.py", "/chat/static/.hidden", "/chat/vendor/package.json",
                 "/chat/static/nothing.js"]:
        assert get(path)[0] == 404, path


def test_interview_to_assessment_survives_a_reload(running_bot, browser):
    open_chat(browser, running_bot.url)
    say(browser, SYMPTOMS)
    wait_until(browser, lambda: reply_buttons(browser), what="the first question's buttons")
    assert [b.text for b in reply_buttons(browser)] == ["Yes", "No", "Not sure"]
    assert accessibility_problems(browser) == []

    # The first answer by keyboard: back from the message box to "No", Enter. Focus
    # then lands on the next question's first button, so Tab, Enter answers again.
    assert browser.switch_to.active_element.get_attribute("id") == "message"
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert browser.switch_to.active_element.text == "No"
    count = len(bot_texts(browser))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for_bot(browser, count, "the second question")
    wait_until(browser, lambda: reply_buttons(browser), what="the second question's buttons")
    wait_until(browser, lambda: browser.switch_to.active_element.text == "Yes", seconds=5,
               what="focus on the next question's first button")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "No"
    count = len(bot_texts(browser))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    answered = 2

    # The rest by mouse, until the assessment.
    def assessed():
        return any("fits a nerve-related pattern" in t for t in bot_texts(browser))

    while True:
        wait_until(browser, lambda: assessed() or reply_buttons(browser), what="a question or the assessment")
        if assessed():
            break
        assert answered < 15, "the interview did not end"
        count = len(bot_texts(browser))
        next(b for b in reply_buttons(browser) if b.text == "No").click()
        answered += 1
        wait_for_bot(browser, count, f"the reply to answer {answered}")
    wait_until(browser, lambda: any("GP or a physiotherapist" in t for t in bot_texts(browser)), what="the guidance")
    shown = messages(browser)
    assert not [m for m in shown if m["alert"]], "routine advice must not look like an emergency"
    assert [m["text"] for m in shown if m["who"] == "user"][1:] == ["No"] * answered
    wait_until(browser, lambda: not browser.find_element(By.ID, "replies").is_displayed(), seconds=5,
               what="the answer buttons to go")
    screenshot(browser, "web_chat_assessment")

    # Reload: the same conversation, with its history.
    conversation = session_id(browser)
    assert conversation
    before = [(m["who"], m["text"]) for m in shown]
    browser.refresh()
    wait_until(browser, lambda: len(messages(browser)) >= len(before), seconds=10, what="the history after reload")
    assert [(m["who"], m["text"]) for m in messages(browser)][: len(before)] == before
    assert session_id(browser) == conversation

    # ... and it carries on: the summary knows the answers given before the reload.
    count = len(bot_texts(browser))
    say(browser, "what should I tell my doctor?")
    wait_for_bot(browser, count, "the clinician summary", contains="Summary for a clinician")
    summary = next(m for m in messages(browser) if m["summary"])
    assert "nerve-related" in summary["text"] and "Denied:" in summary["text"]
    assert session_id(browser) == conversation


def test_red_flag_gets_unmistakable_emergency_advice(running_bot, browser):
    open_chat(browser, running_bot.url)
    say(browser, RED_FLAG)
    wait_until(browser, lambda: any(m["alert"] == "emergency" for m in messages(browser)), what="the emergency alert")
    alert = next(m for m in messages(browser) if m["alert"] == "emergency")
    # The red-flag alert ("Important: ...") or the emergency guidance, whichever comes first.
    assert "emergency department" in alert["text"]
    assert alert["text"].startswith(("Important:", "Please go to an emergency department"))
    assert alert["role"] == "alert"
    style = browser.execute_script(
        """var el = document.querySelector('#log .msg--emergency');
           var s = getComputedStyle(el), b = getComputedStyle(el.querySelector('.badge'));
           return {border: s.borderLeftColor, width: s.borderLeftWidth, bg: s.backgroundColor,
                   weight: s.fontWeight, badge: el.querySelector('.badge').textContent, badgeBg: b.backgroundColor};"""
    )
    normal = browser.execute_script(
        "return getComputedStyle(document.querySelector('#log .msg--bot:not(.msg--emergency)')).backgroundColor")
    assert style["border"] == "rgb(179, 0, 27)" and style["width"] == "8px"
    assert style["bg"] != normal and int(style["weight"]) >= 600
    assert "Emergency" in style["badge"]
    assert accessibility_problems(browser) == []
    time.sleep(0.5)  # let the rest of the turn arrive for the screenshot
    important = [m for m in messages(browser) if m["text"].startswith("Important:")]
    assert all(m["alert"] == "emergency" for m in important), important
    # The first emergency message stays in view while the rest of the turn arrives.
    top, bottom, log_top, log_bottom = browser.execute_script(
        """var a = document.querySelector('#log .msg--emergency').getBoundingClientRect();
           var l = document.getElementById('log').getBoundingClientRect();
           return [a.top, a.bottom, l.top, l.bottom];""")
    assert log_top - 1 <= top < log_bottom, (top, bottom, log_top, log_bottom)
    path = screenshot(browser, "web_chat_red_flag")
    assert path.stat().st_size > 10_000


def test_page_is_offline_accessible_and_fits_a_phone(running_bot, browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    browser.get_log("performance")  # start counting from the page load
    open_chat(browser, running_bot.url)

    # Offline: every request goes to this server (page, CSS, JS, socket.io incl. websocket).
    urls = network_urls(browser)
    base = urlparse(running_bot.url)
    assert any(u.endswith("/chat/vendor/socket.io.min.js") for u in urls)
    # (The log also shows the browser's own chrome:// pages; only network schemes count.)
    network = [u for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")]
    foreign = [u for u in network if urlparse(u).hostname not in LOCAL_HOSTS]
    assert not foreign, foreign
    assert all(urlparse(u).port == base.port for u in network), network
    assert any(urlparse(u).scheme == "ws" for u in urls), "socket.io should upgrade to a websocket"
    console = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not console, console

    # The disclaimer, the live region, labels.
    disclaimer = browser.find_element(By.ID, "disclaimer")
    assert disclaimer.is_displayed()
    assert "not a doctor" in disclaimer.text and "emergency number" in disclaimer.text
    log = browser.find_element(By.ID, "log")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=message]").get_attribute("textContent").strip()
    assert browser.find_element(By.ID, "send").text == "Send"

    # 360 px wide, no horizontal scrolling, even with a long unbroken word.
    say(browser, "x" * 120 + " https://example.org/" + "a" * 80)
    wait_until(browser, lambda: len(messages(browser)) >= 2, seconds=5, what="the message to show")
    link = browser.find_element(By.CSS_SELECTOR, "#log .msg--user a")
    assert link.get_attribute("href").startswith("https://example.org/") and link.get_attribute("rel") == "noopener noreferrer"
    width = browser.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth,"
        " document.getElementById('log').scrollWidth, document.getElementById('log').clientWidth]")
    assert width[0] == 360 and max(width[1], width[2]) <= 360, width
    assert width[3] <= width[4], width
    # The disclaimer stays on screen while the conversation scrolls.
    top = browser.execute_script("return document.getElementById('disclaimer').getBoundingClientRect().bottom")
    assert 0 < top < 740
    assert accessibility_problems(browser) == []
    screenshot(browser, "web_chat_phone")

    # "Start a new conversation" forgets this browser's copy and starts a new session.
    old_session = session_id(browser)
    browser.find_element(By.ID, "restart").click()
    wait_until(browser, lambda: len(messages(browser)) == 1 and "not a doctor" in bot_texts(browser)[0],
               what="a fresh conversation with the greeting")
    assert session_id(browser) not in (None, old_session)


def test_delete_my_data_forgets_the_conversation_here_and_on_the_server(running_bot, browser):
    from tests.e2e.test_forget_in_chat import stored

    open_chat(browser, running_bot.url)
    say(browser, "my knee clicks when I squat")
    wait_until(browser, lambda: reply_buttons(browser), what="the first question")
    conversation = session_id(browser)
    assert stored(running_bot, conversation)

    count = len(bot_texts(browser))
    say(browser, "please delete my data")
    wait_for_bot(browser, count, "the confirmation question", contains="Shall I delete it?")
    wait_until(browser, lambda: [b.text for b in reply_buttons(browser)] == ["Yes, delete it", "No, keep it"],
               what="the confirmation buttons")
    next(b for b in reply_buttons(browser) if b.text == "Yes, delete it").click()
    wait_until(browser, lambda: any("deleted this conversation" in t for t in bot_texts(browser)), what="the deletion")

    # The page keeps only the confirmation, also after a reload; the server keeps nothing.
    wait_until(browser, lambda: len(messages(browser)) == 1, seconds=10, what="the transcript to be cleared")
    browser.refresh()
    wait_until(browser, lambda: messages(browser), seconds=10, what="the page after reload")
    assert [m["text"] for m in messages(browser)] == [bot_texts(browser)[0]]
    assert "deleted this conversation" in bot_texts(browser)[0]
    assert "clicks" not in json.dumps(browser.execute_script("return localStorage.getItem('kneeOrBack.chat.v1')"))
    assert stored(running_bot, conversation) == []
