"""PROPOSAL, not loaded by the bot: one more behaviour-preserving speed-up of Rasa 3.6.

The benchmark can load this file into our Rasa server (and the profile) to
measure it without touching the project:

    python -m bench.run --only ours --ours-preload bench/proposed_speedups.py --train-ours log

Whether it goes into the bot (e.g. next to the cached action-response
validator in bot/rasa_patches.py) is the owner's call; see BENCHMARKS.md,
"Proposals".

events  Event.resolve_by_type walks every subclass of Event (recursively, with
        an inspect.isabstract check each) for every event it deserialises: the
        tracker store's retrieve deserialises the whole conversation session
        on every message, and every action-server response is deserialised
        too. Here the type-name lookup is cached; unknown names behave as
        before (ValueError, or the default when one is given).

Measured and left out: SQLite journal_mode=WAL + synchronous=NORMAL (the
tracker store's save costs ~10 ms either way: SQLAlchemy, not fsync).
"""
import functools


def _patch_events() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type

    @functools.lru_cache(maxsize=None)
    def _lookup(type_name):
        return original(type_name)  # raises ValueError for unknown names (not cached)

    def resolve_by_type(type_name, default=None):
        try:
            return _lookup(type_name)
        except ValueError:
            if default is not None:
                return default
            raise

    Event.resolve_by_type = staticmethod(resolve_by_type)


_patch_events()
