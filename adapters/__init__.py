"""Everything that plugs the core (`bot/`) into Rasa Open Source and its servers.

This package, and `actions/` (rasa_sdk), are the only places that import Rasa:

    pipeline/   Rasa NLU components named in config.yml (input guard, clinical features)
    channels/   REST, socket.io and messaging-platform channels named in credentials.yml
    web/        the chat page at /chat, a channel that serves static files
    stores/     tracker store and lock store named in endpoints.yml / deploy/
    patches.py  the changes made to the Rasa server's own behaviour
    server.py   the Rasa command line with those patches applied (how every server starts)
    preflight.py, privacy.py   start-up checks and the forget/export command line
"""
