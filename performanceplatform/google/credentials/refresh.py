"""Refreshing: one-line errors for a refused or unreachable token endpoint, and writing the
new token back to its storage file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
from performanceplatform.google.credentials.constants import EXPIRY_FORMAT, REGENERATE_HINT
from performanceplatform.google.credentials.source import reason
from performanceplatform.google.credentials.token_transport import (
    TokenEndpointUnavailable,
    TokenTransport,
)
from performanceplatform.transport.http import (
    redact_url,
)
from performanceplatform.utils.errors import ConfigError, SourceError
from performanceplatform.utils.redact import register_secrets

log = logging.getLogger(__name__)

class Managed:
    """Mixed into google-auth credentials: one-line errors, secret registration, write-back."""

    _pp_describe: str = "the Google credentials"
    _pp_where: str | None = None
    _pp_store: TokenStore | None = None
    _pp_hint: str = REGENERATE_HINT

    def refresh(self, request) -> None:  # type: ignore[no-untyped-def]
        token_uri = getattr(self, "_token_uri", None) or ""
        if not isinstance(request, TokenTransport):
            request = TokenTransport()
        try:
            super().refresh(request)  # type: ignore[misc]
        except google.auth.exceptions.RefreshError as exc:
            raise _refresh_error(exc, self._pp_describe, self._pp_where, token_uri,
                                 self._pp_hint) from None
        except TokenEndpointUnavailable as exc:
            raise SourceError(
                f"google: the token endpoint {redact_url(token_uri)} answered HTTP "
                f"{exc.response.status_code} after {exc.attempts} attempts to refresh "
                f"{self._pp_describe}: {_body_summary(exc.response.content)}",
                url=redact_url(token_uri), status=exc.response.status_code,
            ) from None
        except google.auth.exceptions.TransportError as exc:
            raise SourceError(
                f"google: could not reach the token endpoint {redact_url(token_uri)} to refresh "
                f"{self._pp_describe}: {type(exc.__cause__ or exc).__name__}",
                url=redact_url(token_uri),
            ) from None
        token = getattr(self, "token", None)
        register_secrets([token])
        if self._pp_store is not None:
            self._pp_store.save(token, getattr(self, "expiry", None))


def _refresh_error(
    exc: google.auth.exceptions.RefreshError, describe: str, where: str | None, token_uri: str,
    hint: str,
) -> Exception:
    details = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else None
    if details is not None:
        reason = _oauth_error(details)
    else:
        reason = _one_line(str(exc.args[0] if exc.args else exc)) or "no reason given"
    message = (f"the token endpoint {redact_url(token_uri)} refused to refresh {describe}: "
               f"{reason}")
    if getattr(exc, "retryable", False):
        return SourceError("google: " + message, url=redact_url(token_uri))
    return ConfigError(f"{message}; {hint}", where=where)


def _oauth_error(details: dict[str, Any]) -> str:
    """``error: error_description`` of an OAuth error answer, else a short one-line snippet."""
    error, description = details.get("error"), details.get("error_description")
    if isinstance(error, dict):  # the Google API style: {"error": {"code", "message", ...}}
        error, description = error.get("status") or error.get("code"), error.get("message")
    if isinstance(error, (str, int)) and str(error):
        text = str(error)
        if isinstance(description, str) and description.strip():
            text += f": {description}"
        return _one_line(text)
    return _one_line(json.dumps(details))


def _body_summary(body: bytes) -> str:
    """A token endpoint's answer in one short line."""
    try:
        details = json.loads(body or b"null")
    except ValueError:
        details = None
    if isinstance(details, dict):
        return _oauth_error(details)
    return _one_line(body.decode("utf-8", "replace")) or "(empty body)"


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class TokenStore:
    """Writes a refreshed access token back into the file it came from, keeping its format."""

    def __init__(self, path: Path, data: dict[str, Any] | None, fmt: str):
        self.path = path
        self.data = dict(data or {})
        self.fmt = fmt  # "oauth2client" or "authorized_user"

    def save(self, token: str | None, expiry: dt.datetime | None) -> None:
        when = expiry.strftime(EXPIRY_FORMAT) if expiry else None
        if self.fmt == "authorized_user":
            self.data.update(token=token, expiry=when)
        else:
            self.data.update(access_token=token, token_expiry=when, invalid=False)
        try:
            _write_atomically(self.path, json.dumps(self.data))
        except OSError as exc:
            log.warning("could not write the refreshed token to %s: %s", self.path, reason(exc))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
