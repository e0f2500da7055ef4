"""Periodic reviews, as logic: the history folder (store), the diff between two runs, trends
over the history, merging shard results, and the review an audit's report shows (review).

It sits below auditor.report, which renders all of it, and reads results.json only through
auditor.load.results: a history entry, a CI artifact and a fresh run are the same `Results`.
"""
