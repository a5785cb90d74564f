"""The Ed25519 key that signs audit checkpoints, kept in a file and never in the database.

The key file is generated once per installation (``db/audit-signing-key.pem``, git-ignored,
mode 600); ``LINLI_AUDIT_SIGNING_KEY_FILE`` (setting or environment variable) puts it
elsewhere, e.g. on a volume the database administrator cannot read. Public keys of retired
keys (after a rotation) sit in ``<key file>.retired/<key id>.pub.pem`` and keep verifying the
checkpoints they signed.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class SigningKeyMissing(Exception):
    pass


def key_path() -> Path:
    configured = getattr(settings, "LINLI_AUDIT_SIGNING_KEY_FILE", None) or os.environ.get(
        "LINLI_AUDIT_SIGNING_KEY_FILE"
    )
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "db" / "audit-signing-key.pem"


def retired_dir(path: Path | None = None) -> Path:
    path = path or key_path()
    return path.with_name(path.name + ".retired")


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _load_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} 不是 Ed25519 私钥")
    return key


def private_key(*, create: bool = True) -> Ed25519PrivateKey:
    """The installation's signing key; generated on first use when ``create`` is true."""
    path = key_path()
    if path.exists():
        return _load_private(path)
    if not create:
        raise SigningKeyMissing(f"找不到审计签名密钥 {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first: use theirs
        return _load_private(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def public_key_pem(public_key: Ed25519PublicKey | None = None) -> str:
    public_key = public_key or private_key().public_key()
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("不是 Ed25519 公钥")
    return key


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key's public half and every retired public key, by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    path = key_path()
    folder = retired_dir(path)
    if folder.is_dir():
        for file in sorted(folder.glob("*.pub.pem")):
            public = load_public_key(file.read_bytes())
            keys[key_id(public)] = public
    if path.exists():
        public = _load_private(path).public_key()
        keys[key_id(public)] = public
    return keys


def sign(message: bytes) -> tuple[str, str]:
    """(key id, base64 signature) of ``message`` with the installation's key."""
    key = private_key()
    return key_id(key.public_key()), base64.b64encode(key.sign(message)).decode()


def verify(message: bytes, signature_b64: str, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def rotate() -> tuple[str, str]:
    """Retire the current key (its public half keeps verifying old checkpoints); make a new one.

    Returns (old key id, new key id).
    """
    path = key_path()
    old = private_key(create=False)
    old_id = key_id(old.public_key())
    folder = retired_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{old_id}.pub.pem").write_text(public_key_pem(old.public_key()))
    path.unlink()  # the old private key is destroyed: nothing can sign with it any more
    new = private_key(create=True)
    return old_id, key_id(new.public_key())
