"""REST load client for the benchmark: realistic conversations, one sender id each.

    python -m bench.load --url http://127.0.0.1:5005 --bot ours --concurrency 10 --duration 20
    python -m bench.load --url http://127.0.0.1:5005 --bot ours --long 120

Each virtual user holds one conversation at a time over the REST channel
(POST /webhooks/rest/webhook), waits for the reply before it sends the next
message (as a person would, without think time), and starts a new
conversation with a new sender id when one ends.

  ours   a patient interview: an optional greeting, a symptom description,
         then the answers to the bot's questions (read from the reply: "no" to
         the emergency screen, a seeded mix of yes / no / not sure / "why do
         you ask?" to the pattern questions), then "what should I tell my
         doctor?" (half the time) and a goodbye.
  stock  the `rasa init` bot's mood flow: a greeting, a mood, an answer to
         "Did that help you?" when it asks, sometimes "are you a bot?", bye.

--long N: ONE conversation of N messages, one sender, one message at a time
(LONG_SCRIPTS: ours the interview, then follow-up questions, then the symptoms
again and so on; stock its mood flow again and again); prints the mean latency
per block of 20 messages, so a cost that grows with the conversation shows.

Latency is measured by the client around each request (connect, send, the
whole reply read), in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- our bot
GREETINGS = ["hi", "hello", "hey there", "good morning", "hi, I need some advice about my knee"]
SYMPTOMS = [
    "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too",
    "I twisted my knee playing football last week, now it's swollen and it clicks when I walk",
    "My knee has been killing me for about three weeks now, it's worse going down stairs",
    "there's a deep ache in my bum that goes down to my knee and it's worse when I sit",
    "the pain is on the inside of my left knee and it sometimes locks",
    "my knee aches and I get pins and needles in my toes sometimes",
    "It started after I went running on Sunday, I think I overdid it. The knee is stiff in the morning",
    "i cant sit for long its agony down my leg into my knee",
    "my knee gives out on me going up stairs and it grinds when I squat",
    "I have a bad back anyway and now the back of my knee hurts too",
]
NO = ["no", "nope", "no, nothing like that", "not at all", "no I don't think so"]
YES = ["yes", "yeah", "yes it does", "yep, a bit", "definitely"]
UNSURE = ["not sure", "I don't know", "maybe, hard to say"]
WRAP_UP = ["what should I tell my doctor?"]
BYE = ["thanks, bye", "thank you", "ok thanks, goodbye"]


def screening_questions() -> set:
    """The texts of the emergency-screen questions (answered "no" by the load)."""
    data = yaml.safe_load((ROOT / "bot" / "data" / "questions.yml").read_text(encoding="utf-8"))
    return {data["questions"][f]["text"].strip() for f in data["screening"] if f in data.get("questions", {})}


def pending_question(reply: Optional[list]) -> Optional[str]:
    """The text of the bot's question waiting for an answer (its last message with
    buttons), or None when it asked nothing."""
    question = next((m for m in reversed(reply or []) if m.get("buttons")), None)
    return None if question is None else (question.get("text") or "").strip()


class PatientInterview:
    """Our bot: symptom message, then the answers to whatever the bot asks."""

    max_messages = 20

    def __init__(self, rng: random.Random, screening: set):
        self.rng, self.screening = rng, screening
        self.sent = 0
        self.asked_why = False
        self.stage = "start"

    def next_message(self, reply: Optional[list]) -> Optional[str]:
        rng = self.rng
        self.sent += 1
        if self.sent > self.max_messages:
            return None
        if self.stage == "start":
            self.stage = "symptoms"
            if rng.random() < 0.7:
                return rng.choice(GREETINGS)
        if self.stage == "symptoms":
            self.stage = "interview"
            return rng.choice(SYMPTOMS)
        if self.stage == "interview":
            question = pending_question(reply)
            if question is not None:
                if question in self.screening:
                    return rng.choice(NO)
                if not self.asked_why and rng.random() < 0.1:
                    self.asked_why = True
                    return "why do you ask?"
                roll = rng.random()
                return rng.choice(YES if roll < 0.45 else NO if roll < 0.85 else UNSURE)
            self.stage = "wrap_up"
        if self.stage == "wrap_up":
            self.stage = "bye"
            if rng.random() < 0.5:
                return rng.choice(WRAP_UP)
        if self.stage == "bye":
            self.stage = "done"
            return rng.choice(BYE)
        return None


# ---------------------------------------------------------------- stock bot
STOCK_GREETINGS = ["hi", "hello", "hey", "hello there", "good morning", "hey there"]
STOCK_SAD = ["I'm sad", "I am sad", "very sad", "not good", "I'm so sad", "unhappy"]
STOCK_GREAT = ["I'm great", "great", "I am feeling good", "amazing", "very good"]
STOCK_HELPED = ["yes", "yes it did", "no", "not really"]
STOCK_BYE = ["bye", "goodbye", "see you later", "bye bye"]


class StockMoodChat:
    """The `rasa init` bot: greet, mood, "did that help?", sometimes a bot challenge, bye."""

    def __init__(self, rng: random.Random, screening: set = frozenset()):
        self.rng = rng
        self.plan: List[str] = [rng.choice(STOCK_GREETINGS), rng.choice(STOCK_SAD if rng.random() < 0.6 else STOCK_GREAT)]
        self.stage = 0

    def next_message(self, reply: Optional[list]) -> Optional[str]:
        rng = self.rng
        if self.stage < len(self.plan):
            self.stage += 1
            return self.plan[self.stage - 1]
        if self.stage == len(self.plan):
            self.stage += 1
            if any("help" in (m.get("text") or "") for m in reply or []):
                return rng.choice(STOCK_HELPED)
        if self.stage == len(self.plan) + 1:
            self.stage += 1
            if rng.random() < 0.3:
                return "are you a bot?"
        if self.stage == len(self.plan) + 2:
            self.stage += 1
            return rng.choice(STOCK_BYE)
        return None


SCRIPTS = {"ours": PatientInterview, "stock": StockMoodChat}


# ---------------------------------------------------------------- long conversations
# One conversation that goes on (issue 15): the same sender keeps talking, so every
# message lands on a longer stored history.
FOLLOW_UPS = [
    "what is sciatica?",
    "why do you ask?",
    "what should I tell my doctor?",
    "how can my back make my knee hurt?",
    "what can I do at home?",
    "thanks",
    "is it serious?",
    "hi",
    "should I rest or keep moving?",
    "ok thank you",
]


class LongPatient:
    """Ours: a greeting, the symptoms, the whole interview (answered as asked), then
    follow-up questions (FOLLOW_UPS, cycling), then the symptoms again and so on,
    never ending by itself: the caller stops after as many messages as it wants."""

    def __init__(self, rng: random.Random, screening: set):
        self.rng, self.screening = rng, screening
        self.stage, self.asked_why, self.follow = "start", False, 0

    def next_message(self, reply: Optional[list]) -> Optional[str]:
        rng = self.rng
        if self.stage == "start":
            self.stage = "symptoms"
            return rng.choice(GREETINGS)
        if self.stage == "symptoms":
            self.stage = "interview"
            return rng.choice(SYMPTOMS)
        if self.stage == "interview":
            question = pending_question(reply)
            if question is not None:
                if question in self.screening:
                    return rng.choice(NO)
                if not self.asked_why:
                    self.asked_why = True
                    return "why do you ask?"
                return rng.choice(YES if rng.random() < 0.5 else NO)
            self.stage, self.follow = "follow_up", 0
        if self.stage == "follow_up":
            if self.follow < len(FOLLOW_UPS):
                self.follow += 1
                return FOLLOW_UPS[self.follow - 1]
            self.stage, self.asked_why = "symptoms", False
            return self.next_message(reply)
        return None


class LongMoodChat:
    """Stock: its mood flow (StockMoodChat) again and again, in one conversation."""

    def __init__(self, rng: random.Random, screening: set = frozenset()):
        self.rng, self.chat = rng, StockMoodChat(rng)

    def next_message(self, reply: Optional[list]) -> Optional[str]:
        text = self.chat.next_message(reply)
        if text is None:
            self.chat = StockMoodChat(self.rng)
            text = self.chat.next_message(None)
        return text


LONG_SCRIPTS = {"ours": LongPatient, "stock": LongMoodChat}


# ---------------------------------------------------------------- client
@dataclass
class Sample:
    start: float  # time.monotonic() when sent
    ms: float  # latency in milliseconds
    ok: bool  # HTTP 200 with a JSON list
    empty: bool = False  # ... but no bot message in it


@dataclass
class Run:
    samples: List[Sample] = field(default_factory=list)
    conversations: int = 0
    wall_s: float = 0.0
    transcript: List[dict] = field(default_factory=list)  # first conversation only


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str):
    start = time.monotonic()
    try:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as resp:
            body = await resp.read()
            ok = resp.status == 200
            reply = json.loads(body) if ok else None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok, reply = False, None
    ms = (time.monotonic() - start) * 1000
    ok = ok and isinstance(reply, list)
    return Sample(start, ms, ok, ok and not reply), reply if ok else None


async def conversation(session, url, bot, sender, rng, screening, run: Run, deadline: Optional[float], keep=False):
    script = SCRIPTS[bot](rng, screening)
    reply = None
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            return
        text = script.next_message(reply)
        if text is None:
            run.conversations += 1
            return
        sample, reply = await send(session, url, sender, text)
        run.samples.append(sample)
        if keep:
            run.transcript.append({"user": text, "bot": [m.get("text") for m in reply or []], "ms": round(sample.ms, 1)})
        if not sample.ok:
            run.conversations += 1
            return


def _session(concurrency: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max(concurrency, 1) + 5),
        timeout=aiohttp.ClientTimeout(total=300),
    )


async def sequential(url: str, bot: str, messages: int, seed: int = 1, tag: str = "seq") -> Run:
    """Whole conversations one after another, one message at a time, until `messages` were sent."""
    run, screening = Run(), screening_questions()
    async with _session(1) as session:
        start = time.monotonic()
        i = 0
        while len(run.samples) < messages:
            await conversation(session, url, bot, f"bench-{tag}-{i}", random.Random(seed * 1000 + i), screening,
                               run, None, keep=(i == 0))
            i += 1
        run.wall_s = time.monotonic() - start
    return run


async def concurrent(url: str, bot: str, concurrency: int, duration: float, seed: int = 2) -> Run:
    """`concurrency` users, each holding conversations back to back for `duration` s.

    No new message is sent after the deadline; requests in flight complete and
    count. Throughput = completed messages / time until the last one completed.
    """
    run, screening = Run(), screening_questions()

    async def user(u: int) -> None:
        rng = random.Random(seed * 100_000 + concurrency * 1000 + u)
        n = 0
        while time.monotonic() < deadline:
            await conversation(session, url, bot, f"bench-c{concurrency}-u{u}-{n}", rng, screening, run, deadline)
            n += 1

    async with _session(concurrency) as session:
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(*(user(u) for u in range(concurrency)))
        run.wall_s = time.monotonic() - start
    return run


async def long_conversation(url: str, bot: str, messages: int, seed: int = 3, tag: str = "long") -> Run:
    """One conversation of `messages` messages (LONG_SCRIPTS), one at a time, in order."""
    run, screening = Run(), screening_questions()
    script = LONG_SCRIPTS[bot](random.Random(seed), screening)
    reply = None
    async with _session(1) as session:
        start = time.monotonic()
        while len(run.samples) < messages:
            text = script.next_message(reply)
            sample, reply = await send(session, url, f"bench-{tag}-{seed}", text)
            run.samples.append(sample)
            run.transcript.append({"user": text, "bot": [m.get("text") for m in reply or []], "ms": round(sample.ms, 1)})
        run.wall_s = time.monotonic() - start
    run.conversations = 1
    return run


def blocks(run: Run, size: int = 20) -> List[Optional[float]]:
    """Mean latency (ms) of messages 1..size, size+1..2*size, ... of a run, in order."""
    out = []
    for i in range(0, len(run.samples), size):
        ok = [s.ms for s in run.samples[i:i + size] if s.ok]
        out.append(round(sum(ok) / len(ok), 1) if ok else None)
    return out


def percentile(values: List[float], q: float) -> Optional[float]:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _span(run: Run) -> float:
    """Seconds from the run's first send to its last reply."""
    if not run.samples:
        return 0.0
    return max(s.start + s.ms / 1000 for s in run.samples) - min(s.start for s in run.samples)


def summary(*runs: Run) -> Dict[str, float]:
    """Latency percentiles over every message of the runs; throughput = completed
    messages / the time the runs took (each from its first send to its last reply)."""
    samples = [s for run in runs for s in run.samples]
    ok = [s.ms for s in samples if s.ok]
    span = sum(_span(run) for run in runs)
    return {
        "messages": len(samples),
        "errors": sum(not s.ok for s in samples),
        "empty_replies": sum(s.empty for s in samples),
        "conversations": sum(run.conversations for run in runs),
        "wall_s": round(sum(run.wall_s for run in runs), 2),
        "throughput_msg_s": round(len(ok) / span, 2) if span else 0.0,
        "p50_ms": round(percentile(ok, 50), 1) if ok else None,
        "p95_ms": round(percentile(ok, 95), 1) if ok else None,
        "mean_ms": round(sum(ok) / len(ok), 1) if ok else None,
        "max_ms": round(max(ok), 1) if ok else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--bot", choices=sorted(SCRIPTS), default="ours")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (concurrent mode)")
    parser.add_argument("--messages", type=int, default=0, help="send this many, one conversation at a time, instead")
    parser.add_argument("--long", type=int, default=0,
                        help="one conversation of this many messages instead; prints the mean per block of 20")
    parser.add_argument("--show", action="store_true", help="print the first conversation")
    args = parser.parse_args(argv)
    if args.long:
        run = asyncio.run(long_conversation(args.url, args.bot, args.long))
    elif args.messages:
        run = asyncio.run(sequential(args.url, args.bot, args.messages))
    else:
        run = asyncio.run(concurrent(args.url, args.bot, args.concurrency, args.duration))
    if args.show:
        for turn in run.transcript:
            print(f"> {turn['user']}  ({turn['ms']} ms)")
            for text in turn["bot"]:
                print(f"  {text}")
    result = summary(run)
    if args.long:
        result["blocks_of_20_mean_ms"] = blocks(run)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
