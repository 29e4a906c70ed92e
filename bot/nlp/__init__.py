"""Clinical feature extraction: a spaCy + medspaCy ConText pipeline built from YAML.

    from bot.nlp import build_nlp, load_nlp, extract, findings, Mention
    nlp = build_nlp()                      # from bot/data/lexicon.yml + context_rules.yml
    mentions = extract(nlp, "no numbness but my knee keeps buckling")
    present, absent = findings(mentions)   # (["knee_giving_way"], ["numbness"])

Importing this package registers the pipeline's spaCy factories (so
`load_nlp` works in a fresh process) and does nothing else.  No Rasa import.
"""
from bot.nlp.extract import MAX_CHARS, STATUSES, Mention, extract, findings
from bot.nlp.pipeline import build_nlp, load_nlp

__all__ = ["MAX_CHARS", "STATUSES", "Mention", "build_nlp", "extract", "findings", "load_nlp"]
