"""Chat-friendly changes to spaCy's English tokenizer."""

from spacy.language import Language
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
    "&": [{"ORTH": "&", "NORM": "and"}],
    "+": [{"ORTH": "+", "NORM": "and"}],
    "im": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "m", "NORM": "am"}],
    "ive": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "ve", "NORM": "have"}],
}


def customise_tokenizer(nlp: Language) -> None:
    """Tokenizer tweaks for chat text: extra infixes and shorthand norms."""
    infixes = list(nlp.Defaults.infixes) + _EXTRA_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for text, tokens in _SPECIAL_CASES.items():
        nlp.tokenizer.add_special_case(text, tokens)
        if text.isalpha():
            capitalised = [{**tokens[0], "ORTH": tokens[0]["ORTH"].capitalize()}] + tokens[1:]
            nlp.tokenizer.add_special_case(text.capitalize(), capitalised)

