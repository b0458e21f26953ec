"""What a record is, and how an id string becomes its ``_id``: the small base that the record
builder (``data_parser``) and the plugins (``plugins``, e.g. ``ComputeIdFrom``) share, so
that neither imports the other to get it."""

from __future__ import annotations

import binascii
from typing import Any

Document = dict[str, Any]


def value_id(value: str) -> tuple[str, str]:
    """``(_id, humanId)`` for an id string: the URL-safe base64 of its UTF-8 (``=``
    padding kept), and the string itself."""
    encoded = binascii.b2a_base64(value.encode("utf-8"), newline=False).translate(_URLSAFE)
    return encoded.decode("ascii"), value  # base64.urlsafe_b64encode, without its calls


_URLSAFE = bytes.maketrans(b"+/", b"-_")
