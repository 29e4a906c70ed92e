"""Time bot.nlp.extract per message over a few hundred realistic chat messages.

    python bench/bench_extraction.py [--repeat N] [--pipeline DIR]

Messages are built deterministically from patient-style fragments (one to
three per message, typos and negations included).  The pipeline is built
(or loaded from DIR) once and warmed up before timing; only `extract` is
timed.  Then the real patient messages of tests/nlu_eval/real/ and one message at
the input cap (2,000 characters).  Prints numbers only (targets: <= 10 ms mean per
message, <= 150 ms at the cap).
"""
import argparse
import json
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlp import build_nlp, extract, load_nlp  # noqa: E402

REAL = Path(__file__).resolve().parents[1] / "tests" / "nlu_eval" / "real" / "gold.jsonl"
INPUT_CAP = 2000  # characters; the InputGuard's max_characters in config.yml

FRAGMENTS = [
    "My knee has been killing me for about three weeks now.",
    "the pain is on the inside of my left knee",
    "It shoots down the back of my leg into my calf, like an electric shock.",
    "no numbness but I do get pins and needles in my toes sometimes",
    "it's worse when I sit for long or when I cough",
    "Going down stairs is the worst, and I can't kneel at all.",
    "my knee clicks and sometimes it locks and I can't straighten it",
    "It swelled up like a balloon after football on Saturday.",
    "I twisted it when I turned to catch the ball",
    "my lower back aches most mornings",
    "there's a deep ache in my bum that goes down to my knee",
    "lying down helps a lot, sitting makes it worse",
    "I don't think it's swollen, maybe a little stiff in the morning",
    "No bladder or bowel problems.",
    "no fever, no weight loss, never had cancer",
    "my dad had sciatica years ago and my mum had a knee replacement",
    "should I be worried about numbness in my groin?",
    "what if my leg goes numb",
    "the tinglin in my nee is driving me mad",
    "its swolen and feels warm",
    "my knee gives out on me going up stairs",
    "I feel a pop and a grinding feeling when I squat",
    "sharp pain when I pivot or twist",
    "it doesn't go anywhere else, it's just my knee",
    "I can still walk but it hurts",
    "my foot feels weak and I trip over my toes",
    "I had a fall down the stairs last month",
    "Is it normal for knees to click?",
    "not sure if it's tingling or just cold",
    "I used to get sciatica but now it's my knee",
    "both my legs feel heavy and tingly",
    "I can't feel when I wipe and I've wet myself",
    "it's been getting weaker every day",
    "I'm 54, work in an office and sit most of the day",
    "thanks for your help \U0001F60A",
    "ok",
    "yes",
    "no",
    "I'm not sure",
    "It started after I went running on Sunday, I think I overdid it.",
    "paracetamol and ibuprofen don't really help much",
    "The physio said it might be my back causing it.",
    "i cant sit for long its agony down my leg",
    "no tingling but my knee keeps buckling",
    "hurts to put weight on it first thing",
    "I have a bad back anyway",
    "my knee is hot and red and really swollen",
    "night sweats and chills for the last few days",
    "I've lost weight without trying, my clothes are hanging off me",
    "I was treated for breast cancer in 2015",
    "the ache is dull and throbbing, worse at night",
    "standing for long periods makes it ache",
    "Could this be a meniscus tear?",
    "I'm asking for my mum, she can't put weight on her leg",
    "sneezing sends a jolt down my leg",
    "Bending forward to put my socks on is really hard",
    "my knee feels unstable and wobbly",
    "I hit my knee on the coffee table yesterday",
    "the outer side of my knee is tender to touch",
    "It's fine when I rest it.",
]


def messages(count: int, seed: int = 0):
    """`count` messages of one to three fragments each, reproducibly."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(FRAGMENTS, rng.choice((1, 1, 2, 2, 3)))) for _ in range(count)]


def time_extract(nlp, texts, repeat):
    """Milliseconds per call of extract, over `repeat` passes through `texts`."""
    for text in texts:
        extract(nlp, text)
    timings = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            extract(nlp, text)
            timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipeline", type=Path, default=None, help="load a pipeline saved by bot.nlp.build")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    nlp = load_nlp(args.pipeline) if args.pipeline else build_nlp()
    setup_s = time.perf_counter() - start
    texts = messages(args.messages)
    timings = time_extract(nlp, texts, args.repeat)
    words = statistics.mean(len(text.split()) for text in texts)

    print(f"pipeline {'load' if args.pipeline else 'build'}: {setup_s:.2f} s")
    print(f"messages: {len(texts)} (mean {words:.1f} words), timed calls: {len(timings)}")
    print(f"ms/message  mean {statistics.mean(timings):.2f}  p50 {timings[len(timings) // 2]:.2f}  "
          f"p95 {timings[int(len(timings) * 0.95)]:.2f}  max {timings[-1]:.2f}")
    long_text = " ".join(FRAGMENTS) * 3
    long_ms = time_extract(nlp, [long_text], 3)
    print(f"one {min(len(long_text), 5000)}-character message (capped): {statistics.median(long_ms):.1f} ms")

    # What patients really wrote (tests/nlu_eval/real/gold.jsonl), cut to the input
    # cap as the bot does (adapters/pipeline/input_guard.py, config.yml: 2000).
    real = [json.loads(line)["text"][:INPUT_CAP] for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    real_ms = time_extract(nlp, real, args.repeat)
    print(f"real patient messages: {len(real)} (mean {statistics.mean(map(len, real)):.0f} characters), "
          f"ms/message mean {statistics.mean(real_ms):.2f}  p95 {real_ms[int(len(real_ms) * 0.95)]:.2f}  "
          f"max {real_ms[-1]:.2f}  (target: mean <= 10)")
    capped = " ".join(real)[:INPUT_CAP]
    capped_ms = time_extract(nlp, [capped], 5)
    print(f"one {len(capped)}-character real message (the input cap): median {statistics.median(capped_ms):.1f} ms, "
          f"max {capped_ms[-1]:.1f} ms  (target: <= 150)")


if __name__ == "__main__":
    main()
