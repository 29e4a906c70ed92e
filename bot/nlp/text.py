"""Text normalisation for matching: one character in, one character out, so offsets survive."""
import re


_CHAR_MAP = {
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4`"},
    **{c: '"' for c in "\u201c\u201d\u201e\u2033"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
    **{c: " " for c in "\u00a0\u200b\u200c\u200d\u2060\ufeff"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
#: A comma typed for the apostrophe of a negation: "can,t", "don,t", "won,t", "isn,t".
_COMMA_NT = re.compile(r"(?<=[^\W\d_]n),(?=t\b)", re.IGNORECASE)


def normalise(text: str) -> str:
    """Return `text` with the same length, cleaned for matching.

    Curly quotes become straight, dashes become "-", control characters,
    NUL bytes and lone surrogates become spaces, and a hyphen between two
    letters becomes a space ("pins-and-needles", "sciatic-y") and a comma
    typed for the apostrophe of a negation becomes one ("can,t").  Because every
    character maps to exactly one character, offsets into the result are
    offsets into the original text.
    """
    text = "".join(_CHAR_MAP.get(char, char) for char in text)
    text = _CONTROL.sub(" ", text)
    text = _COMMA_NT.sub("'", text)
    return _WORD_HYPHEN.sub(" ", text)

