"""The benchmark's report: the side-by-side table, the issues' targets, the long
conversations, accuracy and the profile, as Markdown (bench/out/report.md and
BENCHMARKS.md between its bench:report markers) and as text for the terminal."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from bench.paths import DOC

DOC_START, DOC_END = "<!-- bench:report:start -->", "<!-- bench:report:end -->"
BLOCK = 20  # messages per block of a long conversation (bench/load.py blocks)


def fmt(value, digits=1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ratio(ours, stock) -> str:
    if ours is None or stock in (None, 0):
        return "n/a"
    return f"{ours / stock:.2f}x"


def rows(data: Dict) -> List[tuple]:
    """(metric, ours, stock) for the side-by-side table."""
    o, s = data["ours"], data["stock"]
    table = [
        ("Training time (s)", o.get("train_s"), s.get("train_s")),
        ("Cold start: process start to first REST answer (s)", o["cold_start_s"], s["cold_start_s"]),
        ("RSS after load: Rasa server (MB)", o["rss_after_load_mb"]["rasa"], s["rss_after_load_mb"]["rasa"]),
        ("RSS after load: action server (MB)", o["rss_after_load_mb"].get("actions"), None),
        ("RSS after load: total (MB)", o["rss_after_load_mb"]["total"], s["rss_after_load_mb"]["total"]),
        ("RSS after the load tests: total (MB)", o["rss_after_load_tests_mb"]["total"], s["rss_after_load_tests_mb"]["total"]),
        ("One conversation at a time: p50 (ms)", o["sequential"]["p50_ms"], s["sequential"]["p50_ms"]),
        ("One conversation at a time: p95 (ms)", o["sequential"]["p95_ms"], s["sequential"]["p95_ms"]),
    ]
    if o.get("long") and s.get("long"):
        last = len(o["long"]["block_mean_ms"]) - 1
        table += [
            ("Long conversation, messages 1-20: mean (ms)", o["long"]["block_mean_ms"][0], s["long"]["block_mean_ms"][0]),
            (f"Long conversation, messages {last * BLOCK + 1}-{(last + 1) * BLOCK}: mean (ms)",
             o["long"]["block_mean_ms"][last], s["long"]["block_mean_ms"][last]),
        ]
    for level in o["levels"]:
        lo, ls = o["levels"][level], s["levels"].get(level, {})
        table += [
            (f"{level} concurrent: throughput (msg/s)", lo["throughput_msg_s"], ls.get("throughput_msg_s")),
            (f"{level} concurrent: p50 (ms)", lo["p50_ms"], ls.get("p50_ms")),
            (f"{level} concurrent: p95 (ms)", lo["p95_ms"], ls.get("p95_ms")),
        ]
    errors = lambda d: (d["sequential"]["errors"] + sum(v["errors"] for v in d["levels"].values())  # noqa: E731
                        + (d.get("long") or {}).get("errors", 0))
    table.append(("Failed requests (all runs)", errors(o), errors(s)))
    return table


def _level(o: Dict, wanted: str, fallback: int) -> str:
    levels = sorted(o["levels"], key=int)
    return wanted if wanted in o["levels"] else levels[min(fallback, len(levels) - 1)]


def targets(data: Dict) -> List[tuple]:
    """(target, ratio, met) for the issues' targets (issue 15 first, then the earlier ones)."""
    o, s = data["ours"], data["stock"]
    mid, high = _level(o, "10", 1), _level(o, "50", 2)
    below = lambda limit: (lambda r: r <= limit)  # noqa: E731
    above = lambda limit: (lambda r: r >= limit)  # noqa: E731
    checks: List[tuple] = []
    if o.get("long") and s.get("long"):
        ours, stock = o["long"]["block_mean_ms"], s["long"]["block_mean_ms"]
        last = f"{(len(ours) - 1) * BLOCK + 1}-{len(ours) * BLOCK}"
        checks += [
            (f"long conversation: ours {last} <= 1.5x ours 1-20", ours[-1], ours[0], below(1.5)),
            (f"long conversation: ours {last} <= 0.7x stock {last}", ours[-1], stock[-1], below(0.7)),
        ]
    checks += [
        (f"throughput at {mid} concurrent >= 1.3x stock", o["levels"][mid]["throughput_msg_s"],
         s["levels"][mid]["throughput_msg_s"], above(1.3)),
        (f"p95 at {high} concurrent <= 1.0x stock", o["levels"][high]["p95_ms"], s["levels"][high]["p95_ms"],
         below(1.0)),
        (f"p95 at {mid} concurrent <= 1.0x stock", o["levels"][mid]["p95_ms"], s["levels"][mid]["p95_ms"], below(1.0)),
        ("p95 one conversation at a time <= 1.0x stock", o["sequential"]["p95_ms"], s["sequential"]["p95_ms"],
         below(1.0)),
        ("RSS after load, Rasa server <= 1.0x stock", o["rss_after_load_mb"]["rasa"], s["rss_after_load_mb"]["rasa"],
         below(1.0)),
        ("RSS after load, Rasa + action server <= 1.0x stock", o["rss_after_load_mb"]["total"],
         s["rss_after_load_mb"]["total"], below(1.0)),
        ("cold start <= 1.0x stock", o["cold_start_s"], s["cold_start_s"], below(1.0)),
    ]
    out = []
    for name, ours, stock, ok in checks:
        if ours is None or not stock:
            out.append((name, "n/a", "n/a"))
        else:
            out.append((name, f"{ours / stock:.2f}x", "met" if ok(ours / stock) else "MISSED"))
    return out


def long_md(data: Dict) -> List[str]:
    """The long conversations: mean ms per message per block of 20, both bots, and the spread."""
    o, s = data["ours"].get("long"), data["stock"].get("long")
    if not o or not s:
        return ["(long conversations not run)"]
    heads = [f"{i * BLOCK + 1}-{(i + 1) * BLOCK}" for i in range(len(o["block_mean_ms"]))]
    spread = lambda d: ", ".join(f"{lo:.0f}-{hi:.0f}" for lo, hi in zip(d["block_min_ms"], d["block_max_ms"]))  # noqa: E731
    return [
        f"{len(o['runs'])} conversation(s) of {o['messages']} messages per bot, one message at a time over REST, "
        f"each conversation one sender (bench/load.py: ours the interview then follow-up questions, again and "
        f"again; stock its mood flow again and again); mean ms per message per block of {BLOCK}:",
        "",
        "| messages | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(heads),
        "| ours | " + " | ".join(fmt(v) for v in o["block_mean_ms"]) + " |",
        "| stock | " + " | ".join(fmt(v) for v in s["block_mean_ms"]) + " |",
        "| ours / stock | " + " | ".join(ratio(a, b) for a, b in zip(o["block_mean_ms"], s["block_mean_ms"])) + " |",
        "",
        f"Range over the conversations, per block: ours {spread(o)}; stock {spread(s)} ms.",
    ]


def _profile_table(breakdown: List[Dict], columns: Optional[List[List[Dict]]] = None,
                   heads: Optional[List[str]] = None) -> List[str]:
    if columns is None:
        lines = ["| part of one message | median ms | mean ms | calls per message |", "|---|---:|---:|---:|"]
        for row in breakdown:
            calls = f"{row['calls']:.1f}" if row["calls"] else ""
            lines.append(f"| {row['part']} | {row['median_ms']:.1f} | {row['mean_ms']:.1f} | {calls} |")
        return lines
    lines = ["| part of one message, mean ms | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for row in breakdown:
        values = [next((r["mean_ms"] for r in block if r["key"] == row["key"]), 0.0) for block in columns]
        lines.append(f"| {row['part']} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
    return lines


def profile_md(profile: Optional[Dict], rest_p50: Optional[float] = None) -> List[str]:
    if not profile:
        return ["(profile not run: `python -m bench.run` without --quick runs it)"]
    preload = f", with {profile['preload']} loaded" if profile.get("preload") else ""
    lines = [
        f"In process, {profile['messages']} messages of patient interviews after a warm-up, "
        f"{profile.get('tracker_store', 'sql')} tracker store{preload}; per user message "
        f"(`bench/profile_turn.py`, timers around Rasa's steps; REST and Sanic not included):",
        "",
        *_profile_table(profile["breakdown"]),
        "",
    ]
    if rest_p50 is not None:
        lines.append(f"For comparison, over REST the p50 was {rest_p50:.0f} ms (one conversation at a time, "
                     f"measured earlier in the run, so the machine's load may differ).")
    calls = profile.get("remote_actions_per_message") or {}
    if calls:
        lines.append("Action server calls per user message: " + ", ".join(f"{k} {v}" for k, v in calls.items())
                     + f"; mean payload {profile.get('action_payload_kb_mean')} kB of JSON per call.")
    long = profile.get("long")
    if long and long.get("blocks"):
        blocks = long["blocks"]
        first, last = blocks[0], blocks[-1]
        heads = ["1-20", f"{(len(blocks) - 1) * BLOCK + 1}-{len(blocks) * BLOCK}"]
        events = long["events_loaded"][BLOCK - 1::BLOCK]
        lines += [
            "",
            f"One conversation of {long['messages']} messages (in process, the same timers), first and last block "
            f"of {BLOCK}:",
            "",
            *_profile_table(first, [first, last], heads),
            f"| action-server payload, mean kB per call | {fmt(long['payload_kb_per_block'][0])} | "
            f"{fmt(long['payload_kb_per_block'][-1])} |",
            f"| events the store reads for the conversation, after the block | {events[0]} | {events[-1]} |",
        ]
    return lines


def qta_medians(qta: Optional[Dict]) -> List[tuple]:
    """(label, value) from results/questions_to_assessment.json (either of its formats)."""
    if not qta:
        return [("questions to assessment, median (conversation tests)", "n/a (run make test-conversations)")]
    out = []
    if "median" in qta:
        out.append(("questions to assessment, median (conversation tests)", qta["median"]))
    if "median_all" in qta:
        out.append(("questions to assessment, median over all conversation tests", qta["median_all"]))
    if "median_complete_routine" in qta:
        out.append(("questions to assessment, median over complete routine interviews",
                    qta["median_complete_routine"]))
    return out or [("questions to assessment", "n/a (unknown format)")]


def report_md(data: Dict) -> str:
    o, s, env = data["ours"], data["stock"], data["environment"]
    settings = data["settings"]
    long_runs = f", {settings['long_runs']} x {settings['long_messages']}-message conversations" \
        if settings.get("long_messages") else ""
    lines = [
        f"Run {env['date']} on {env['cpus']} CPUs ({env['machine']}), load average {env['loadavg_start']} at the "
        f"start and {env['loadavg_end']} at the end, Python {env['python']}, Rasa {env['rasa']}, commit "
        f"{env['commit']}{' (+ uncommitted changes)' if env['dirty'] else ''}; mode: {data['mode']}; "
        f"{settings['duration_s']:.0f} s per concurrency level, "
        f"{settings['messages']} sequential messages{long_runs}; the whole run took {data['total_s']:.0f} s.",
        "",
        "| metric | ours | stock | ratio (ours/stock) |",
        "|---|---:|---:|---:|",
    ]
    for name, ours, stock in rows(data):
        lines.append(f"| {name} | {fmt(ours)} | {fmt(stock)} | {ratio(ours, stock)} |")
    lines += ["", f"Training: ours {o['train_how']}; stock {s['train_how']}.", "",
              "| target (issue) | ratio | |", "|---|---:|---|"]
    for name, value, met in targets(data):
        lines.append(f"| {name} | {value} | {met} |")
    acc = data["accuracy"]
    nlu = acc.get("nlu_dev") or {}
    lines += [
        "",
        "Long conversations:",
        "",
        *long_md(data),
        "",
        "Accuracy (ours; the stock bot has no comparable task):",
        "",
        "| metric | ours |",
        "|---|---:|",
        f"| development NLU set: examples | {fmt(nlu.get('examples'))} |",
        f"| development NLU set: micro-F1 | {fmt(nlu.get('micro_f1'), 3)} |",
        f"| emergency red-flag recall | {fmt(nlu.get('emergency_red_flag_recall'), 3)} |",
        f"| emergency false alarm rate | {fmt(nlu.get('emergency_false_alarm_rate'), 3)} |",
        f"| urgent red-flag recall | {fmt(nlu.get('urgent_red_flag_recall'), 3)} |",
        f"| triage accuracy | {fmt(nlu.get('triage_accuracy'), 3)} |",
        *[f"| {label} | {fmt(value)} |" for label, value in qta_medians(acc.get("questions_to_assessment"))],
        "",
        "Where the time of one message goes (ours):",
        "",
        *profile_md(data.get("profile"), o["sequential"]["p50_ms"]),
    ]
    return "\n".join(lines) + "\n"


def table_text(data: Dict) -> str:
    """The table, the targets, the long conversations and accuracy, for the terminal."""
    body = [(n, fmt(o), fmt(s), ratio(o, s)) for n, o, s in rows(data)]
    head = ("metric", "ours", "stock", "ratio (ours/stock)")
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(4)]
    line: Callable = lambda r: "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])  # noqa: E731
                                         for i, c in enumerate(r))
    out = [line(head), "  ".join("-" * w for w in widths), *map(line, body), ""]
    for name, value, met in targets(data):
        out.append(f"target: {name}: {value} {met}")
    for bot in ("ours", "stock"):
        if data[bot].get("long"):
            out.append(f"long conversation, {bot}, mean ms per block of {BLOCK}: {data[bot]['long']['block_mean_ms']}")
    nlu = (data["accuracy"].get("nlu_dev") or {})
    out.append(f"accuracy: micro-F1 {fmt(nlu.get('micro_f1'), 3)}, emergency red-flag recall "
               f"{fmt(nlu.get('emergency_red_flag_recall'), 3)}, emergency false alarm rate "
               f"{fmt(nlu.get('emergency_false_alarm_rate'), 3)}")
    for label, value in qta_medians(data["accuracy"].get("questions_to_assessment")):
        out.append(f"accuracy: {label}: {fmt(value)}")
    return "\n".join(out)


def write_doc(report: str) -> None:
    """Put the report into BENCHMARKS.md between its bench:report markers."""
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{DOC_START}\n{DOC_END}\n"
    if DOC_START not in text or DOC_END not in text:
        raise SystemExit(f"{DOC} has no {DOC_START} ... {DOC_END} markers")
    before, rest = text.split(DOC_START, 1)
    after = rest.split(DOC_END, 1)[1]
    DOC.write_text(f"{before}{DOC_START}\n{report}{DOC_END}{after}")
