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

Token requests go through our HTTP layer (``transport.http.send``): our timeouts, our retries on
connection errors, 429 and 5xx (scaled by ``PP_COLLECTOR_BACKOFF_SCALE`` and logged), the
sandbox redirection. google-auth's own retry loop, which sleeps on its own schedule, never
sees a retryable answer. Token lifetimes (the JWT's ``iat``/``exp``, the expiry of a stored
token) follow the real time, never ``PP_COLLECTOR_NOW``: Google refuses a JWT dated otherwise.
"""


from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import google.auth.credentials
from performanceplatform.google.credentials.constants import (
    ANALYTICS_READONLY_SCOPE,
    ANALYTICS_SCOPE,
    REGENERATE_HINT,
    SERIALIZED_HINT,
    SERVICE_ACCOUNT_HINT,
)
from performanceplatform.google.credentials.json_files import from_credentials_file
from performanceplatform.google.credentials.service_account import from_service_account
from performanceplatform.google.credentials.session import GoogleSession
from performanceplatform.google.credentials.source import Source, read_json_file, with_slash
from performanceplatform.google.credentials.token_transport import (
    TokenEndpointUnavailable,
    TokenTransport,
)
from performanceplatform.google.credentials.user import from_serialized, from_storage
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError


def load_credentials(
    credentials: Mapping[str, Any], scopes: list[str] | None = None
) -> google.auth.credentials.Credentials:
    """google-auth credentials for one of the shapes above; nothing is requested yet.

    Raises ``ConfigError`` naming the key and the file when the shape or a file is wrong.
    Refreshing the returned credentials writes the new token back to the storage file, and
    turns a refusal of the token endpoint into a ``ConfigError`` naming the file.
    """
    source = Source(credentials)
    if "CLIENT_SECRETS" in credentials and "STORAGE_PATH" in credentials:
        return from_storage(source, scopes)
    if "ACCOUNT_NAME" in credentials:
        return from_service_account(source, scopes)
    if "CREDENTIALS_FILE" in credentials:
        return from_credentials_file(source, scopes)
    if "OAUTH2_CREDENTIALS" in credentials:
        return from_serialized(source)
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
        return with_slash(default)
    if isinstance(configured, Mapping):
        configured = configured.get(urlsplit(default).hostname or "")
        if configured is None:
            return with_slash(default)
    if not isinstance(configured, str) or urlsplit(configured).scheme not in ("http", "https"):
        raise ConfigError(
            "must be an http(s) URL, or a mapping from a Google host name to one",
            where=credentials.get("path_to_json_file"), key="API_ROOT",
        )
    return with_slash(configured)


__all__ = [
    "ANALYTICS_READONLY_SCOPE",
    "ANALYTICS_SCOPE",
    "REGENERATE_HINT",
    "SERIALIZED_HINT",
    "SERVICE_ACCOUNT_HINT",
    "GoogleSession",
    "TokenEndpointUnavailable",
    "TokenTransport",
    "api_root",
    "authorized_session",
    "check_credentials",
    "load_credentials",
    "read_json_file",
]
