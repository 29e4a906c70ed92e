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


@pytest.mark.parametrize("text,denied", [
    # a long list runs past the negation's max_scope
    ("I haven't had any numbness, pins and needles, weakness or trouble with my waterworks",
     ["numbness", "weakness", "trouble"]),
    ("no numbness in my left foot, tingling in my toes, weakness or any problems peeing",
     ["numbness", "tingling", "weakness", "problems"]),
    # a denial carried on in the next sentences
    ("I don't get numbness. Or tingling. Nor weakness.", ["numbness", "tingling", "weakness"]),
])
def test_a_denial_runs_along_a_list(nlp, text, denied):
    statuses = _statuses(nlp, text)
    assert {word: statuses[word] for word in denied} == {word: "absent" for word in denied}


@pytest.mark.parametrize("text,word", [
    ("no numbness, tingling, weakness or bladder problems, just my foot is weak", "weak"),
    ("no numbness or tingling and my legs are weak", "weak"),
    ("I don't have numbness. Or is it tingling?", "tingling"),
])
def test_a_list_denial_stops_at_a_new_clause_or_question(nlp, text, word):
    assert _statuses(nlp, text)[word] != "absent"


def test_a_time_opening_the_sentence_reaches_what_follows(nlp):
    assert _statuses(nlp, "Years ago I had numbness in my foot")["numbness"] == "historical"
    assert _statuses(nlp, "Last year my foot went numb for a while")["numb"] == "historical"
    assert _statuses(nlp, "In 2019 I had tingling in my toes")["tingling"] == "historical"
