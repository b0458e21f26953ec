"""Google credentials for the GA collectors, with google-auth (oauth2client is gone).

The credentials JSON (``-c``) takes one of these shapes, tried in this order (the first three
are the original's, in the original's order):

1. ``CLIENT_SECRETS`` + ``STORAGE_PATH``: an installed-app OAuth client. ``STORAGE_PATH`` is
   the oauth2client storage file written by ``pp-collector-ga-credentials`` (or a
   google-auth "authorized_user" file). Its access token is refreshed when expired, or when
   the API answers 401, and the new token is written back to the same file.
2. ``ACCOUNT_NAME`` + ``PRIVATE_KEY`` (+ ``STORAGE_PATH``): a service account. ``PRIVATE_KEY``
   names a P12 (password ``notasecret``), PEM or service-account JSON key file, or holds the
   PEM (or JSON) key itself; an inline key is registered as a secret line by line and is never
   quoted in a message. The JWT-bearer grant's audience is always Google's documented
   ``https://oauth2.googleapis.com/token``. The token obtained is kept in ``STORAGE_PATH`` when
   it is given.
3. ``CREDENTIALS_FILE`` (new): a google-auth JSON file, ``"type": "service_account"`` (a JSON
   key) or ``"type": "authorized_user"``.
4. ``OAUTH2_CREDENTIALS`` (in-process, from Stagecraft): the serialized credentials
   themselves, as a dict or JSON text, in the oauth2client or authorized-user format; the
   client id and secret may come from ``CLIENT_SECRETS`` (a dict holding ``installed``).

Endpoints can be pointed elsewhere from the credentials JSON:

``TOKEN_URI``  the OAuth token endpoint (default: the file's ``token_uri``, else Google's
               documented ``https://oauth2.googleapis.com/token``, for every shape)
``API_ROOT``   the API root: one URL for every Google API, or a mapping from Google's host
               (``analyticsdata.googleapis.com``, ``www.googleapis.com``) to a root URL

Relative file names are read from the working directory, as the original did, and else from
the folder of the credentials JSON.

Token requests go through our HTTP layer (``utils.http.send``): our timeouts, our retries on
connection errors, 429 and 5xx (scaled by ``PP_COLLECTOR_BACKOFF_SCALE`` and logged), the
sandbox redirection. google-auth's own retry loop, which sleeps on its own schedule, never
sees a retryable answer. Token lifetimes (the JWT's ``iat``/``exp``, the expiry of a stored
token) follow the real time, never ``PP_COLLECTOR_NOW``: Google refuses a JWT dated otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
import requests
from google.auth import crypt, jwt
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError, SourceError
from performanceplatform.utils.http import (
    RETRYABLE_STATUSES,
    CollectorSession,
    RetryPolicy,
    make_session,
    redact_url,
    send,
)
from performanceplatform.utils.redact import register_secrets, secret_values

log = logging.getLogger(__name__)

ANALYTICS_SCOPE = "https://www.googleapis.com/auth/analytics"
ANALYTICS_READONLY_SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
# Google's documented token endpoint, and the audience of every JWT-bearer grant ("aud ...
# When making an access token request this value is always https://oauth2.googleapis.com/token",
# https://developers.google.com/identity/protocols/oauth2/service-account).
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_AUDIENCE = GOOGLE_TOKEN_URI
P12_PASSWORD = b"notasecret"
INLINE_KEY_MIN_LINE = 16  # shorter lines of an inline key ("-----END ...") are not secret
MAX_SHOWN_PATH = 1024
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
JWT_LIFETIME = dt.timedelta(seconds=3600)
REGENERATE_HINT = "run pp-collector-ga-credentials again"
SERVICE_ACCOUNT_HINT = ("check that the service account and its key still exist and are "
                        "enabled, and that this machine's clock is right")
SERIALIZED_HINT = ("renew the credentials in OAUTH2_CREDENTIALS (pp-collector-ga-credentials "
                   "makes new ones)")
# OAuth error codes that mean "try again later" even in a 400 answer (RFC 6749 5.2 and 4.1.2.1).
RETRYABLE_TOKEN_ERRORS = frozenset({"internal_failure", "server_error",
                                    "temporarily_unavailable"})


# -- public API ---------------------------------------------------------------------------


def load_credentials(
    credentials: Mapping[str, Any], scopes: list[str] | None = None
) -> google.auth.credentials.Credentials:
    """google-auth credentials for one of the shapes above; nothing is requested yet.

    Raises ``ConfigError`` naming the key and the file when the shape or a file is wrong.
    Refreshing the returned credentials writes the new token back to the storage file, and
    turns a refusal of the token endpoint into a ``ConfigError`` naming the file.
    """
    source = _Source(credentials)
    if "CLIENT_SECRETS" in credentials and "STORAGE_PATH" in credentials:
        return _from_storage(source, scopes)
    if "ACCOUNT_NAME" in credentials:
        return _from_service_account(source, scopes)
    if "CREDENTIALS_FILE" in credentials:
        return _from_credentials_file(source, scopes)
    if "OAUTH2_CREDENTIALS" in credentials:
        return _from_serialized(source)
    raise ConfigError(
        "no Google credentials: give CLIENT_SECRETS and STORAGE_PATH, ACCOUNT_NAME and "
        "PRIVATE_KEY, CREDENTIALS_FILE, or OAUTH2_CREDENTIALS", where=source.where,
    )


def check_credentials(
    credentials: Any, problems: Problems, scopes: list[str] | None = None
) -> google.auth.credentials.Credentials | None:
    """``load_credentials``, recording a problem in ``problems`` instead of raising, so that
    a collector reports the credentials' and the query's problems together."""
    if not isinstance(credentials, Mapping):
        problems.add("credentials", "expected a JSON object")
        return None
    try:
        return load_credentials(credentials, scopes)
    except ConfigError as exc:
        problems.add(exc.key or "credentials", _detail(exc))
        return None


def _detail(exc: ConfigError) -> str:
    """The message of ``exc`` without the ``<where>: key '<key>': `` prefix."""
    text = str(exc)
    for prefix in (f"{exc.where}: " if exc.where else "", f"key '{exc.key}': " if exc.key
                   else ""):
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
    return text


def authorized_session(
    credentials: Mapping[str, Any], scopes: list[str] | None = None
) -> GoogleSession:
    """A session from ``make_session()`` that sends ``Authorization: Bearer <token>``.

    The token is refreshed before a request when it is missing or expired, and once more when
    the API answers 401. Refreshes go through our HTTP layer too (timeouts, sandbox).
    """
    scopes = list(scopes) if scopes else [ANALYTICS_SCOPE]
    return GoogleSession(load_credentials(credentials, scopes))


def api_root(credentials: Mapping[str, Any], default: str) -> str:
    """The root URL to use instead of ``default`` (e.g. ``https://analyticsdata.googleapis.com/``).

    ``API_ROOT`` in the credentials JSON is either one URL, or a mapping from the default's
    host name to a URL. The answer always ends with ``/``.
    """
    configured = credentials.get("API_ROOT")
    if configured is None:
        return _with_slash(default)
    if isinstance(configured, Mapping):
        configured = configured.get(urlsplit(default).hostname or "")
        if configured is None:
            return _with_slash(default)
    if not isinstance(configured, str) or urlsplit(configured).scheme not in ("http", "https"):
        raise ConfigError(
            "must be an http(s) URL, or a mapping from a Google host name to one",
            where=credentials.get("path_to_json_file"), key="API_ROOT",
        )
    return _with_slash(configured)


# -- the session ---------------------------------------------------------------------------


class GoogleSession(CollectorSession):
    """A ``CollectorSession`` that authorizes every request with the Google credentials."""

    def __init__(self, credentials: google.auth.credentials.Credentials):
        super().__init__()
        self.credentials = credentials
        self._refresh_request = TokenTransport()
        self._lock = threading.Lock()

    def refresh(self, stale_token: str | None = None) -> None:
        """Get a new access token, unless another thread already replaced ``stale_token``
        (``None``: there was none yet) with a valid one while this one waited for the lock,
        so that workers starting together share one refresh."""
        with self._lock:
            if self.credentials.token != stale_token and self.credentials.valid:
                return
            self.credentials.refresh(self._refresh_request)

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if not self.credentials.valid:
            self.refresh(self.credentials.token)
        token = self.credentials.token
        response = super().request(method, url, *args, **self._authorized(kwargs, token))
        if response.status_code == 401:
            log.info("%s answered 401: refreshing the access token", redact_url(url))
            response.close()
            self.refresh(token)
            token = self.credentials.token
            response = super().request(method, url, *args, **self._authorized(kwargs, token))
        return response

    @staticmethod
    def _authorized(kwargs: dict[str, Any], token: str | None) -> dict[str, Any]:
        headers = dict(kwargs.get("headers") or {})
        headers["Authorization"] = f"Bearer {token}"
        return {**kwargs, "headers": headers}


# -- token requests through our HTTP layer ----------------------------------------------------


def token_answer_is_retryable(response: requests.Response) -> bool:
    """429, 5xx, or an OAuth error that asks to try again later."""
    if response.status_code in RETRYABLE_STATUSES:
        return True
    if response.ok:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and any(
        body.get(key) in RETRYABLE_TOKEN_ERRORS for key in ("error", "error_description"))


def token_retry_policy() -> RetryPolicy:
    """How token requests are retried (a POST of the same grant is safe to repeat)."""
    return RetryPolicy(retry_on=token_answer_is_retryable)


class TokenEndpointUnavailable(google.auth.exceptions.TransportError):
    """The token endpoint still answered 429/5xx (or asked to retry) after our retries."""

    def __init__(self, url: str, response: requests.Response, attempts: int):
        super().__init__(f"HTTP {response.status_code}")
        self.url = url
        self.response = response
        self.attempts = attempts


class _TransportResponse(google.auth.transport.Response):
    def __init__(self, response: requests.Response):
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self):  # type: ignore[no-untyped-def]
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class TokenTransport(google.auth.transport.Request):
    """The HTTP transport google-auth refreshes with: ``send()`` on a ``make_session()``.

    Retryable answers are retried here, with our policy; if one is still the last answer, it
    is raised as ``TokenEndpointUnavailable`` instead of being handed to google-auth, whose
    own backoff loop would sleep outside our policy.
    """

    def __init__(self, session: requests.Session | None = None,
                 policy: RetryPolicy | None = None):
        self.session = session or make_session()
        self.policy = policy or token_retry_policy()

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None,  # type: ignore[override]
                 **kwargs):
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = send(self.session, method, url, policy=self.policy, data=body,
                            headers=headers, describe=f"token {method} {redact_url(url)}",
                            **kwargs)
        except requests.RequestException as exc:
            raise google.auth.exceptions.TransportError(exc) from exc
        if self.policy.should_retry(response):
            raise TokenEndpointUnavailable(url, response, self.policy.attempts)
        return _TransportResponse(response)


# -- where the credentials came from, for messages and write-back ----------------------------


@dataclass
class _Source:
    """The credentials JSON, and how to name and find the files it points at."""

    config: Mapping[str, Any]

    @property
    def where(self) -> str | None:
        return self.config.get("path_to_json_file")

    def string(self, key: str) -> str:
        value = self.config.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError("must be a non-empty string", where=self.where, key=key)
        return value

    def path(self, key: str) -> Path:
        """The file named by ``key``, relative to the working directory or the JSON's folder."""
        path = Path(os.path.expanduser(self.string(key)))
        if path.is_absolute() or path.exists() or not self.where:
            return path
        beside = Path(self.where).parent / path
        return beside if beside.exists() else path

    def read_json(self, key: str, what: str) -> dict[str, Any]:
        """The JSON object in the file named by ``key``, or given inline as JSON text; a
        value that is no file name is never quoted in a message."""
        value = self.string(key)
        if value.lstrip().startswith("{"):
            return _inline_json(value, self.where, key)
        shown = None if _printable_path(value) else f"{what} named by {key}"
        return read_json_file(self.path(key), what, self.where, key, shown)

    def token_uri(self, *found: Any, default: str = GOOGLE_TOKEN_URI) -> str:
        configured = self.config.get("TOKEN_URI")
        for value in (configured, *found):
            if isinstance(value, str) and value:
                return value
        return default


def read_json_file(path: Path, what: str, where: str | None, key: str | None,
                   shown: str | None = None) -> dict[str, Any]:
    """A JSON object from ``path``, or a ``ConfigError`` naming the file (as ``shown``, else
    ``<what> <path>``) and the problem."""
    name = shown or f"{what} {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name} does not exist", where=where, key=key)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {name}: {_reason(exc)}", where=where, key=key)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{name} is not valid JSON: {exc}", where=where, key=key)
    if not isinstance(data, dict):
        raise ConfigError(f"{name} must hold a JSON object", where=where, key=key)
    return data


def _inline_json(value: str, where: str | None, key: str) -> dict[str, Any]:
    """A JSON object given as text in ``key``; its secret values are registered."""
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"holds JSON text that is not valid ({exc})", where=where, key=key)
    if not isinstance(data, dict):
        raise ConfigError("holds JSON text that is not an object", where=where, key=key)
    register_secrets([value, *secret_values(data)])
    return data


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


# -- refresh: errors and write-back ------------------------------------------------------------


class _Managed:
    """Mixed into google-auth credentials: one-line errors, secret registration, write-back."""

    _pp_describe: str = "the Google credentials"
    _pp_where: str | None = None
    _pp_store: _TokenStore | None = None
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
        reason = _one_line(str(exc.args[0] if exc.args else exc))
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


class _TokenStore:
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
            log.warning("could not write the refreshed token to %s: %s", self.path, _reason(exc))


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


# -- user (installed-app) credentials ----------------------------------------------------------


class UserCredentials(_Managed, user_credentials.Credentials):
    """OAuth user credentials (refresh-token grant) that report and store their refreshes."""


def _parse_expiry(value: Any) -> dt.datetime | None:
    """A naive UTC datetime (what google-auth wants) from oauth2client / google-auth text."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def _client_secrets(value: Any, source: _Source) -> dict[str, Any]:
    """The ``installed`` (or ``web``) part of a client-secrets file or dict."""
    if isinstance(value, Mapping):
        data = dict(value)
    else:
        data = source.read_json("CLIENT_SECRETS", "the client secrets file")
    for kind in ("installed", "web"):
        if isinstance(data.get(kind), Mapping):
            return dict(data[kind])
    if "client_id" in data:
        return data
    raise ConfigError("the client secrets must hold an 'installed' client",
                      where=source.where, key="CLIENT_SECRETS")


def _user_credentials(
    stored: dict[str, Any], secrets: dict[str, Any], source: _Source, describe: str,
    where: str | None,
) -> UserCredentials:
    is_google_auth = stored.get("type") == "authorized_user" or "token" in stored
    token = stored.get("token") if is_google_auth else stored.get("access_token")
    expiry = stored.get("expiry") if is_google_auth else stored.get("token_expiry")
    fields = {
        "refresh_token": stored.get("refresh_token"),
        "client_id": stored.get("client_id") or secrets.get("client_id"),
        "client_secret": stored.get("client_secret") or secrets.get("client_secret"),
    }
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise ConfigError(f"{describe} lacks {', '.join(missing)}; {REGENERATE_HINT}",
                          where=where)
    register_secrets([token, *fields.values()])
    creds = UserCredentials(
        token=token or None, expiry=_parse_expiry(expiry),
        token_uri=source.token_uri(stored.get("token_uri"), secrets.get("token_uri")),
        **fields,
    )
    creds._pp_describe, creds._pp_where = describe, where
    return creds


def _from_storage(source: _Source, scopes: list[str] | None) -> UserCredentials:
    secrets = _client_secrets(source.config["CLIENT_SECRETS"], source)
    path = source.path("STORAGE_PATH")
    describe = f"the OAuth storage file {path}"
    stored = read_json_file(path, "the OAuth storage file", source.where, "STORAGE_PATH")
    if stored.get("invalid") is True:
        raise ConfigError(f"{describe} is marked invalid; {REGENERATE_HINT}", where=source.where,
                          key="STORAGE_PATH")
    creds = _user_credentials(stored, secrets, source, describe, str(path))
    fmt = "authorized_user" if stored.get("type") == "authorized_user" else "oauth2client"
    creds._pp_store = _TokenStore(path, stored, fmt)
    return creds


def _from_serialized(source: _Source) -> UserCredentials:
    value = source.config["OAUTH2_CREDENTIALS"]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, Mapping):
        raise ConfigError("must be serialized OAuth credentials (a JSON object)",
                          where=source.where, key="OAUTH2_CREDENTIALS")
    secrets: dict[str, Any] = {}
    if isinstance(source.config.get("CLIENT_SECRETS"), Mapping):
        secrets = _client_secrets(source.config["CLIENT_SECRETS"], source)
    describe = "the credentials in OAUTH2_CREDENTIALS"
    where = source.where
    creds = _user_credentials(dict(value), secrets, source, describe, where)
    creds._pp_hint = SERIALIZED_HINT
    return creds


# -- service accounts ---------------------------------------------------------------------------


class ServiceAccountCredentials(_Managed, service_account.Credentials):
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


def _key_material(source: _Source) -> tuple[bytes, str]:
    """The bytes of the key in ``PRIVATE_KEY`` and how messages name it (never by its value)."""
    value = source.string("PRIVATE_KEY")
    if _is_inline_key(value):
        _register_inline_key(value)
        return value.encode("utf-8"), "the private key given inline in PRIVATE_KEY"
    path = source.path("PRIVATE_KEY")
    shown = f"the private key file {path}" if _printable_path(value) else \
        "the private key file named by PRIVATE_KEY"
    try:
        return path.read_bytes(), shown
    except OSError as exc:
        problem = "does not exist" if isinstance(exc, FileNotFoundError) else _reason(exc)
        raise ConfigError(f"{shown}: {problem}", where=source.where, key="PRIVATE_KEY")


def _printable_path(value: str) -> bool:
    """A value that can be shown as a file name: one short line, no key material in it."""
    return len(value) <= MAX_SHOWN_PATH and value.isprintable() and "-----" not in value


def _signer_from_key(source: _Source) -> tuple[crypt.Signer, dict[str, Any], str]:
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


def _from_service_account(source: _Source, scopes: list[str] | None) -> ServiceAccountCredentials:
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
        creds.expiry = _parse_expiry(stored.get("token_expiry"))
        register_secrets([creds.token])
    creds._pp_store = _TokenStore(path, stored, "oauth2client")


# -- google-auth JSON files -----------------------------------------------------------------------


def _from_credentials_file(
    source: _Source, scopes: list[str] | None
) -> google.auth.credentials.Credentials:
    path = source.path("CREDENTIALS_FILE")
    info = source.read_json("CREDENTIALS_FILE", "the credentials file")
    kind = info.get("type")
    if kind == "authorized_user":
        describe = f"the credentials file {path}"
        creds = _user_credentials(info, {}, source, describe, str(path))
        creds._pp_store = _TokenStore(path, info, "authorized_user")
        return creds
    if kind == "service_account":
        try:
            signer = crypt.RSASigner.from_service_account_info(info)
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"the credentials file {path} has no usable private key "
                              f"({type(exc).__name__})", where=source.where,
                              key="CREDENTIALS_FILE")
        email = info.get("client_email")
        if not email:
            raise ConfigError(f"the credentials file {path} lacks client_email",
                              where=source.where, key="CREDENTIALS_FILE")
        account = ServiceAccountCredentials(
            signer, email, source.token_uri(info.get("token_uri")),
            scopes=scopes or [ANALYTICS_SCOPE],
        )
        account._pp_describe, account._pp_where = f"the service account in {path}", source.where
        return account
    raise ConfigError(
        f"the credentials file {path} must have \"type\": \"service_account\" or "
        "\"authorized_user\"", where=source.where, key="CREDENTIALS_FILE",
    )


__all__ = [
    "ANALYTICS_READONLY_SCOPE",
    "ANALYTICS_SCOPE",
    "GoogleSession",
    "TokenEndpointUnavailable",
    "TokenTransport",
    "api_root",
    "authorized_session",
    "check_credentials",
    "load_credentials",
    "read_json_file",
]
