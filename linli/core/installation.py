"""Per-installation facts that settings need before Django starts (no Django imports here).

- ``installation_secret_key``: the SECRET_KEY of this installation when the environment gives
  none, generated once and kept in a file outside the repository (``db/secret_key``, mode 600).
- ``all_loopback``: whether every allowed host is this machine, the only case in which
  ``LINLI_LOOPBACK_HTTP`` may relax HTTPS-only settings.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

SECRET_KEY_BYTES = 48  # 64 URL-safe characters, well above Django's 50-character check


def installation_secret_key(path: Path) -> str:
    """Read the key stored at ``path``, creating it (mode 600) the first time.

    Several processes may start at once (gunicorn workers, the task worker): the key is
    written to a private temporary file and hard-linked into place, so exactly one key wins
    and nobody reads a half-written file.
    """
    path = Path(path)
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = secrets.token_urlsafe(SECRET_KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(candidate + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost", "ip6-loopback"}


def is_loopback_host(host: str) -> bool:
    """``localhost`` (and ``*.localhost``), 127.0.0.0/8 and ::1; never a wildcard."""
    host = (host or "").strip().lower()
    if not host or "*" in host or host.startswith("."):
        return False
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def all_loopback(hosts: list[str]) -> bool:
    return bool(hosts) and all(is_loopback_host(h) for h in hosts)
