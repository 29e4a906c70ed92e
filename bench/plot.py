"""bench/out/latency_vs_concurrency.png: p50/p95 latency and throughput against the
number of concurrent conversations, both bots (matplotlib, no display)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict


def plot(data: Dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for bot, color in (("ours", "tab:blue"), ("stock", "tab:orange")):
        levels = sorted(data[bot]["levels"], key=int)
        x = [int(level) for level in levels]
        for q, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            ax.plot(x, [data[bot]["levels"][level][q] for level in levels], style, color=color,
                    label=f"{bot} {q[:3]}")
        ax2.plot(x, [data[bot]["levels"][level]["throughput_msg_s"] for level in levels], "-o", color=color, label=bot)
    for a, title, ylabel in ((ax, "Latency per message (REST)", "ms"), (ax2, "Throughput", "messages / s")):
        a.set_xscale("log")
        a.set_xticks(sorted({int(v) for bot in ("ours", "stock") for v in data[bot]["levels"]}))
        a.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        a.set_xlabel("concurrent conversations")
        a.set_ylabel(ylabel)
        a.set_title(title)
        a.grid(True, alpha=0.3)
        a.legend()
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}" if str(v)[0] in "25" else ""))
    ax2.set_ylim(bottom=0)
    fig.suptitle(f"knee bot vs stock rasa init bot, {data['environment']['cpus']} CPUs, {data['environment']['date']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
