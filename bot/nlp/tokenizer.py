"""Chat-friendly changes to spaCy's English tokenizer."""

from typing import Any, Dict, List

from spacy.language import Language
from spacy.symbols import NORM, ORTH
from spacy.util import compile_infix_regex


#: Extra infixes: split "numb&tingly", "knee+back", "pain~numb", "leg|foot".
_EXTRA_INFIXES = [r"(?<=[^\W\d_])[&+~*=_|\\](?=[^\W\d_])", r"(?<=[0-9])/(?=[^\W\d_])"]
#: Chat shorthand that should read as the full word.
_SPECIAL_CASES = {
    "cuz": [{"ORTH": "cuz", "NORM": "because"}],
    "coz": [{"ORTH": "coz", "NORM": "because"}],
    "cos": [{"ORTH": "cos", "NORM": "because"}],
    "bc": [{"ORTH": "bc", "NORM": "because"}],
    "w/": [{"ORTH": "w/", "NORM": "with"}],
    "w/o": [{"ORTH": "w/o", "NORM": "without"}],
    "b/c": [{"ORTH": "b/c", "NORM": "because"}],
    "thru": [{"ORTH": "thru", "NORM": "through"}],
    "tho": [{"ORTH": "tho", "NORM": "though"}],
    "altho": [{"ORTH": "altho", "NORM": "although"}],
    "n": [{"ORTH": "n", "NORM": "and"}],
    "jus": [{"ORTH": "jus", "NORM": "just"}],
    "jst": [{"ORTH": "jst", "NORM": "just"}],
    "&": [{"ORTH": "&", "NORM": "and"}],
    "+": [{"ORTH": "+", "NORM": "and"}],
    "im": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "m", "NORM": "am"}],
    "ive": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "ve", "NORM": "have"}],
    # misspelt negated auxiliaries read as the auxiliary and "not", like "doesnt" ("knee dosent lock")
    "nt": [{"ORTH": "nt", "NORM": "not"}],
    "dnt": [{"ORTH": "d", "NORM": "do"}, {"ORTH": "nt", "NORM": "not"}],
    "dosent": [{"ORTH": "dos", "NORM": "does"}, {"ORTH": "ent", "NORM": "not"}],
    "dosnt": [{"ORTH": "dos", "NORM": "does"}, {"ORTH": "nt", "NORM": "not"}],
    "dosen't": [{"ORTH": "dosen", "NORM": "does"}, {"ORTH": "'t", "NORM": "not"}],
    "doesent": [{"ORTH": "does", "NORM": "does"}, {"ORTH": "ent", "NORM": "not"}],
    "doenst": [{"ORTH": "doe", "NORM": "does"}, {"ORTH": "nst", "NORM": "not"}],
    "doesnot": [{"ORTH": "does", "NORM": "does"}, {"ORTH": "not", "NORM": "not"}],
    "didnot": [{"ORTH": "did", "NORM": "do"}, {"ORTH": "not", "NORM": "not"}],
    "dident": [{"ORTH": "did", "NORM": "do"}, {"ORTH": "ent", "NORM": "not"}],
    "didint": [{"ORTH": "did", "NORM": "do"}, {"ORTH": "int", "NORM": "not"}],
    "havnt": [{"ORTH": "hav", "NORM": "have"}, {"ORTH": "nt", "NORM": "not"}],
    "hasent": [{"ORTH": "has", "NORM": "has"}, {"ORTH": "ent", "NORM": "not"}],
    "isent": [{"ORTH": "is", "NORM": "is"}, {"ORTH": "ent", "NORM": "not"}],
    "wasent": [{"ORTH": "was", "NORM": "was"}, {"ORTH": "ent", "NORM": "not"}],
    "arnt": [{"ORTH": "ar", "NORM": "are"}, {"ORTH": "nt", "NORM": "not"}],
}


def _orth(token: Dict[Any, Any]) -> str:
    return token["ORTH"] if "ORTH" in token else token[ORTH]


def _upper_case(tokens: List[Dict[Any, Any]]) -> List[Dict[Any, Any]]:
    """The same split with every piece in capitals; a piece without a norm keeps its
    lower-case spelling as the norm."""
    pieces = []
    for token in tokens:
        piece = {key: value for key, value in token.items() if key not in ("ORTH", ORTH)}
        if "NORM" not in piece and NORM not in piece:
            piece["NORM"] = _orth(token).lower()
        piece["ORTH"] = _orth(token).upper()
        pieces.append(piece)
    return pieces


def _add_upper_case_exceptions(nlp: Language, exceptions: Dict[str, List[Dict[str, Any]]]) -> None:
    """Shouted chat ("I CANT WALK", "I DON'T HAVE ANY BLADDER PROBLEMS") splits like
    lower case: spaCy's contraction exceptions are case-sensitive, so "CANT" stayed
    one token and a denial lost its "not"."""
    for text, tokens in exceptions.items():
        upper = text.upper()
        if upper == text or upper in exceptions or not any(c.isalpha() for c in text):
            continue
        pieces = _upper_case(tokens)
        # only when capitals keep each piece's length (the split must spell the text)
        if "".join(piece["ORTH"] for piece in pieces) != upper or any(
                len(piece["ORTH"]) != len(_orth(token)) for piece, token in zip(pieces, tokens)):
            continue
        nlp.tokenizer.add_special_case(upper, pieces)


def customise_tokenizer(nlp: Language) -> None:
    """Tokenizer tweaks for chat text: extra infixes and shorthand norms."""
    infixes = list(nlp.Defaults.infixes) + _EXTRA_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for text, tokens in _SPECIAL_CASES.items():
        nlp.tokenizer.add_special_case(text, tokens)
        if text.isalpha():
            capitalised = [{**tokens[0], "ORTH": tokens[0]["ORTH"].capitalize()}] + tokens[1:]
            nlp.tokenizer.add_special_case(text.capitalize(), capitalised)
    contractions = {text: tokens for text, tokens in nlp.Defaults.tokenizer_exceptions.items()
                    if len(tokens) > 1}
    _add_upper_case_exceptions(nlp, {**contractions, **{t: v for t, v in _SPECIAL_CASES.items()
                                                       if len(v) > 1}})

