"""The Rasa command line with this project's server patches applied.

Every Rasa process this project starts goes through here, so the place where the Rasa
server's behaviour is changed is one explicit line, not a side effect of importing a
component:

    python -m adapters.server run -m models/knee.tar.gz ...    # instead of `rasa run`
    python -m adapters.server shell ...                         # instead of `rasa shell`
    python -m adapters.server test core ...                     # instead of `rasa test core`

`adapters.patches.apply()` (read its docstring) makes the action-server response check
and event lookup cheap, turns a dead or failing action server into safe professional
guidance (`bot.offline`) instead of silence, and keeps the cost of a message flat in the
length of the conversation (sessions of bounded length, lean action-server calls). A plain `rasa run` works but has none of
that: scripts/run.sh, scripts/shell.sh, scripts/test_conversations.sh, tests/servers.py
and bench/ all start Rasa through this module, and tests/adapters/test_server.py checks
that a server started this way has the patches.

`rasa run actions` (the action server, rasa_sdk) needs no patch and is started as is.
"""
from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    """Apply the patches, then hand the arguments to Rasa's own command line."""
    from adapters import patches

    patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
