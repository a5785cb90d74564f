"""QR check-in tokens, shared by meetings (linli.deliberation) and activities.

A token is a signed pair (object id, the object's current ``checkin_key``) under a salt
naming the kind of object. It has no timestamp, so the QR code on a printed sign-in sheet
stays valid; rotating the object's ``checkin_key`` invalidates every earlier code, and the
owning app decides when check-in is open (meeting not closed, activity within its hours).
"""

from __future__ import annotations

from django.core import signing


def checkin_token(salt: str, pk: int, key: str) -> str:
    return signing.Signer(salt=salt).sign_object({"m": pk, "k": key}, compress=False)


def checkin_token_valid(salt: str, pk: int, key: str, token: str) -> bool:
    try:
        data = signing.Signer(salt=salt).unsign_object(token or "")
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get("m") == pk and data.get("k") == key
