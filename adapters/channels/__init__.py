"""Messaging-platform channels (Telegram, Slack, Facebook Messenger, Twilio).

`credentials` builds the effective credentials file at start-up from
credentials.yml plus the platforms in platforms.yml whose environment variables
are set. The other modules subclass Rasa's channel classes (so, unlike the rest
of `bot/`, they import Rasa); `numbered` is the pure text rendering of buttons
for channels that cannot show them. Set-up for each platform: docs/channels.md.

Nothing is imported here, so `python -m adapters.channels.credentials` starts fast.
"""
