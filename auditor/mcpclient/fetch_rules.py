"""Where discovery may go: the URLs a server names are fetched only by these rules (https,
plain http on loopback alone, never a link-local, private or cloud metadata address unless the
MCP endpoint itself is there). Used for metadata documents, default endpoints and registration."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def refused_target(url: str, endpoint: str) -> str | None:
    """Why the doctor will not fetch `url`, a URL a server named (None: it may). Only https,
    plain http on loopback alone; never a link-local, private or cloud metadata address
    unless the MCP endpoint itself is in that network (a test server, a private gateway)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "not a URL"
    kind, own = _address_kind(host), _address_kind((urlsplit(endpoint).hostname or "").lower())
    if parts.scheme == "http" and kind != "loopback":
        return "plain http to a host that is not this machine; discovery URLs must be https"
    if parts.scheme not in ("https", "http"):
        return f"scheme {parts.scheme or '(none)'} is not https"
    if kind in ("link-local", "private", "metadata") and kind != own:
        return f"a {kind} address, which the MCP endpoint is not on; not fetched"
    return None


_METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "169.254.169.254", "fd00:ec2::254"}
)


def _address_kind(host: str) -> str:
    if host in _METADATA_HOSTS:
        return "metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "name"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private or ip.is_reserved or ip.is_unspecified:
        return "private"
    return "public"
