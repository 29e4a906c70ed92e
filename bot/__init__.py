"""The core of the knee-or-back assistant: clinical knowledge, extraction, assessment.

Pure Python: nothing in this package imports Rasa or rasa_sdk (tests/test_architecture.py
checks it), so the clinical logic can be used and tested on its own. What plugs it into
Rasa lives in `adapters/` (NLU components, channels, stores, server patches) and
`actions/` (the custom actions).
"""
