"""The optional tile server: which origin the Content-Security-Policy must let images come
from. No Django import: settings.py calls it while settings are being read."""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_origin(url: str) -> str | None:
    """``https://tiles.example.org/{z}/{x}/{y}.png`` → ``https://tiles.example.org``;
    ``https://{s}.tile.example.org/…`` → ``https://*.tile.example.org``; anything that is
    not an http(s) URL with a host → None (nothing is allowed)."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc
    if "{s}" in url.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"
