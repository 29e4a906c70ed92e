"""The chat on another website: the one-line snippet (adapters/web/static/embed.js)
on the pages of a clinic's site, in Debian's headless chromium (selenium, the
helpers of test_web_chat.py).

The clinic's site is a small http.server on its own port, reached under two
names: http://localhost:PORT is the allowed origin (the bot runs with `--cors`
set to it, as `make run` does with RASA_CORS), http://127.0.0.1:PORT is another
origin that is not allowed. The bot is at http://127.0.0.1:BOT_PORT, so the
panel's iframe is third-party to the site (the browser partitions its storage).
The site's pages have a strict Content-Security-Policy, CSS that would spoil any
button or frame it reaches, and a script of their own, to show that the widget
leaves the page alone and the page leaves the widget alone.

Screenshots go to results/screenshots/ (docs/img/ is written by bench/bench_embed.py).
"""
from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from urllib.parse import quote, urlparse

import pytest

from tests.e2e.test_web_chat import (
    RED_FLAG, SYMPTOMS, accessibility_problems, bot_texts, messages, network_urls, reply_buttons, say,
    screenshot, start_browser, wait_for_bot, wait_until,
)
from tests.servers import ROOT, free_port, require_model, start_action_server, start_rasa, stop

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:  # start_browser fails the test with the reason
    pass

STORE_KEY = "kneeOrBack.chat.v1"
ACCENT = "rgb(31, 78, 140)"  # chat.css / embed.js default accent


# ---------------------------------------------------------------- the clinic's website

SITE_CSS = """
/* The clinic's own style. The rules marked "hostile" would spoil the widget if
   they reached into it (they must not), and show if the widget's CSS leaked out. */
body { margin: 0; font-family: Georgia, serif; color: #222; background: #fbfaf7; }
header, main, footer { padding: 0.5rem 1rem; max-width: 46rem; margin: 0 auto; }
header { border-bottom: 1px solid #ccc; }
h1 { font-size: 1.6rem; color: #0b4f4a; }
nav a { margin-right: 1rem; color: #0b4f4a; }
footer { color: #444; border-top: 1px solid #ccc; }
button { background: rgb(255, 105, 180) !important; color: #000; font-family: serif;
         letter-spacing: 3px; border: 3px dotted #000; padding: 0.5rem; }   /* hostile */
iframe { border: 10px solid red !important; }                                /* hostile */
aside, [role=dialog] { display: none !important; }                           /* hostile */
* { text-transform: uppercase; }                                             /* hostile */
"""

SITE_JS = """
// The clinic's own script: what the page had before the widget came.
window.siteBefore = {globals: Object.getOwnPropertyNames(window), children: document.body.children.length,
                     sheets: document.styleSheets.length};
window.io = 'the site\\'s own io';  // a name socket.io would take, were it loaded into the page
var clicks = 0;
document.getElementById('site-button').addEventListener('click', function () {
  clicks += 1;
  document.getElementById('site-output').textContent = 'Clicked ' + clicks + ' times';
});
// A page that opens the chat from its own button (data-launcher="false").
var own = document.getElementById('open-chat');
if (own) own.addEventListener('click', function () { window.KneeChat.open(); });
"""

SITE_AFTER_JS = """
// Runs after the snippet's script (deferred scripts run in order).
window.siteAfter = {globals: Object.getOwnPropertyNames(window)};
"""

PARAGRAPHS = [
    "Riverside Physiotherapy treats back, knee and sports injuries. Book by phone or at the front desk.",
    "Not sure whether your knee pain comes from your back? Ask the assistant in the corner of this page "
    "before you book: it tells you which professional to see, and how soon.",
    "Our physiotherapists work with your GP. Bring any scans or letters to your first appointment.",
]


def host_page(bot_url: str, title: str, attrs: Optional[Dict[str, str]] = None, paragraphs: int = 3,
              snippet: Optional[str] = None, extra: str = "") -> str:
    """A page of the clinic's site with the one-line snippet (plus its optional attributes)."""
    data = "".join(f' data-{name}="{value}"' for name, value in (attrs or {}).items())
    if snippet is None:
        snippet = f'<script src="{bot_url}/chat/embed.js" defer{data}></script>'
    text = "\n".join(f"    <p>{PARAGRAPHS[i % len(PARAGRAPHS)]}</p>" for i in range(paragraphs))
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} – Riverside Physiotherapy</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/site.css">
  <script src="/site.js" defer></script>
</head>
<body>
  <header>
    <p><strong>Riverside Physiotherapy</strong></p>
    <nav aria-label="Site"><a id="home-link" href="/home.html">Home</a> <a id="hours-link" href="/hours.html">Opening hours</a></nav>
  </header>
  <main>
    <h1>{title}</h1>
    {extra}
{text}
    <p><button id="site-button" type="button">Show our phone number</button> <span id="site-output"></span></p>
  </main>
  <footer><p id="last">Riverside Physiotherapy, 1 River Street. Monday to Friday 8:00-18:00.</p></footer>
  {snippet}
  <script src="/site-after.js" defer></script>
</body>
</html>
"""


def site_csp(bot_url: str) -> str:
    """A strict policy, as a careful site has: the bot's script, frame and fetch only."""
    return (f"default-src 'self'; script-src 'self' {bot_url}; connect-src {bot_url}; frame-src {bot_url}; "
            "style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'")


class _SiteHandler(SimpleHTTPRequestHandler):
    csp = ""

    def end_headers(self) -> None:
        if self.path.split("?")[0].endswith(".html"):
            self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args) -> None:  # quiet
        pass


@dataclass
class Site:
    root: Path
    port: int
    allowed: str  # http://localhost:PORT, in the bot's RASA_CORS
    refused: str  # http://127.0.0.1:PORT, the same pages under an origin that is not

    def write(self, name: str, html: str) -> str:
        (self.root / name).write_text(html, encoding="utf-8")
        return name


def start_site(root: Path, port: int, bot_url: str) -> ThreadingHTTPServer:
    (root / "site.css").write_text(SITE_CSS, encoding="utf-8")
    (root / "site.js").write_text(SITE_JS, encoding="utf-8")
    (root / "site-after.js").write_text(SITE_AFTER_JS, encoding="utf-8")
    handler = type("SiteHandler", (_SiteHandler,), {"csp": site_csp(bot_url)})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class EmbedBot:
    url: str
    workdir: Path
    site: Site

    def conversations(self) -> List[str]:
        with sqlite3.connect(self.workdir / "tracker.db") as db:
            try:
                return [row[0] for row in db.execute("select distinct sender_id from events")]
            except sqlite3.OperationalError:  # no table before the first message
                return []

    def stored(self, sender: str) -> List[str]:
        with sqlite3.connect(self.workdir / "tracker.db") as db:
            return [row[0] for row in db.execute("select data from events where sender_id = ?", (sender,))]


def start_embed_bot(workdir: Path, env: Optional[Dict[str, str]] = None, credentials: Path = ROOT / "credentials.yml"):
    """The clinic's site and a bot that allows it (--cors, as `make run` passes RASA_CORS).
    Returns (EmbedBot, stop function)."""
    require_model()
    site_port, action_port, rasa_port = free_port(), free_port(), free_port()
    bot_url = f"http://127.0.0.1:{rasa_port}"
    site = Site(workdir / "site", site_port, f"http://localhost:{site_port}", f"http://127.0.0.1:{site_port}")
    site.root.mkdir()
    server = start_site(site.root, site_port, bot_url)
    actions = rasa = None
    try:
        actions = start_action_server(action_port, workdir / "actions.log")
        rasa = start_rasa(rasa_port, workdir, f"http://127.0.0.1:{action_port}/webhook", credentials,
                          extra_args=["--cors", site.allowed], env=env)
    except BaseException:
        stop(rasa, actions)
        server.shutdown()
        raise

    def stop_all() -> None:
        stop(rasa, actions)
        server.shutdown()

    return EmbedBot(bot_url, workdir, site), stop_all


@pytest.fixture(scope="module")
def embed_bot(tmp_path_factory) -> Iterator[EmbedBot]:
    bot, stop_all = start_embed_bot(tmp_path_factory.mktemp("embed_bot"))
    try:
        yield bot
    finally:
        stop_all()


@pytest.fixture
def browser(tmp_path) -> Iterator:
    profile = tmp_path / "profile"
    profile.mkdir()
    driver = start_browser(profile, width=1280, height=800)
    try:
        yield driver
    finally:
        driver.quit()


# ---------------------------------------------------------------- helpers: the widget in the page

def widget_root(driver):
    """The shadow root of <knee-chat> (the host page's browsing context)."""
    return driver.find_element(By.CSS_SELECTOR, "knee-chat").shadow_root


def launcher(driver):
    return widget_root(driver).find_element(By.CSS_SELECTOR, "button.launcher")


def open_page(driver, url: str) -> None:
    """Load a host page and wait for the launcher."""
    driver.switch_to.default_content()
    driver.get(url)
    wait_launcher(driver)


def wait_launcher(driver) -> None:
    driver.switch_to.default_content()
    wait_until(driver, lambda: driver.execute_script(
        "var h = document.querySelector('knee-chat'); return !!(h && h.shadowRoot && h.shadowRoot.querySelector('.launcher'))"),
        seconds=10, what="the launcher")


def to_host(driver) -> None:
    driver.switch_to.default_content()


def to_panel(driver) -> None:
    """Into the panel's iframe (the chat page): test_web_chat's helpers work there."""
    driver.switch_to.default_content()
    frame = widget_root(driver).find_element(By.CSS_SELECTOR, "iframe")
    driver.switch_to.frame(frame)


def panel_open(driver) -> bool:
    return driver.execute_script(
        "var p = document.querySelector('knee-chat').shadowRoot.querySelector('.panel');"
        " return !p.hidden && p.getBoundingClientRect().height > 0")


def wait_greeting(driver) -> None:
    """In the panel: the greeting, or the history after a reload."""
    wait_until(driver, lambda: any("not a doctor" in t for t in bot_texts(driver)), what="the greeting")


def host_focus(driver) -> str:
    """What has focus in the host page: 'launcher', 'panel' (the iframe), or a host element's id/tag."""
    return driver.execute_script(
        """var a = document.activeElement;
           if (a && a.tagName === 'KNEE-CHAT') {
             var inner = a.shadowRoot.activeElement;
             if (!inner) return 'knee-chat';
             return inner.tagName === 'IFRAME' ? 'panel' : (inner.classList.contains('launcher') ? 'launcher' : inner.tagName);
           }
           return a ? (a.id || a.tagName) : '';""")


def frame_session(driver) -> Optional[str]:
    """The conversation id the panel keeps (in the panel)."""
    stored = driver.execute_script(f"return localStorage.getItem('{STORE_KEY}')")
    return json.loads(stored)["sessionId"] if stored else None


def rect(driver, script: str) -> dict:
    return driver.execute_script(f"var r = ({script}).getBoundingClientRect();"
                                 " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};")


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


CONTENT = "Array.from(document.querySelectorAll('header *, main *, footer *'))"


def covered_content(driver) -> List[str]:
    """Host page elements under the closed launcher (their text boxes, not their full-width blocks)."""
    return driver.execute_script(
        f"""var l = document.querySelector('knee-chat').shadowRoot.querySelector('.launcher').getBoundingClientRect();
            var hit = [];
            {CONTENT}.forEach(function (el) {{
              var range = document.createRange();
              range.selectNodeContents(el);
              Array.from(range.getClientRects()).concat(
                el.matches('button, a, input') ? [el.getBoundingClientRect()] : []).forEach(function (r) {{
                if (r.width && r.height && r.left < l.right && l.left < r.right && r.top < l.bottom && l.top < r.bottom)
                  hit.push(el.tagName + ' ' + el.textContent.slice(0, 30));
              }});
            }});
            return hit;""")


def axe_with_panel(driver) -> List[str]:
    """axe-core on the host page with the panel open, the panel's frame included."""
    to_panel(driver)
    inside = accessibility_problems(driver)  # also leaves axe in the frame for the run below
    to_host(driver)
    return inside + accessibility_problems(driver)


# ---------------------------------------------------------------- tests

def _http(url: str, origin: Optional[str] = None):
    request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def test_embed_files_and_who_may_embed_without_a_browser(embed_bot):
    bot, site = embed_bot.url, embed_bot.site
    status, headers, body = _http(f"{bot}/chat/embed.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin" and "KneeChat" in body

    # The check embed.js makes: readable by the allowed origin only (CORS).
    status, headers, _ = _http(f"{bot}/chat/embed/check", origin=site.allowed)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == site.allowed
    status, headers, _ = _http(f"{bot}/chat/embed/check", origin=site.refused)
    assert status == 403 and headers.get("Access-Control-Allow-Origin") is None

    # The panel: framable by the origin it names, when that origin may embed the chat.
    status, headers, page = _http(f"{bot}/chat/frame?origin={quote(site.allowed, safe='')}")
    assert status == 200 and 'class="embedded"' in page and "not a doctor" in page
    assert headers["Content-Security-Policy"].endswith(f"frame-ancestors 'self' {site.allowed}")
    for origin in [site.refused, "http://evil.example", "", f"{site.allowed}; script-src *",
                   f"{site.allowed} http://evil.example", "javascript:alert(1)"]:
        status, headers, _ = _http(f"{bot}/chat/frame?origin={quote(origin, safe='')}")
        assert status == 403, origin
        assert headers["Content-Security-Policy"].endswith("frame-ancestors 'none'"), origin
    # The bot's own origin may always frame it; /chat itself never.
    assert _http(f"{bot}/chat/frame?origin={quote(bot, safe='')}")[1]["Content-Security-Policy"].endswith(
        "frame-ancestors 'self'")
    assert _http(f"{bot}/chat")[1]["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_snippet_on_an_allowed_site_conversation_reload_and_next_page(embed_bot, browser):
    bot, site = embed_bot.url, embed_bot.site
    site.write("home.html", host_page(bot, "Knee pain"))
    site.write("hours.html", host_page(bot, "Opening hours"))
    browser.get_log("performance")
    open_page(browser, f"{site.allowed}/home.html")

    # The launcher: a button named "Chat with Knee or back?", in the corner, closed.
    button = launcher(browser)
    assert "chat" in button.accessible_name.lower(), button.accessible_name
    assert button.get_attribute("aria-expanded") == "false" and not panel_open(browser)
    box, (width, height) = button.rect, browser.execute_script("return [innerWidth, innerHeight]")
    assert box["x"] + box["width"] > width - 40 and box["y"] + box["height"] > height - 40, (box, width, height)
    assert browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", button) == ACCENT

    # The page is left alone: one element and one global (KneeChat) more, no style
    # sheet more, its own script and `io` intact; its hostile CSS does not reach in.
    page = browser.execute_script(
        """var before = window.siteBefore;
           return {globals: window.siteAfter.globals.filter(function (n) { return before.globals.indexOf(n) < 0; }),
                   children: document.body.children.length - before.children,
                   sheets: document.styleSheets.length - before.sheets,
                   adopted: document.adoptedStyleSheets.length, io: window.io,
                   last: document.body.lastElementChild.tagName};""")
    assert sorted(set(page["globals"]) - {"siteBefore", "io", "clicks"}) == ["KneeChat"], page  # "io": the site's
    assert page["children"] == 1 and page["last"] == "KNEE-CHAT" and page["sheets"] == 0 and page["adopted"] == 0
    assert page["io"] == "the site's own io"
    browser.find_element(By.ID, "site-button").click()
    assert browser.find_element(By.ID, "site-output").text == "CLICKED 1 TIMES"  # the site's text-transform
    assert browser.execute_script("return getComputedStyle(document.getElementById('site-button')).letterSpacing") == "3px"
    assert browser.execute_script("return getComputedStyle(arguments[0]).letterSpacing", button) == "normal"
    assert browser.execute_script("return getComputedStyle(arguments[0]).textTransform", button) == "none"

    # Keyboard: Tab from the page's last control reaches the launcher; Enter opens
    # the panel with focus in its message box.
    browser.find_element(By.ID, "site-button").send_keys(Keys.TAB)
    wait_until(browser, lambda: host_focus(browser) == "launcher", seconds=5, what="focus on the launcher")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel")
    assert launcher(browser).get_attribute("aria-expanded") == "true"
    frame = widget_root(browser).find_element(By.CSS_SELECTOR, "iframe")
    assert frame.get_attribute("title") and browser.execute_script(
        "return getComputedStyle(arguments[0]).borderTopWidth", frame) == "0px"
    to_panel(browser)
    wait_greeting(browser)
    wait_until(browser, lambda: browser.switch_to.active_element.get_attribute("id") == "message", seconds=5,
               what="focus in the panel's message box")
    assert browser.find_element(By.ID, "disclaimer").is_displayed()
    assert "not a doctor" in browser.find_element(By.ID, "disclaimer").text
    log = browser.find_element(By.ID, "log")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"
    assert browser.execute_script("return document.documentElement.dataset.storage") == "frame"

    # A conversation: symptoms, the first answer by keyboard (Shift+Tab twice to "No").
    say(browser, SYMPTOMS)
    wait_until(browser, lambda: reply_buttons(browser), what="the first question's buttons")
    assert [b.text for b in reply_buttons(browser)] == ["Yes", "No", "Not sure"]
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert browser.switch_to.active_element.text == "No"
    count = len(bot_texts(browser))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for_bot(browser, count, "the second question")
    wait_until(browser, lambda: reply_buttons(browser), what="the second question's buttons")
    wait_until(browser, lambda: browser.switch_to.active_element.text == "Yes", seconds=5,
               what="focus on the next question's first button")
    conversation = frame_session(browser)
    assert conversation and embed_bot.stored(conversation)
    shown = [(m["who"], m["text"]) for m in messages(browser)]
    assert ("user", "No") in shown

    to_host(browser)
    assert axe_with_panel(browser) == []
    screenshot(browser, "embed_desktop")

    # Escape closes the panel and puts focus back on the launcher.
    to_panel(browser)
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    to_host(browser)
    wait_until(browser, lambda: not panel_open(browser), seconds=5, what="the panel to close")
    wait_until(browser, lambda: host_focus(browser) == "launcher", seconds=5, what="focus back on the launcher")
    assert launcher(browser).get_attribute("aria-expanded") == "false"

    # Reload: open again, the same conversation and its history.
    browser.refresh()
    wait_launcher(browser)
    assert not panel_open(browser)
    launcher(browser).click()
    to_panel(browser)
    wait_until(browser, lambda: len(messages(browser)) >= len(shown), seconds=10, what="the history after reload")
    assert [(m["who"], m["text"]) for m in messages(browser)][: len(shown)] == shown
    assert frame_session(browser) == conversation

    # Another page of the site, the panel left open: it is open there too, with the
    # same conversation, which carries on (the bot still knows the answers).
    to_host(browser)
    browser.find_element(By.ID, "hours-link").click()
    wait_until(browser, lambda: browser.current_url.endswith("/hours.html"), seconds=10, what="the second page")
    wait_launcher(browser)
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel, still open")
    to_panel(browser)
    wait_until(browser, lambda: len(messages(browser)) >= len(shown), seconds=10, what="the history on page 2")
    assert [(m["who"], m["text"]) for m in messages(browser)][: len(shown)] == shown
    assert frame_session(browser) == conversation
    count = len(bot_texts(browser))
    next(b for b in reply_buttons(browser) if b.text == "No").click()
    wait_for_bot(browser, count, "the next question, on page 2")
    assert frame_session(browser) == conversation
    assert sum(1 for row in embed_bot.stored(conversation) if '"event": "user"' in row) >= 3

    # Nothing was fetched from anywhere but the site and the bot.
    to_host(browser)
    hosts = {urlparse(u).netloc for u in network_urls(browser) if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {urlparse(site.allowed).netloc, urlparse(bot).netloc}, hosts
    console = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not console, console


def test_summary_copy_delete_and_new_conversation_in_the_panel(embed_bot, browser):
    bot, site = embed_bot.url, embed_bot.site
    site.write("tools.html", host_page(bot, "Before your appointment", {"open": "true", "title": "Ask about knee pain"}))
    open_page(browser, f"{site.allowed}/tools.html")
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel opened on load (data-open)")
    assert "Knee or back?" not in launcher(browser).accessible_name and "chat" in launcher(browser).accessible_name.lower()
    to_panel(browser)
    wait_greeting(browser)
    assert browser.find_element(By.ID, "title").text == "Ask about knee pain"
    assert browser.switch_to.active_element.get_attribute("id") != "message", "nothing takes focus on page load"

    # The clinician summary, with its copy button.
    say(browser, "my knee clicks and locks when I squat")
    wait_until(browser, lambda: reply_buttons(browser), what="the first question")
    count = len(bot_texts(browser))
    say(browser, "what should I tell my doctor?")
    wait_for_bot(browser, count, "the clinician summary", contains="Summary for a clinician")
    wait_until(browser, lambda: any(m["summary"] for m in messages(browser)), seconds=5, what="the summary block")
    browser.find_element(By.CSS_SELECTOR, "#log .msg--summary .copy-button").click()
    wait_until(browser, lambda: "Summary copied" in browser.find_element(By.ID, "status").text, seconds=5,
               what="the copy confirmation")

    # Delete my data: gone from the panel, its storage and the server.
    conversation = frame_session(browser)
    assert embed_bot.stored(conversation)
    count = len(bot_texts(browser))
    say(browser, "please delete my data")
    wait_for_bot(browser, count, "the confirmation question", contains="Shall I delete it?")
    wait_until(browser, lambda: [b.text for b in reply_buttons(browser)] == ["Yes, delete it", "No, keep it"],
               what="the confirmation buttons")
    next(b for b in reply_buttons(browser) if b.text == "Yes, delete it").click()
    wait_until(browser, lambda: any("deleted this conversation" in t for t in bot_texts(browser)), what="the deletion")
    wait_until(browser, lambda: len(messages(browser)) == 1, seconds=10, what="the transcript to be cleared")
    assert "clicks" not in (browser.execute_script(f"return localStorage.getItem('{STORE_KEY}')") or "")
    assert embed_bot.stored(conversation) == []

    # Start a new conversation: a new session, greeted again.
    browser.find_element(By.ID, "restart").click()
    wait_until(browser, lambda: len(messages(browser)) == 1 and "not a doctor" in bot_texts(browser)[0],
               what="a fresh conversation with the greeting")
    assert frame_session(browser) not in (None, conversation)

    # The close button in the panel's header closes it, focus back on the launcher.
    browser.find_element(By.ID, "close").click()
    to_host(browser)
    wait_until(browser, lambda: not panel_open(browser), seconds=5, what="the panel to close")
    wait_until(browser, lambda: host_focus(browser) == "launcher", seconds=5, what="focus on the launcher")


def test_phone_width_panel_fills_the_screen_and_the_launcher_covers_nothing(embed_bot, browser):
    bot, site = embed_bot.url, embed_bot.site
    site.write("phone.html", host_page(bot, "Knee pain", {"accent": "#7fd1c7", "side": "left", "open": "true"}))
    site.write("long.html", host_page(bot, "All our treatments", paragraphs=24))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    open_page(browser, f"{site.allowed}/phone.html")
    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(0.3)
    # data-open is ignored on a phone (the panel would cover the page); the launcher
    # is in the left corner (data-side), covers none of the page, and its light
    # accent colour was darkened enough for white text.
    assert not panel_open(browser)
    box = launcher(browser).rect
    assert box["x"] < 40 and box["y"] + box["height"] > 740 - 40, box
    assert covered_content(browser) == []
    colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", launcher(browser))
    assert colour != "rgb(127, 209, 199)" and colour.startswith("rgb("), colour
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360

    # A long page, scrolled to the end: its last lines are above the launcher.
    open_page(browser, f"{site.allowed}/long.html")
    assert browser.execute_script("return document.documentElement.scrollHeight") > 2 * 740
    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(0.2)
    assert covered_content(browser) == []
    assert rect(browser, "document.getElementById('last')")["bottom"] <= launcher(browser).rect["y"]

    # Open: the panel fills the screen; its own Close button is visible (the launcher is under it).
    launcher(browser).click()
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel")
    panel = rect(browser, "document.querySelector('knee-chat').shadowRoot.querySelector('.panel')")
    assert panel == {"left": 0, "top": 0, "right": 360, "bottom": 740}, panel
    assert not launcher(browser).is_displayed()
    to_panel(browser)
    wait_greeting(browser)
    close = browser.find_element(By.ID, "close")
    assert close.is_displayed() and close.get_attribute("textContent") == "Close the chat"
    r = close.rect
    assert r["x"] >= 0 and r["x"] + r["width"] <= 360 and r["y"] >= 0 and r["height"] >= 44, r
    assert browser.execute_script("return [document.documentElement.scrollWidth, innerWidth]") == [360, 360]
    assert browser.find_element(By.ID, "disclaimer").is_displayed()

    # A red flag: unmistakable emergency advice inside the panel.
    say(browser, RED_FLAG)
    wait_until(browser, lambda: any(m["alert"] == "emergency" for m in messages(browser)), what="the emergency alert")
    alert = next(m for m in messages(browser) if m["alert"] == "emergency")
    assert "emergency department" in alert["text"] and alert["role"] == "alert"
    style = browser.execute_script(
        """var el = document.querySelector('#log .msg--emergency'), s = getComputedStyle(el);
           return [s.borderLeftColor, s.borderLeftWidth, el.querySelector('.badge').textContent];""")
    assert style[:2] == ["rgb(179, 0, 27)", "8px"] and "Emergency" in style[2]
    time.sleep(0.5)  # the rest of the turn
    to_host(browser)
    assert axe_with_panel(browser) == []
    screenshot(browser, "embed_phone")

    to_panel(browser)
    browser.find_element(By.ID, "close").click()
    to_host(browser)
    wait_until(browser, lambda: not panel_open(browser), seconds=5, what="the panel to close")
    assert launcher(browser).is_displayed()
    wait_until(browser, lambda: host_focus(browser) == "launcher", seconds=5, what="focus on the launcher")

    # data-launcher="false": nothing floats over the page at all; the site's own
    # button opens the chat, and focus returns to it.
    site.write("own.html", host_page(bot, "All our treatments", {"launcher": "false"}, paragraphs=24,
                                     extra='<p><button id="open-chat" type="button">Chat with our assistant</button></p>'))
    open_page(browser, f"{site.allowed}/own.html")
    assert not launcher(browser).is_displayed()
    assert browser.execute_script("return document.querySelector('knee-chat').getBoundingClientRect().height") == 0
    browser.find_element(By.ID, "open-chat").click()
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel")
    to_panel(browser)
    wait_greeting(browser)
    browser.find_element(By.ID, "close").click()
    to_host(browser)
    wait_until(browser, lambda: not panel_open(browser), seconds=5, what="the panel to close")
    wait_until(browser, lambda: host_focus(browser) == "open-chat", seconds=5, what="focus on the site's button")


def test_a_site_that_may_not_embed_gets_no_conversation(embed_bot, browser):
    bot, site = embed_bot.url, embed_bot.site
    allowed = quote(site.allowed, safe="")
    refused = quote(site.refused, safe="")
    site.write("refused.html", host_page(bot, "Knee pain", {"open": "true"}))
    # Pages that skip embed.js's check and frame the panel directly: naming the
    # allowed origin (not theirs), and naming their own.
    frames = "".join(f'<iframe title="chat {i}" src="{bot}/chat/frame?origin={o}"></iframe>'
                     for i, o in enumerate([allowed, refused]))
    site.write("framing.html", host_page(bot, "Knee pain", snippet=frames))
    before = set(embed_bot.conversations())
    browser.get_log("performance")

    browser.get(f"{site.refused}/refused.html")
    wait_until(browser, lambda: any("may not embed" in e["message"] for e in browser.get_log("browser")),
               seconds=10, what="embed.js's console warning")
    time.sleep(1)
    assert browser.execute_script("return document.querySelector('knee-chat')") is None  # no launcher, no panel
    # Nor can the page talk to the bot's socket.io itself.
    refused_socket = browser.execute_async_script(
        """var done = arguments[arguments.length - 1];
           fetch(arguments[0] + '/socket.io/?EIO=4&transport=polling').then(
             function (r) { done('status ' + r.status); }, function (e) { done('refused'); });""", bot)
    assert refused_socket == "refused"
    polled = [u for u in network_urls(browser) if "/socket.io/" in u]
    assert polled == [f"{bot}/socket.io/?EIO=4&transport=polling"], polled  # only that attempt

    browser.get(f"{site.refused}/framing.html")
    time.sleep(3)
    for index in range(2):
        browser.switch_to.default_content()
        browser.switch_to.frame(browser.find_elements(By.TAG_NAME, "iframe")[index])
        assert browser.execute_script("return document.getElementById('log')") is None  # blocked: not the chat
    browser.switch_to.default_content()

    urls = network_urls(browser)
    assert any("/chat/frame?" in u for u in urls), urls  # asked for, and refused
    assert not [u for u in urls if "/socket.io/" in u or "/chat/static/" in u], urls
    assert set(embed_bot.conversations()) == before, "the bot said something to a refused site"


def test_blocked_third_party_storage_keeps_the_conversation_in_the_site_tab(embed_bot, tmp_path):
    """Third-party cookies blocked and storage not partitioned: the frame may not use
    its localStorage, so embed.js keeps the conversation in the site's sessionStorage."""
    bot, site = embed_bot.url, embed_bot.site
    site.write("blocked.html", host_page(bot, "Knee pain"))
    profile = tmp_path / "blocked"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps({"profile": {"cookie_controls_mode": 1}}))
    driver = start_browser(profile, extra_flags=("--disable-features=ThirdPartyStoragePartitioning",))
    try:
        open_page(driver, f"{site.allowed}/blocked.html")
        launcher(driver).click()
        to_panel(driver)
        wait_greeting(driver)
        assert driver.execute_script("return document.documentElement.dataset.storage") == "website"
        say(driver, "my knee clicks when I squat")
        wait_until(driver, lambda: reply_buttons(driver), what="the first question")
        shown = [(m["who"], m["text"]) for m in messages(driver)]
        to_host(driver)
        kept = driver.execute_script(f"return sessionStorage.getItem('kneeChat:{bot}:conversation')")
        conversation = json.loads(kept)["sessionId"]
        assert "clicks" in kept and embed_bot.stored(conversation)

        driver.refresh()
        wait_launcher(driver)
        wait_until(driver, lambda: panel_open(driver), seconds=5, what="the panel, still open")
        to_panel(driver)
        wait_until(driver, lambda: len(messages(driver)) >= len(shown), seconds=10, what="the history after reload")
        assert [(m["who"], m["text"]) for m in messages(driver)][: len(shown)] == shown
        count = len(bot_texts(driver))
        next(b for b in reply_buttons(driver) if b.text == "No").click()
        wait_for_bot(driver, count, "the next question after the reload")
        to_host(driver)
        assert json.loads(driver.execute_script(
            f"return sessionStorage.getItem('kneeChat:{bot}:conversation')"))["sessionId"] == conversation
    finally:
        driver.quit()
