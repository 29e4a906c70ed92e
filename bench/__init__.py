"""Benchmarks: `python -m bench.run` (speed, memory, accuracy, side by side with a stock Rasa bot)."""
