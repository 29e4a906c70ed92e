"""Time the chat embedded in another website (the /chat/embed.js snippet) against
the /chat page, in a real browser (Debian chromium, headless). Prints numbers only.

    python bench/bench_embed.py [--loads N] [--turns N] [--screenshots docs/img]

It starts an action server, `rasa run --cors <site>` and a small website on
another origin with the snippet (tests/e2e/test_embed.py), like the e2e tests.

  /chat                 page load (navigation start) -> greeting rendered
  launcher -> panel     click on the launcher -> the panel painted (next frame)
  launcher -> content   click -> the panel's page ready (its DOMContentLoaded:
                        disclaimer, message box) ...
  launcher -> greeting  ... and -> the greeting rendered (a new visitor)
                        "cold": the click is the first the widget hears of it;
                        "hovered": the pointer rested on the launcher first
                        (embed.js then loads the panel's page, not connecting)
  reopen                close and open again: the panel is kept
  round trip            send -> first reply rendered (chat.js's marks), in the
                        panel and on /chat

--screenshots DIR writes embed-desktop.png, embed-phone.png and
embed-phone-closed.png there (docs/img/ for docs/web.md).
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_web import fresh_load, round_trip  # noqa: E402
from tests.e2e.test_embed import (  # noqa: E402
    SYMPTOMS, host_page, launcher, open_page, panel_open, start_embed_bot, to_host, to_panel, wait_greeting,
    widget_root,
)
from tests.e2e.test_web_chat import bot_texts, reply_buttons, say, start_browser, wait_until  # noqa: E402

TYPED = ["what is sciatica?", "how is it treated?", "what causes it?", "how do I prevent it?"]

# A plain clinic style for the screenshots (the tests' site CSS is deliberately hostile).
CLEAN_CSS = """
body { margin: 0; font: 17px/1.6 Georgia, serif; color: #222; background: #fbfaf7; }
header, main, footer { padding: 0.5rem 1.25rem; max-width: 46rem; margin: 0 auto; }
header { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: baseline; border-bottom: 1px solid #d8d2c4; }
nav a { margin-right: 1rem; color: #0b4f4a; }
h1 { font-size: 1.7rem; color: #0b4f4a; }
button { font: inherit; padding: 0.4rem 0.8rem; border: 1px solid #0b4f4a; background: #fff; color: #0b4f4a; border-radius: 4px; }
footer { color: #555; border-top: 1px solid #d8d2c4; font-size: 0.9rem; }
"""


def absolute(driver, name):
    """A performance mark of the current document, in ms since the epoch."""
    return driver.execute_script(
        "var e = performance.getEntriesByName(arguments[0]); return e.length ? performance.timeOrigin + e[e.length - 1].startTime : null;",
        name)


def forget_visitor(driver, site_origin):
    """A new visitor: the panel's (partitioned) storage and the site's sessionStorage emptied."""
    if driver.execute_script("return !!document.querySelector('knee-chat') && !!document.querySelector('knee-chat').shadowRoot.querySelector('iframe')"):
        to_panel(driver)
        driver.execute_script("localStorage.clear()")
        to_host(driver)
    driver.execute_script("sessionStorage.clear()")
    driver.get("about:blank")


def click_launcher(driver):
    """Click the launcher from script (no pointer: no hover preloading); returns
    [click, panel painted] in ms since the epoch."""
    return driver.execute_async_script(
        """var done = arguments[arguments.length - 1];
           var button = document.querySelector('knee-chat').shadowRoot.querySelector('.launcher');
           var t0 = performance.timeOrigin + performance.now();
           button.click();
           requestAnimationFrame(function () { setTimeout(function () {
             done([t0, performance.timeOrigin + performance.now()]); }, 0); });""")


def embed_open(driver, url, hover):
    """One new visitor opens the launcher: (panel painted, content ready, greeting) in ms after the click."""
    open_page(driver, url)
    if hover:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(driver).move_to_element(launcher(driver)).perform()
        wait_until(driver, lambda: absolute(driver, "kneechat:frame-ready"), seconds=10, what="the preloaded panel")
    clicked, painted = click_launcher(driver)
    wait_until(driver, lambda: absolute(driver, "kneechat:frame-ready"), seconds=10, what="the panel's page")
    to_panel(driver)
    wait_greeting(driver)
    ready = driver.execute_script(
        "var n = performance.getEntriesByType('navigation')[0]; return performance.timeOrigin + n.domContentLoadedEventEnd;")
    greeting = absolute(driver, "chat:first-bot-message")
    to_host(driver)
    # Close and open again: the panel and its page are kept.
    launcher(driver).click()
    wait_until(driver, lambda: not panel_open(driver), seconds=5, what="the panel to close")
    again, again_painted = click_launcher(driver)
    return {"panel": painted - clicked, "content": max(ready, clicked) - clicked, "greeting": greeting - clicked,
            "reopen": again_painted - again}


def summary(name, values):
    values = [v for v in values if v is not None]
    if not values:
        print(f"{name:36s} n=0")
        return
    print(f"{name:36s} n={len(values):2d}  median {statistics.median(values):6.0f} ms"
          f"  min {min(values):6.0f}  max {max(values):6.0f}")


def panel_round_trips(driver, turns):
    times = []
    for text in (TYPED * turns)[:turns]:
        times.append(round_trip(driver, lambda t=text: say(driver, t)))
    return times


def screenshots(bot, out: Path, profile_root: Path):
    site = bot.site
    (site.root / "site.css").write_text(CLEAN_CSS, encoding="utf-8")
    site.write("clinic.html", host_page(bot.url, "Knee pain", paragraphs=6))
    out.mkdir(parents=True, exist_ok=True)
    for name, width, height, scale in [("desktop", 1280, 800, 1), ("phone", 360, 740, 2)]:
        profile = profile_root / f"shots_{name}"
        profile.mkdir()
        driver = start_browser(profile)
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": name == "phone"})
            open_page(driver, f"{site.allowed}/clinic.html")
            if name == "phone":
                time.sleep(0.3)
                driver.save_screenshot(str(out / "embed-phone-closed.png"))
            launcher(driver).click()
            to_panel(driver)
            wait_greeting(driver)
            say(driver, SYMPTOMS)
            wait_until(driver, lambda: reply_buttons(driver), what="the first question")
            count = len(bot_texts(driver))
            next(b for b in reply_buttons(driver) if b.text == "No").click()
            wait_until(driver, lambda: len(bot_texts(driver)) > count and reply_buttons(driver), what="the next question")
            time.sleep(0.5)
            to_host(driver)
            driver.save_screenshot(str(out / f"embed-{name}.png"))
        finally:
            driver.quit()
    print(f"screenshots: {', '.join(str(p) for p in sorted(out.glob('embed-*.png')))}")


def run(bot, loads, turns, shots):
    site = bot.site
    site.write("bench.html", host_page(bot.url, "Knee pain"))
    page = f"{site.allowed}/bench.html"
    profile_root = Path(tempfile.mkdtemp(prefix="bench_embed_"))
    profile = profile_root / "profile"
    profile.mkdir()
    driver = start_browser(profile, width=1280, height=800)
    try:
        cold_chat = fresh_load(driver, bot.url)["first"]
        chat = [fresh_load(driver, bot.url)["first"] for _ in range(loads)]
        chat_trips = panel_round_trips(driver, turns)

        samples = {"cold": [], "hovered": []}
        for kind in samples:
            for _ in range(loads):
                samples[kind].append(embed_open(driver, page, hover=(kind == "hovered")))
                forget_visitor(driver, site.allowed)
        # Round trips in the panel.
        open_page(driver, page)
        launcher(driver).click()
        to_panel(driver)
        wait_greeting(driver)
        embed_trips = panel_round_trips(driver, turns)
        to_host(driver)
    finally:
        driver.quit()

    print(f"bot {bot.url}, site {site.allowed}; {loads} new visitors each")
    print(f"{'/chat: page load -> greeting (cold)':36s} {cold_chat:6.0f} ms")
    summary("/chat: page load -> greeting", chat)
    for kind, rows in samples.items():
        summary(f"launcher ({kind}) -> panel painted", [r["panel"] for r in rows])
        summary(f"launcher ({kind}) -> panel content", [r["content"] for r in rows])
        summary(f"launcher ({kind}) -> greeting", [r["greeting"] for r in rows])
    summary("reopen -> panel painted", [r["reopen"] for rows in samples.values() for r in rows])
    summary("round trip, /chat", chat_trips)
    summary("round trip, embedded panel", embed_trips)
    if shots:
        screenshots(bot, Path(shots), profile_root)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5, help="new visitors per measure (default 5)")
    parser.add_argument("--turns", type=int, default=5, help="typed round trips each (default 5)")
    parser.add_argument("--screenshots", help="write the docs' screenshots into this folder (e.g. docs/img)")
    args = parser.parse_args()
    t0 = time.monotonic()
    bot, stop_all = start_embed_bot(Path(tempfile.mkdtemp(prefix="bench_embed_servers_")))
    try:
        print(f"servers up in {time.monotonic() - t0:.0f} s (logs in {bot.workdir})")
        run(bot, args.loads, args.turns, args.screenshots)
    finally:
        stop_all()


if __name__ == "__main__":
    main()
