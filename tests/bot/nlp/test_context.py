"""bot.nlp.context: ConText statuses of the term targets, on the built pipeline."""
import pytest

from bot.nlp.constants import STATUS_ATTR, TARGETS


def _statuses(nlp, text):
    doc = nlp(text)
    status = getattr(doc._, STATUS_ATTR)
    return {doc[start:end].text: status.get((start, end, label), "present")
            for start, end, label in ((s.start, s.end, s.label_) for s in doc.spans[TARGETS])}


@pytest.mark.parametrize("text,word,status", [
    ("no numbness", "numbness", "absent"),
    ("maybe some tingling", "tingling", "uncertain"),
    ("my sister had numbness in her legs", "numbness", "other"),
    ("numbness", "numbness", "present"),
])
def test_status_of_a_target(nlp, text, word, status):
    assert _statuses(nlp, text)[word] == status


def test_a_termination_ends_the_scope(nlp):
    statuses = _statuses(nlp, "no numbness but tingling")
    assert statuses["numbness"] == "absent" and statuses["tingling"] == "present"


def test_scope_stops_at_the_sentence_end(nlp):
    statuses = _statuses(nlp, "no numbness. tingling in my foot")
    assert statuses["tingling"] == "present"


def test_priority_order_comes_from_the_data(nlp):
    context = nlp.get_pipe("knee_context")
    assert context.priority[0] == "other"  # FAMILY is listed first in context_rules.yml
    assert context.status_of({"NEGATED_EXISTENCE", "FAMILY"}) == "other"
