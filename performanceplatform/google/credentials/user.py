"""User (installed-app) credentials: an oauth2client storage file, a google-auth
"authorized_user" file, or serialized credentials from Stagecraft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from google.oauth2 import credentials as user_credentials
from performanceplatform.google.credentials.constants import REGENERATE_HINT, SERIALIZED_HINT
from performanceplatform.google.credentials.refresh import Managed, TokenStore
from performanceplatform.google.credentials.source import Source, read_json_file
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.redact import register_secrets


class UserCredentials(Managed, user_credentials.Credentials):
    """OAuth user credentials (refresh-token grant) that report and store their refreshes."""


def parse_expiry(value: Any) -> dt.datetime | None:
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


def _client_secrets(value: Any, source: Source) -> dict[str, Any]:
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


def authorized_user_credentials(
    stored: dict[str, Any], secrets: dict[str, Any], source: Source, describe: str,
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
        token=token or None, expiry=parse_expiry(expiry),
        token_uri=source.token_uri(stored.get("token_uri"), secrets.get("token_uri")),
        **fields,
    )
    creds._pp_describe, creds._pp_where = describe, where
    return creds


def from_storage(source: Source, scopes: list[str] | None) -> UserCredentials:
    secrets = _client_secrets(source.config["CLIENT_SECRETS"], source)
    path = source.path("STORAGE_PATH")
    describe = f"the OAuth storage file {path}"
    stored = read_json_file(path, "the OAuth storage file", source.where, "STORAGE_PATH")
    if stored.get("invalid") is True:
        raise ConfigError(f"{describe} is marked invalid; {REGENERATE_HINT}", where=source.where,
                          key="STORAGE_PATH")
    creds = authorized_user_credentials(stored, secrets, source, describe, str(path))
    fmt = "authorized_user" if stored.get("type") == "authorized_user" else "oauth2client"
    creds._pp_store = TokenStore(path, stored, fmt)
    return creds


def from_serialized(source: Source) -> UserCredentials:
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
    creds = authorized_user_credentials(dict(value), secrets, source, describe, where)
    creds._pp_hint = SERIALIZED_HINT
    return creds
