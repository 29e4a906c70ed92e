"""Two Rasa replicas behind a (client-side) load balancer, as docs/deploy.md lays
out: deploy/endpoints.postgres.yml read through its ${VAR}s, a real PostgreSQL
tracker store, a real Redis lock store, one action server.

20 patients talk to the bot at once, 20 messages each, every message to the
other replica. Replica B is killed (SIGKILL) in the middle; the patients carry on
with replica A, and from turn RESUME_TURN on wait for B to be back (restarted on
a new port) and alternate again. Then PostgreSQL is read directly: every message
answered with 200 is stored exactly once, in the order sent, each with the bot's
answer after it; nothing is duplicated; timestamps never go back; the interview
went on across replicas (an answered question is never asked again next, every
conversation reached an assessment).
"""
import http.client
import json
import random
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import yaml

from tests.servers import (ROOT, Postgres, Redis, free_port, launch_rasa, require_model, start_action_server,
                           stop, wait_for)

CONVERSATIONS, TURNS = 20, 20
KILL_AFTER = 100  # answered messages before replica B is killed
RESUME_TURN = 15  # from this turn on, patients wait for B to be back
LOCK_LIFETIME = 15  # s; TICKET_LOCK_LIFETIME: a ticket of the killed replica blocks its conversation this long
DB_NAME = "knee"

GREETINGS = ["hi", "hello", "good morning", "hey there"]
SYMPTOMS = [
    "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too",
    "I twisted my knee playing football last week, now it's swollen and it clicks when I walk",
    "my knee clicks and locks, and I get pins and needles down my shin",
    "there's a deep ache in my bum that goes down to my knee and it's worse when I sit",
    "the pain is on the inside of my left knee and it sometimes locks",
    "my knee aches and I get pins and needles in my toes sometimes",
    "my knee gives out on me going up stairs and it grinds when I squat",
    "I have a bad back anyway and now the back of my knee hurts too",
]
YES = ["yes", "yeah", "yes it does"]
NO = ["no", "nope", "no, nothing like that", "not at all"]
UNSURE = ["not sure", "I don't know"]
AFTERWARDS = ["what should I tell my doctor?", "what is sciatica?", "how is it treated?",
              "how can my back cause knee pain?", "when is it an emergency?", "how do I prevent it?",
              "what causes it?", "how do I tell it from a knee problem?"]
_QUESTIONS = yaml.safe_load((ROOT / "bot" / "data" / "questions.yml").read_text(encoding="utf-8"))
SCREENING = {_QUESTIONS["questions"][f]["text"].strip() for f in _QUESTIONS["screening"]}


class Patient:
    """A greeting, a description, then answers to whatever the bot asks ("no" to
    the emergency screen, a seeded mix otherwise), then questions about the result."""

    def __init__(self, n: int) -> None:
        self.n, self.rng, self.sent = n, random.Random(n), 0

    def next_message(self, reply: Optional[list]) -> str:
        self.sent += 1
        if self.sent == 1:
            return GREETINGS[self.n % len(GREETINGS)]
        if self.sent == 2:
            return SYMPTOMS[self.n % len(SYMPTOMS)]
        question = asked(reply)
        if question in SCREENING:
            return self.rng.choice(NO)
        if question:
            return self.rng.choice(self.rng.choice([YES, NO, NO, UNSURE]))
        return AFTERWARDS[(self.n + self.sent) % len(AFTERWARDS)]  # also when the last reply was lost


def asked(reply: Optional[list]) -> Optional[str]:
    """The interview question in a reply (the message with answer buttons)."""
    return next((m["text"].strip() for m in reversed(reply or []) if m.get("buttons")), None)


def say(url: str, sender: str, text: str) -> list:
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"sender": sender, "message": text}).encode())
    with urllib.request.urlopen(request, timeout=LOCK_LIFETIME + 60) as response:
        return json.load(response)


@dataclass
class Sent:
    sender: str
    turn: int
    replica: str
    text: str
    started: float
    reply: Optional[list] = None  # None: no 200 answer
    seconds: float = 0.0


class Cluster:
    """PostgreSQL, Redis, an action server and named Rasa replicas, all on free ports."""

    def __init__(self, workdir: Path, endpoints: Path = ROOT / "deploy" / "endpoints.postgres.yml") -> None:
        self.workdir, self.endpoints, self.replicas, self.urls = workdir, endpoints, {}, {}
        self.launched: List[subprocess.Popen] = []  # every replica process, stopped at the end
        self.postgres, self.redis = Postgres(free_port()), Redis(free_port(), workdir / "redis.log")
        self.actions_port = free_port()
        self.actions: Optional[subprocess.Popen] = None
        self.env = {  # what deploy/endpoints.postgres.yml reads
            "DB_HOST": "127.0.0.1", "DB_PORT": str(self.postgres.port), "DB_NAME": DB_NAME, "DB_USER": "postgres",
            "DB_PASSWORD": "", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.redis.port), "REDIS_DB": "1",
            "REDIS_PASSWORD": "", "ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME),
        }

    def start(self) -> None:
        from adapters.stores.tracker_store import KneeSQLTrackerStore

        self.postgres.start()
        self.postgres.create_database(DB_NAME)
        self.redis.start()
        # Create the tables once, so the replicas do not race to create them.
        KneeSQLTrackerStore(dialect="postgresql", host="127.0.0.1", port=self.postgres.port, db=DB_NAME,
                            username="postgres").engine.dispose()
        for name in ("a", "b"):
            self.launch(name)
        self.actions = start_action_server(self.actions_port, self.workdir / "actions.log")
        for name in ("a", "b"):
            self.wait(name)

    def launch(self, name: str) -> None:
        port = free_port()
        self.replicas[name] = launch_rasa(port, self.endpoints, self.workdir / f"replica-{name}.log", env=self.env)
        self.launched.append(self.replicas[name])
        self.urls[name] = f"http://127.0.0.1:{port}"

    def wait(self, name: str) -> None:
        wait_for(f"{self.urls[name]}/", self.replicas[name], seconds=300)

    def log(self, name: str) -> str:
        return (self.workdir / f"replica-{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        stop(*self.launched, self.actions)
        self.redis.stop()
        self.postgres.stop()

    def events(self, sender: str) -> List[tuple]:
        """(type_name, timestamp, event) of the sender's stored events, in stored (id) order."""
        conn = self.postgres.connect(DB_NAME)
        try:
            cur = conn.cursor()
            cur.execute("select type_name, timestamp, data from events where sender_id = %s order by id", (sender,))
            return [(kind, ts, json.loads(data)) for kind, ts, data in cur.fetchall()]
        finally:
            conn.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require_model()
    cluster = Cluster(tmp_path_factory.mktemp("replicas"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


class Traffic:
    """The patients, the load balancer (alternating over the live replicas) and the fail-over."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.live = ["a", "b"]
        self.sent: List[Sent] = []
        self.lock = threading.Lock()
        self.answered = 0
        self.killed_at: Optional[float] = None
        self.back_at: Optional[float] = None  # when B was in the rotation again
        self.back = threading.Event()
        self.failover_error: Optional[BaseException] = None

    def converse(self, n: int) -> None:
        sender, patient, reply = f"patient-{n:02d}", Patient(n), None
        for turn in range(TURNS):
            if turn == RESUME_TURN and not self.back.wait(timeout=300):
                raise TimeoutError("replica B did not come back")
            text = patient.next_message(reply)
            with self.lock:  # so a message sent to B before the kill has started <= killed_at
                replica = self.live[(n + turn) % len(self.live)]
                record = Sent(sender, turn, replica, text, time.monotonic())
            try:
                reply = record.reply = say(self.cluster.urls[replica], sender, text)
            except (OSError, http.client.HTTPException):
                reply = None
            record.seconds = time.monotonic() - record.started
            with self.lock:
                self.sent.append(record)
                self.answered += record.reply is not None
                if self.answered == KILL_AFTER and record.reply is not None:  # once
                    threading.Thread(target=self.fail_over).start()

    def fail_over(self) -> None:
        """SIGKILL replica B, send everything to A, restart B (new port), then alternate again."""
        try:
            with self.lock:
                self.live = ["a"]
                self.killed_at = time.monotonic()
                self.cluster.replicas["b"].send_signal(signal.SIGKILL)
            self.cluster.replicas["b"].wait()
            self.cluster.launch("b")
            self.cluster.wait("b")
            with self.lock:
                self.live = ["a", "b"]
                self.back_at = time.monotonic()
        except BaseException as e:
            self.failover_error = e
        finally:
            self.back.set()

    def run(self) -> None:
        threads = [threading.Thread(target=self.converse, args=(n,)) for n in range(CONVERSATIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def stored_in_order(sent: List[Sent], stored: List[str]) -> bool:
    """stored == the texts sent, in order, where a message without a 200 answer may be missing."""

    @lru_cache(maxsize=None)
    def match(i: int, j: int) -> bool:
        if i == len(sent):
            return j == len(stored)
        if j < len(stored) and stored[j] == sent[i].text and match(i + 1, j + 1):
            return True
        return sent[i].reply is None and match(i + 1, j)

    return match(0, 0)


def test_two_replicas_lose_nothing_when_one_is_killed(cluster, capsys):
    started = time.monotonic()
    traffic = Traffic(cluster)
    traffic.run()
    assert traffic.failover_error is None, traffic.failover_error
    assert traffic.killed_at is not None
    seconds = time.monotonic() - started

    (cluster.workdir / "traffic.json").write_text(json.dumps([s.__dict__ for s in traffic.sent], indent=1))
    failed = [s for s in traffic.sent if s.reply is None]
    # Only messages in flight on B when it was killed may go unanswered.
    assert all(s.replica == "b" and s.started <= traffic.killed_at for s in failed), failed
    answered = [s for s in traffic.sent if s.reply is not None]
    assert all(s.reply for s in answered), "a 200 answer without any bot message"
    assert len(traffic.sent) == CONVERSATIONS * TURNS
    restarted = [s for s in answered if s.replica == "b" and s.started > traffic.killed_at]
    # B served again after its restart, and nothing was sent to B while it was down. (Patients
    # wait for B at turn RESUME_TURN; slower ones reach B earlier turns once it is back.)
    assert restarted and all(s.started >= traffic.back_at for s in restarted)

    events_checked = lost = duplicated = 0
    for n in range(CONVERSATIONS):
        sent = sorted((s for s in traffic.sent if s.sender == f"patient-{n:02d}"), key=lambda s: s.turn)
        events = cluster.events(sent[0].sender)
        events_checked += len(events)
        user_texts = [e["text"] for kind, _, e in events if kind == "user"]
        ok_counts = Counter(s.text for s in sent if s.reply is not None)
        stored_counts = Counter(user_texts)
        lost += sum((ok_counts - stored_counts).values())
        duplicated += sum((stored_counts - Counter(s.text for s in sent)).values())
        duplicated += len(events) - len({json.dumps(e, sort_keys=True) for *_, e in events})
        assert stored_in_order(sent, user_texts), (sent[0].sender, user_texts)
        timestamps = [ts for _, ts, _ in events]
        assert timestamps == sorted(timestamps), sent[0].sender
        kinds = [kind for kind, *_ in events]
        for i, kind in enumerate(kinds):  # the bot answered every stored message
            if kind == "user":
                assert "bot" in kinds[i + 1:(kinds + ["user"]).index("user", i + 1)], (sent[0].sender, i)
        assessments = [e["value"] for kind, _, e in events if kind == "slot" and e["name"] == "assessment"]
        assert any(assessments), f"{sent[0].sender} never reached an assessment"
        for before, after in zip(sent, sent[1:]):  # an answered question is not asked again next
            if before.reply and after.reply and asked(before.reply) and after.text in YES + NO + UNSURE:
                assert asked(after.reply) != asked(before.reply), (sent[0].sender, after.turn)
    assert lost == duplicated == 0
    for name in cluster.replicas:  # every action-server call went through
        assert "Failed to run custom action" not in cluster.log(name)

    after_kill = [s.seconds for s in answered if s.started > traffic.killed_at]
    with capsys.disabled():
        print(f"\n  replicas: {CONVERSATIONS} conversations x {TURNS} turns over 2 replicas (B killed after "
              f"{KILL_AFTER} answers, restarted): {len(answered)} answered ({len(restarted)} by B after its restart), "
              f"{len(failed)} in flight on B lost their answer; {events_checked} stored events checked: lost 0, duplicated 0, order ok; "
              f"slowest answer after the kill {max(after_kill):.1f} s (lock lifetime {LOCK_LIFETIME} s); "
              f"traffic {seconds:.0f} s")


def test_one_conversation_on_both_replicas_at_once_is_serialised(cluster):
    """The same patient's two messages reach the two replicas at the same moment."""
    pairs = [("what is sciatica?", "how is it treated?"), ("when is it an emergency?", "how do I prevent it?")]
    senders = [f"double-{n:02d}" for n in range(10)]
    for sender in senders:
        say(cluster.urls["a"], sender, "my knee hurts and the pain shoots down my leg into my foot")
    replies: Dict[tuple, list] = {}
    start = threading.Barrier(2 * len(senders))

    def send(sender: str, replica: str, text: str) -> None:
        start.wait()
        replies[sender, text] = say(cluster.urls[replica], sender, text)

    threads = [threading.Thread(target=send, args=(sender, replica, text))
               for n, sender in enumerate(senders) for replica, text in zip("ab", pairs[n % 2])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(replies) == 2 * len(senders) and all(replies.values())
    for n, sender in enumerate(senders):
        events = cluster.events(sender)
        texts = [e["text"] for kind, _, e in events if kind == "user"]
        assert sorted(texts[1:]) == sorted(pairs[n % 2]), (sender, texts)  # each stored once, none lost
        kinds = [kind for kind, *_ in events]
        users = [i for i, kind in enumerate(kinds) if kind == "user"]
        assert events[users[2] - 1][2].get("name") == "action_listen", (sender, kinds)  # one turn ended first
        for start, end in zip(users[1:], users[2:] + [len(kinds)]):
            assert "bot" in kinds[start:end], (sender, kinds)  # each answered in its own turn


def test_forget_from_one_replica_empties_the_conversation_for_both(cluster):
    sender = "forget-me"
    for replica, text in zip("ab", ["hello", "my knee hurts"]):
        say(cluster.urls[replica], sender, text)
    assert len(cluster.events(sender)) > 5
    request = urllib.request.Request(
        f"{cluster.urls['b']}/conversations/{sender}/tracker/events", method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"event": "slot", "name": "forget_conversation", "value": True}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
    assert cluster.events(sender) == []

    assert say(cluster.urls["a"], sender, "hi")
    events = cluster.events(sender)
    assert [e["text"] for kind, _, e in events if kind == "user"] == ["hi"]
    assert events[0][2]["name"] == "action_session_start"  # a new, empty conversation


def test_redis_down_while_running_still_answers(cluster):
    """Redis stops under a running replica: patients still get their answers, the
    log has one clear error, and the lock store uses Redis again when it is back."""
    cluster.redis.stop()
    first = say(cluster.urls["a"], "redis-down", "my knee hurts")
    assert asked(first), first
    assert say(cluster.urls["a"], "redis-down", "no")
    assert cluster.log("a").count("Redis lock store unreachable") == 1
    assert [e["text"] for kind, _, e in cluster.events("redis-down") if kind == "user"] == ["my knee hurts", "no"]

    cluster.redis = Redis(cluster.redis.port, cluster.workdir / "redis.log").start()
    assert say(cluster.urls["a"], "redis-down", "not sure")
    assert "Redis lock store reachable again" in cluster.log("a")




def test_postgres_down_while_running_still_answers(cluster):
    """PostgreSQL stops under a running replica. Rasa's fail-safe store answers
    each message as a conversation kept in memory: a red flag still gets emergency
    advice first, and the errors it logs hold no message text (our engine hides
    statement parameters). When the database is back, the next message continues
    the stored conversation, also after a restart nobody noticed (pooled
    connections are checked before use); the turns of the outage are not stored."""
    url = cluster.urls["a"]
    first = say(url, "pg-down", "my knee hurts")
    assert asked(first), first
    # A restart between two messages: the pooled connections are dead.
    cluster.postgres.pause()
    cluster.postgres.resume()
    second = say(url, "pg-down", "no")
    assert asked(second) and asked(second) != asked(first), second  # the stored question was answered

    cluster.postgres.pause()
    try:
        red = say(url, "pg-down", "I can't control my bladder since yesterday")
        said = [m["text"] for m in red if m.get("text")]
        assert said and "Please go to an emergency department now" in said[0], said
        assert say(url, "pg-down", "it clicks when I squat")
    finally:
        cluster.postgres.resume()

    third = say(url, "pg-down", "no")
    assert asked(third) and asked(third) not in (asked(first), asked(second)), third
    stored = [e["text"] for kind, _, e in cluster.events("pg-down") if kind == "user"]
    assert stored == ["my knee hurts", "no", "no"]
    log = cluster.log("a")
    assert "Falling back to use the 'InMemoryTrackerStore'" in log
    assert "bladder" not in log and "squat" not in log
