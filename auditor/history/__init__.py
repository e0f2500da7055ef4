"""Periodic reviews: results read back from results.json, the history folder, the diff
between two runs, trends over the history, and merging shard results.

The reader is the exact reverse of `report/json_format.py`; everything else works on the
`Results` it returns, so a history entry, a CI artifact and a fresh run are the same thing.
"""
