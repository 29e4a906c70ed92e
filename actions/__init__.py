"""Custom actions (rasa-sdk). Thin: read the tracker, call `bot`, utter responses."""
