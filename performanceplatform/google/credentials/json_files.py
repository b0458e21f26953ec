"""``CREDENTIALS_FILE``: a google-auth JSON file (a service account key or an authorized
user)."""

from __future__ import annotations

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
from google.auth import crypt
from performanceplatform.google.credentials.constants import ANALYTICS_SCOPE
from performanceplatform.google.credentials.refresh import TokenStore
from performanceplatform.google.credentials.service_account import ServiceAccountCredentials
from performanceplatform.google.credentials.source import Source
from performanceplatform.google.credentials.user import authorized_user_credentials
from performanceplatform.utils.errors import ConfigError


def from_credentials_file(
    source: Source, scopes: list[str] | None
) -> google.auth.credentials.Credentials:
    path = source.path("CREDENTIALS_FILE")
    info = source.read_json("CREDENTIALS_FILE", "the credentials file")
    kind = info.get("type")
    if kind == "authorized_user":
        describe = f"the credentials file {path}"
        creds = authorized_user_credentials(info, {}, source, describe, str(path))
        creds._pp_store = TokenStore(path, info, "authorized_user")
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
