"""Time the website chat page (/chat) in a real browser (Debian chromium, headless).

    python bench/bench_web.py [--loads N] [--turns N] [--url http://127.0.0.1:5005]

Without --url it starts an action server and `rasa run` on free ports with
credentials.yml (tests/servers.py), like the e2e tests. Prints numbers only:

  first bot message  from the start of the page load (navigation) to the
                     greeting rendered; the page sends "/greet" once the
                     socket.io session is confirmed. The first load after the
                     server starts is reported apart (cold).
  round trip         from pressing Send / a quick-reply button to the first
                     reply message rendered (performance marks set by chat.js).
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.test_web_chat import (  # noqa: E402
    bot_texts, reply_buttons, say, start_browser, wait_until,
)
from tests.servers import ROOT, free_port, start_action_server, start_rasa, stop  # noqa: E402

TYPED = ["what is sciatica?", "how is it treated?", "what causes it?", "how do I prevent it?"]
SYMPTOMS = "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too"


def marks(driver):
    """chat.js's performance marks/measures, in ms since navigation start."""
    return driver.execute_script(
        """var nav = performance.getEntriesByType('navigation')[0];
           var get = function (n) { var e = performance.getEntriesByName(n); return e.length ? e[e.length - 1] : null; };
           var first = get('chat:first-bot-message'), sent = performance.getEntriesByName('chat:send')[0];
           return {first: first && first.startTime, greet_sent: sent && sent.startTime,
                   dom_ready: nav && nav.domContentLoadedEventEnd,
                   round_trips: performance.getEntriesByName('chat:round-trip').map(function (m) { return m.duration; })};"""
    )


def fresh_load(driver, url):
    driver.get("about:blank")  # leave the page first, so nothing writes the old conversation back
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": url, "storageTypes": "local_storage"})
    driver.get(f"{url}/chat")
    wait_until(driver, lambda: any("not a doctor" in t for t in bot_texts(driver)), what="the greeting")
    return marks(driver)


def round_trip(driver, action):
    """Run one action (send / click) and return the page's last round-trip measure (ms)."""
    before = len(driver.execute_script("return performance.getEntriesByName('chat:round-trip')"))
    count = len(bot_texts(driver))
    action()
    wait_until(driver, lambda: len(bot_texts(driver)) > count, what="a reply")
    wait_until(driver, lambda: len(driver.execute_script("return performance.getEntriesByName('chat:round-trip')")) > before,
               seconds=5, what="the round-trip measure")
    return driver.execute_script("var m = performance.getEntriesByName('chat:round-trip'); return m[m.length - 1].duration")


def summary(name, values):
    values = [v for v in values if v is not None]
    if not values:
        print(f"{name:34s} n=0")
        return
    print(f"{name:34s} n={len(values):2d}  median {statistics.median(values):7.0f} ms"
          f"  min {min(values):7.0f}  max {max(values):7.0f}")


def run(url, loads, turns):
    profile_root = Path(tempfile.mkdtemp(prefix="bench_web_"))
    profile = profile_root / "profile"
    profile.mkdir()
    driver = start_browser(profile)
    try:
        # Cold: the first page load the server sees.
        cold = fresh_load(driver, url)
        warm = [fresh_load(driver, url) for _ in range(loads)]
        print(f"page load -> first bot message (greeting), url {url}")
        print(f"{'cold (first load after start)':34s} {cold['first']:7.0f} ms"
              f"  (DOM ready {cold['dom_ready']:.0f}, greeting sent {cold['greet_sent']:.0f})")
        summary("warm", [m["first"] for m in warm])
        summary("  of which: DOM ready", [m["dom_ready"] for m in warm])
        summary("  of which: greeting sent", [m["greet_sent"] for m in warm])
        summary("  of which: greeting round trip", [m["round_trips"][0] if m["round_trips"] else None for m in warm])

        # Round trips in one conversation: typed questions, then interview answers by button.
        typed = [round_trip(driver, lambda t=t: say(driver, t)) for t in (TYPED * turns)[:turns]]
        first_question = round_trip(driver, lambda: say(driver, SYMPTOMS))
        wait_until(driver, lambda: reply_buttons(driver), what="the interview buttons")
        buttons = []
        for _ in range(turns):
            if not reply_buttons(driver):
                break
            buttons.append(round_trip(driver, lambda: next(b for b in reply_buttons(driver) if b.text == "No").click()))
            wait_until(driver, lambda: reply_buttons(driver) or any("pattern" in t for t in bot_texts(driver)),
                       what="the next question or the assessment")
        print("round trip: send -> first reply rendered")
        summary("typed question (knowledge topic)", typed)
        print(f"{'symptoms -> first question':34s} {first_question:7.0f} ms")
        summary("quick-reply answer (No)", buttons)
        summary("all", typed + [first_question] + buttons)
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5, help="warm page loads (default 5)")
    parser.add_argument("--turns", type=int, default=5, help="typed and button turns each (default 5)")
    parser.add_argument("--url", help="use a running bot instead of starting one")
    args = parser.parse_args()
    if args.url:
        run(args.url.rstrip("/"), args.loads, args.turns)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench_web_servers_"))
    action_port, rasa_port = free_port(), free_port()
    t0 = time.monotonic()
    actions = start_action_server(action_port, workdir / "actions.log")
    rasa = None
    try:
        rasa = start_rasa(rasa_port, workdir, f"http://127.0.0.1:{action_port}/webhook", ROOT / "credentials.yml")
        print(f"servers up in {time.monotonic() - t0:.0f} s (logs in {workdir})")
        run(f"http://127.0.0.1:{rasa_port}", args.loads, args.turns)
    finally:
        stop(rasa, actions)


if __name__ == "__main__":
    main()
