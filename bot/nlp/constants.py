"""Names the pipeline's pieces share: data files, pipe names, span groups, statuses and pattern types."""
from typing import Any, Callable, Dict, List, Tuple

LEXICON_FILE = "lexicon.yml"
CONTEXT_FILE = "context_rules.yml"

SENTENCIZER_PIPE = "knee_sentencizer"
FUZZY_PIPE = "knee_fuzzy"
TERMS_PIPE = "knee_terms"
CONTEXT_PIPE = "knee_context"

TARGETS = "knee_targets"
LOCATORS = "knee_locators"
BREAKS = "knee_breaks"
STATUS_ATTR = "knee_status"
DENIED_PLACES_ATTR = "knee_denied_places"

PRESENT = "present"
ABSENT = "absent"
#: Statuses a context rule category may map to (a mention without modifiers is present).
CONTEXT_STATUSES = ("absent", "uncertain", "historical", "hypothetical", "other")
STATUSES = (PRESENT,) + CONTEXT_STATUSES
Pattern = List[Dict[str, Any]]
Tokenize = Callable[[str], Tuple[str, ...]]

