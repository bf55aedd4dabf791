"""Personal data at rest (个人信息保护): AES-256-GCM encryption, a keyed hash, masking.

ID numbers, phones, bank accounts and health conditions of monitored households' members are
stored only encrypted (``cryptography``'s AES-GCM, a fresh 96-bit nonce per value, the field's
name as associated data so a value cannot be moved to another column). The key comes from the
environment (``settings.JINGJIN_PERSONAL_DATA_KEY``), never from the database. The ID number
also gets an HMAC-SHA256 (a key derived from the same key) for exact look-up without decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "v1:"


def _key() -> bytes:
    key = settings.JINGJIN_PERSONAL_DATA_KEY
    if not isinstance(key, bytes) or len(key) != 32:
        raise RuntimeError("the personal-data key is not configured")
    return key


def parse_key(text: str) -> bytes:
    """A key given as the base64 of 32 bytes (as ``JINGJIN_PERSONAL_DATA_KEY``); ValueError otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError("a personal-data key is the base64 of 32 bytes")
    return key


def encrypt(text: str, *, field: str, key: bytes | None = None) -> str:
    """``v1:`` + base64(nonce ‖ ciphertext ‖ tag) of ``text`` (``key``: the configured one)."""
    nonce = os.urandom(12)
    sealed = AESGCM(key or _key()).encrypt(nonce, text.encode("utf-8"), field.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str, *, field: str, key: bytes | None = None) -> str:
    """The clear text of a value :func:`encrypt` gave; a value that fails the tag raises ValueError."""
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(stored[len(PREFIX) :])
    try:
        return AESGCM(key or _key()).decrypt(raw[:12], raw[12:], field.encode()).decode("utf-8")
    except InvalidTag:
        raise ValueError("the value cannot be decrypted with the configured key") from None


def id_number_hash(id_number: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of a normalised ID number (upper case, no spaces), hex."""
    lookup_key = hashlib.sha256(b"jingjin-id-lookup:" + (key or _key())).digest()
    normal = id_number.strip().upper().replace(" ", "")
    return hmac.new(lookup_key, normal.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """``5109**********1234``: the first and last characters kept, the rest starred."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)


def mask_account(value: str) -> str:
    return mask(value, keep_start=0, keep_end=4) if len(value) > 4 else "*" * len(value)


def mask_health(value: str) -> str:
    return "***" if value else ""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column whose database value is encrypted (see :func:`encrypt`); empty stays empty."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value in (None, ""):
            return ""
        return decrypt(str(value), field=self.name)

    def get_prep_value(self, value: Any) -> Any:
        if value in (None, ""):
            return ""
        text = str(value)
        if text.startswith(PREFIX):
            return text
        return encrypt(text, field=self.name)
