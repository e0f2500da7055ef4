"""rovo-audit: audit an Atlassian org's Rovo MCP server settings against YAML policies."""

__version__ = "0.1.0"
