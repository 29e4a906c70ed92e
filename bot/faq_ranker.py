"""Which FAQ question a message is: a ranking of the FAQ's questions, best first.

Learnt from the FAQ's example phrasings (data/nlu.yml, retrieval intent faq/<key>),
and from the other intents' examples as one class that is never ranked, as a
logistic regression over TF-IDF weighted character n-grams within words (1-4
characters, sublinear term frequency). Character n-grams carry what people
actually write: misspellings ("sciatca"), word forms ("injection", "injections")
and jargon fragments ("L4", "radic"). No Rasa import: the Rasa component that
wraps it (adapters/pipeline/faq_ranker.py) feeds it texts and stores its arrays.

Why not Rasa's ResponseSelector: on the FAQ development set both choose the right
question for 0.958 of the questions, but the selector is a second TensorFlow model
(about +90 MB of server memory, ~30 s of training, 2-2.7 ms per message), and this
is ~1.6 MB of arrays, trains in about 2 s and ranks in 0.7 ms (BENCHMARKS.md, "The
FAQ ranker and the prediction-only load").

Stored as plain arrays and a JSON vocabulary (no pickle): `to_arrays` and
`from_arrays` round-trip exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# Defaults, overridable from the component's settings in config.yml.
DEFAULTS: Mapping[str, Any] = {
    "min_ngram": 1,
    "max_ngram": 4,
    # inverse regularisation strength of the logistic regression
    "C": 10.0,
    "random_seed": 42,
}


# The class of the messages that ask none of the FAQ's questions (never a key).
OTHER = ""


def _vectorizer(settings: Mapping[str, Any], vocabulary: Any = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(int(settings["min_ngram"]), int(settings["max_ngram"])),
        sublinear_tf=True,
        lowercase=True,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


@dataclass
class FaqRanker:
    """Ranks the FAQ's question keys for a text."""

    settings: Mapping[str, Any]
    vectorizer: TfidfVectorizer
    keys: Tuple[str, ...]
    weights: np.ndarray  # (features, keys)
    bias: np.ndarray  # (keys,)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        keys: Sequence[str],
        settings: Mapping[str, Any] = DEFAULTS,
        others: Sequence[str] = (),
    ) -> "FaqRanker":
        """Learns from example texts, each with the key of the question it asks, and
        from `others`: messages that ask none of them (symptoms, answers, greetings,
        off-topic requests). Those form one more class, never ranked, that takes its
        share of the probability: a statement such as "my knee and my back hurt"
        shares words with FAQ questions but not their shape, and then no question
        gets much confidence."""
        # Only training needs the regression (and scipy.optimize with it): a server
        # that loads a trained ranker never imports it.
        from sklearn.linear_model import LogisticRegression

        settings = {**DEFAULTS, **dict(settings or {})}
        if len(texts) != len(keys) or len(set(keys)) < 2 or OTHER in keys:
            raise ValueError("an FAQ ranker needs examples of at least two questions")
        vectorizer = _vectorizer(settings)
        features = vectorizer.fit_transform([*texts, *others])
        model = LogisticRegression(C=float(settings["C"]), max_iter=5000, random_state=int(settings["random_seed"]))
        model.fit(features, [*keys, *([OTHER] * len(others))])
        fitted = cls(
            settings=settings,
            vectorizer=vectorizer,
            keys=tuple(str(k) for k in model.classes_),
            weights=np.ascontiguousarray(model.coef_.T, dtype=np.float32),
            bias=model.intercept_.astype(np.float32),
        )
        # Rebuilt from what is stored, so that the trained ranker and the one
        # loaded with the model give the very same numbers.
        return cls.from_arrays(*fitted.to_arrays())

    def rank(self, text: str, length: int = 2) -> List[Tuple[str, float]]:
        """The `length` most likely questions for a text, with their probabilities
        (a softmax over the FAQ's questions and, when learnt, the other messages),
        best first."""
        features = self.vectorizer.transform([text or ""])
        scores = np.asarray(features @ self.weights).ravel() + self.bias
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        order = [i for i in np.argsort(-probabilities, kind="stable") if self.keys[i] != OTHER]
        return [(self.keys[i], float(probabilities[i])) for i in order[: max(1, length)]]

    def to_arrays(self) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
        """What to store: a JSON-able description and the numeric arrays."""
        vocabulary = {str(term): int(index) for term, index in self.vectorizer.vocabulary_.items()}
        meta = {"settings": dict(self.settings), "keys": list(self.keys), "vocabulary": vocabulary}
        arrays = {"idf": np.asarray(self.vectorizer.idf_, dtype=np.float64), "weights": self.weights, "bias": self.bias}
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> "FaqRanker":
        settings = {**DEFAULTS, **dict(meta["settings"])}
        vectorizer = _vectorizer(settings, vocabulary=dict(meta["vocabulary"]))
        vectorizer.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        return cls(
            settings=settings,
            vectorizer=vectorizer,
            keys=tuple(meta["keys"]),
            weights=np.ascontiguousarray(arrays["weights"], dtype=np.float32),
            bias=np.asarray(arrays["bias"], dtype=np.float32),
        )
