"""The website chat page, served by the Rasa server itself (see channel.py)."""
