"""bot.faq_ranker: ranks FAQ questions from character n-grams; stored and loaded exactly."""
import numpy as np
import pytest

from bot.faq_ranker import FaqRanker

EXAMPLES = {
    "how_long": ["how long does sciatica last", "when will the sciatica go away", "how many weeks until it settles"],
    "ice_or_heat": ["should I use ice or heat", "is a hot water bottle better than ice", "cold pack or warm pack"],
    "injections": ["do steroid injections help", "what is an epidural injection", "will they inject my back"],
}
TEXTS = [text for texts in EXAMPLES.values() for text in texts]
KEYS = [key for key, texts in EXAMPLES.items() for _ in texts]


@pytest.fixture(scope="module")
def ranker():
    return FaqRanker.fit(TEXTS, KEYS)


@pytest.mark.parametrize(
    "text, key",
    [
        ("how long will my sciatica last", "how_long"),
        ("ice or heat for my back?", "ice_or_heat"),
        ("would an injecton in my spine help", "injections"),  # misspelt
        ("sciatca, how many weeks", "how_long"),  # misspelt
    ],
)
def test_ranks_the_question_first(ranker, text, key):
    assert ranker.rank(text)[0][0] == key


def test_ranking_is_ordered_probabilities_of_the_asked_length(ranker):
    ranking = ranker.rank("ice or heat", length=3)
    assert [key for key, _ in ranking] and len(ranking) == 3
    values = [value for _, value in ranking]
    assert values == sorted(values, reverse=True)
    assert abs(sum(values) - 1.0) < 1e-5  # all three questions: a full softmax
    assert len(ranker.rank("ice or heat", length=1)) == 1


def test_text_unlike_any_question_gets_a_flat_ranking(ranker):
    top, second = ranker.rank("zzzz qqqq")
    assert top[1] - second[1] < 0.2
    assert ranker.rank("")[0][1] < 0.5  # empty text: no question stands out


def test_stored_arrays_give_the_very_same_ranking(ranker):
    meta, arrays = ranker.to_arrays()
    assert set(arrays) == {"idf", "weights", "bias"}
    assert all(isinstance(value, np.ndarray) for value in arrays.values())
    loaded = FaqRanker.from_arrays(meta, arrays)
    for text in TEXTS + ["what about my knee", "¿cuánto dura la ciática?"]:
        assert loaded.rank(text, length=3) == ranker.rank(text, length=3)


def test_settings_are_kept_and_used():
    ranker = FaqRanker.fit(TEXTS, KEYS, {"max_ngram": 3, "C": 1.0})
    assert ranker.settings["max_ngram"] == 3 and ranker.settings["C"] == 1.0
    assert max(len(term) for term in ranker.vectorizer.vocabulary_) <= 3


@pytest.mark.parametrize("texts, keys", [(["a", "b"], ["x", "x"]), (["a"], ["x", "y"])])
def test_refuses_to_learn_without_two_questions(texts, keys):
    with pytest.raises(ValueError):
        FaqRanker.fit(texts, keys)


OTHERS = ["my knee hurts when I squat", "pain down my leg and my back", "hello", "yes", "no it doesn't", "tell me a joke"]


def test_messages_that_ask_nothing_take_the_confidence_from_every_question():
    without = FaqRanker.fit(TEXTS, KEYS)
    with_others = FaqRanker.fit(TEXTS, KEYS, others=OTHERS)
    statement = "my knee hurts and my leg too"
    assert with_others.rank(statement)[0][1] < without.rank(statement)[0][1]
    assert with_others.rank("how long does sciatica last")[0][0] == "how_long"
    # the other messages are a class of their own, never ranked as a question
    assert all(key in EXAMPLES for key, _ in with_others.rank(statement, length=10))
    meta, arrays = with_others.to_arrays()
    assert FaqRanker.from_arrays(meta, arrays).rank(statement, 3) == with_others.rank(statement, 3)
