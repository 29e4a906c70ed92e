"""bot.nlp.context_rules: the ConText rules of context_rules.yml, parsed and checked."""
import copy

import pytest
import spacy

from bot.features import DATA_DIR, read_yaml
from bot.nlp.constants import CONTEXT_FILE
from bot.nlp.context_rules import ModifierRule, compile_context_rules, parse_context
from bot.nlp.phrases import make_tokenize


@pytest.fixture(scope="module")
def data():
    return read_yaml(DATA_DIR / CONTEXT_FILE)


def test_the_shipped_rules_parse_and_compile(data):
    context = parse_context(data)
    assert context.rules and {status for _, status in context.priority} <= {
        "absent", "uncertain", "historical", "hypothetical", "other"}
    compiled = compile_context_rules(context, make_tokenize(spacy.blank("en")))
    assert len(compiled) == len(context.rules)
    assert all(patterns for _, patterns in compiled)


def test_default_terminators_apply_to_modifying_rules_only(data):
    context = parse_context(data)
    defaults = {t.upper() for t in data.get("defaults", {}).get("terminated_by", [])}
    for spec in context.rules:
        if spec.rule.direction in ("FORWARD", "BACKWARD", "BIDIRECTIONAL"):
            assert defaults <= spec.rule.terminated_by


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["rules"].append({"category": "X", "direction": "SIDEWAYS", "phrases": ["x"]}), "direction"),
    (lambda d: d["rules"].append({"category": "X", "phrases": ["x"], "colour": "red"}), "unknown keys"),
    (lambda d: d["statuses"].update({"X": "maybe"}), "statuses"),
])
def test_errors_are_reported(data, mutate, message):
    broken = copy.deepcopy(data)
    mutate(broken)
    with pytest.raises(ValueError, match=message):
        parse_context(broken)


def test_rule_types_and_endings():
    negation = ModifierRule("NEGATED_EXISTENCE", "FORWARD", terminated_by=frozenset({"CLAUSE"}),
                            excluded_types=frozenset({"knee"}))
    assert negation.modifies("numb") and not negation.modifies("knee")
    assert not ModifierRule("CLAUSE", "PSEUDO").modifies("numb")
    assert negation.is_ended_by(ModifierRule("CLAUSE", "PSEUDO"))
    assert negation.is_ended_by(ModifierRule("BUT", "TERMINATE"))
    assert not negation.is_ended_by(ModifierRule("HISTORICAL", "FORWARD"))


def test_list_glue_and_through_lists_are_parsed(data):
    context = parse_context(data)
    assert context.lists.max_gap > 0
    assert {",", "or"} <= context.lists.connectors <= context.lists.words
    negations = [spec.rule for spec in context.rules if spec.rule.category == "NEGATED_EXISTENCE"]
    assert any(rule.through_lists for rule in negations)
    broken = copy.deepcopy(data)
    del broken["lists"]
    assert parse_context(broken).lists.max_gap == 0  # no glue: scopes stop at max_scope


def test_backward_stops_are_parsed_and_cut_only_the_backward_scope(data):
    from bot.nlp.context import Modifier

    context = parse_context(data)
    assert any("," in spec.rule.backward_stops_at for spec in context.rules)
    rule = ModifierRule("NEGATED_EXISTENCE", "BIDIRECTIONAL", max_scope=5, backward_stops_at=frozenset({","}))
    doc = spacy.blank("en")("legs numb , not had fever , chills")
    modifier = Modifier.in_sentence(rule, 3, 5, (0, len(doc)), doc)
    assert (modifier.scope_start, modifier.scope_end) == (3, len(doc))
    plain = Modifier.in_sentence(ModifierRule("NEGATED_EXISTENCE", "BIDIRECTIONAL", max_scope=5), 3, 5, (0, len(doc)), doc)
    assert plain.scope_start == 0
