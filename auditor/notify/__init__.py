"""Webhook notifications after an audit (Slack, Microsoft Teams Workflows, generic JSON)."""
