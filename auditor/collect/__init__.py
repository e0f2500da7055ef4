"""Live collection (`rovo-audit collect`): the only stage that talks to Atlassian.

One module per source (admin_api, oauth, mcp_probe, attest), each returning a
`SourceResult` (interface.py); merge.py combines them into an `Org`; run.py orchestrates;
http.py is the shared HTTP layer (retries, 429s, rate limits, bounded concurrency).
"""
