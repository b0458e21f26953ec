"""Service accounts: a P12, PEM or JSON key, in a file or inline (registered as a secret,
never quoted), and the token kept in ``STORAGE_PATH``."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from google.auth import crypt, jwt
from google.oauth2 import service_account
from performanceplatform.google.credentials.constants import (
    ANALYTICS_SCOPE,
    INLINE_KEY_MIN_LINE,
    JWT_AUDIENCE,
    JWT_LIFETIME,
    P12_PASSWORD,
    SERVICE_ACCOUNT_HINT,
)
from performanceplatform.google.credentials.refresh import Managed, TokenStore
from performanceplatform.google.credentials.source import Source, printable_path, reason
from performanceplatform.google.credentials.user import parse_expiry
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.redact import register_secrets

log = logging.getLogger(__name__)

class ServiceAccountCredentials(Managed, service_account.Credentials):
    """Service-account credentials whose JWT carries the original's claims (iss, scope, aud,
    iat, exp), dated by the real time, with Google's documented audience whatever token
    endpoint the grant is posted to (as google-auth does)."""

    _pp_hint = SERVICE_ACCOUNT_HINT

    def _make_authorization_grant_assertion(self):  # type: ignore[no-untyped-def]
        issued = int(time.time())  # the real time: Google refuses any other
        payload = {
            "iss": self._service_account_email,
            "scope": " ".join(self._scopes or ()),
            "aud": JWT_AUDIENCE,
            "iat": issued,
            "exp": issued + int(JWT_LIFETIME.total_seconds()),
        }
        if self._subject:
            payload["sub"] = self._subject
        return jwt.encode(self._signer, payload)


def _is_inline_key(value: str) -> bool:
    """Whether ``PRIVATE_KEY`` holds the key itself (PEM text, or a JSON key) and not a path."""
    text = value.lstrip()
    return "-----BEGIN" in text or text.startswith("{")


def _register_inline_key(value: str) -> None:
    """Register an inline key as a secret in every form a message could reshape it into:
    whole, JSON-escaped, and line by line (an error line joins lines with spaces)."""
    lines = [line.strip() for line in value.splitlines()]
    register_secrets([value, value.strip(), json.dumps(value)[1:-1], " ".join(lines),
                      *(line for line in lines if len(line) >= INLINE_KEY_MIN_LINE)])


def _key_material(source: Source) -> tuple[bytes, str]:
    """The bytes of the key in ``PRIVATE_KEY`` and how messages name it (never by its value)."""
    value = source.string("PRIVATE_KEY")
    if _is_inline_key(value):
        _register_inline_key(value)
        return value.encode("utf-8"), "the private key given inline in PRIVATE_KEY"
    path = source.path("PRIVATE_KEY")
    shown = f"the private key file {path}" if printable_path(value) else \
        "the private key file named by PRIVATE_KEY"
    try:
        return path.read_bytes(), shown
    except OSError as exc:
        problem = "does not exist" if isinstance(exc, FileNotFoundError) else reason(exc)
        raise ConfigError(f"{shown}: {problem}", where=source.where, key="PRIVATE_KEY")


def _signer_from_key(source: Source) -> tuple[crypt.Signer, dict[str, Any], str]:
    """A signer from ``PRIVATE_KEY`` (P12, PEM or JSON key, as a file or inline), the JSON
    key's fields, and how messages name the key."""
    raw, shown = _key_material(source)
    try:
        if raw.lstrip().startswith(b"{"):
            info = json.loads(raw)
            if not isinstance(info, dict):
                raise ValueError("not a JSON object")
            register_secrets([info.get("private_key")])
            return crypt.RSASigner.from_service_account_info(info), info, shown
        if b"-----BEGIN" in raw:
            return crypt.RSASigner.from_string(raw), {}, shown
        return crypt.RSASigner.from_string(_p12_to_pem(raw)), {}, shown
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(
            f"{shown} is not a P12, PEM or JSON service-account key ({type(exc).__name__})",
            where=source.where, key="PRIVATE_KEY",
        )


def _p12_to_pem(raw: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, _cert, _extra = pkcs12.load_key_and_certificates(raw, P12_PASSWORD)
    if key is None:
        raise ValueError("no private key in the P12 file")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def from_service_account(source: Source, scopes: list[str] | None) -> ServiceAccountCredentials:
    account = source.string("ACCOUNT_NAME")
    signer, info, shown = _signer_from_key(source)
    token_uri = source.token_uri(info.get("token_uri"))
    creds = ServiceAccountCredentials(
        signer, account, token_uri, scopes=scopes or [ANALYTICS_SCOPE],
    )
    creds._pp_describe = f"the service account {account} ({shown})"
    creds._pp_where = source.where
    if source.config.get("STORAGE_PATH"):
        _attach_service_account_store(creds, source.path("STORAGE_PATH"), account)
    return creds


def _attach_service_account_store(
    creds: ServiceAccountCredentials, path: Path, account: str
) -> None:
    """Reuse a still-valid token kept in ``path`` and keep the next one there."""
    stored: dict[str, Any] = {}
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("ignoring the unreadable token file %s", path)
    if not isinstance(stored, dict) or stored.get("service_account_email") != account:
        stored = {"_module": "pp-collector", "_class": "ServiceAccountToken",
                  "service_account_email": account}
    elif stored.get("access_token"):
        creds.token = stored["access_token"]
        creds.expiry = parse_expiry(stored.get("token_expiry"))
        register_secrets([creds.token])
    creds._pp_store = TokenStore(path, stored, "oauth2client")
