"""Throw-away service-account keys (PEM, P12, JSON) and credentials files for the tests."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

ACCOUNT = "collector@sandbox-test.iam.gserviceaccount.com"
CLIENT_ID = "123-sandbox.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret-value"
REFRESH_TOKEN = "1/sandbox-refresh-token-value"
STALE_TOKEN = "ya29.stale-access-token-value"


@functools.lru_cache(maxsize=1)
def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_bytes() -> bytes:
    return _key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())


def public_pem() -> bytes:
    return _key().public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)


@functools.lru_cache(maxsize=1)
def other_public_pem() -> bytes:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return other.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)


def p12_bytes() -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"privatekey", _key(), None, None,
        serialization.BestAvailableEncryption(b"notasecret"))


def json_key(token_uri: str = "https://oauth2.googleapis.com/token") -> dict:
    return {"type": "service_account", "project_id": "sandbox-test",
            "private_key_id": "0123456789abcdef", "private_key": pem_bytes().decode(),
            "client_email": ACCOUNT, "client_id": "42", "token_uri": token_uri}


def storage_record(token_uri: str = "https://accounts.google.com/o/oauth2/token",
                   expiry: str | None = "2018-01-01T00:00:00Z") -> dict:
    """An oauth2client storage file whose access token has expired."""
    return {"_module": "oauth2client.client", "_class": "OAuth2Credentials",
            "access_token": STALE_TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN, "token_expiry": expiry, "token_uri": token_uri,
            "user_agent": None, "invalid": False, "id_token": None, "token_response": None,
            "revoke_uri": "https://accounts.google.com/o/oauth2/revoke"}


def client_secrets() -> dict:
    return {"installed": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                          "redirect_uris": ["http://localhost"],
                          "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                          "token_uri": "https://oauth2.googleapis.com/token"}}


def write_storage_credentials(folder: Path, **storage) -> dict:
    """Write client_secrets.json and storage.db; the credentials JSON naming them."""
    (folder / "client_secrets.json").write_text(json.dumps(client_secrets()))
    (folder / "storage.db").write_text(json.dumps(storage_record(**storage)))
    return {"CLIENT_SECRETS": str(folder / "client_secrets.json"),
            "STORAGE_PATH": str(folder / "storage.db")}


def write_valid_user_credentials(write, label: str) -> dict:
    """Write, with ``write(name, data)`` (``run_cli.write``), an installed-app client and a
    storage file holding the still-valid sandbox access token ``sandbox-access-<label>``
    (client ``<label>.apps.googleusercontent.com``, secret ``<label>-secret``, refresh token
    ``1/<label>-refresh``); the credentials JSON naming them."""
    token_uri = "https://accounts.google.com/o/oauth2/token"
    client = {"client_id": f"{label}.apps.googleusercontent.com",
              "client_secret": f"{label}-secret"}
    secrets = write("client_secrets.json", {"installed": {**client, "token_uri": token_uri}})
    storage = write("storage.db", {
        "access_token": f"sandbox-access-{label}", "refresh_token": f"1/{label}-refresh",
        **client, "token_expiry": "2099-01-01T00:00:00Z", "token_uri": token_uri,
        "invalid": False})
    return {"CLIENT_SECRETS": str(secrets), "STORAGE_PATH": str(storage)}


def write_service_account_credentials(folder: Path, kind: str = "pem") -> dict:
    """Write a key file of ``kind`` (pem, p12, json); the credentials JSON naming it."""
    path = folder / f"key.{kind}"
    if kind == "json":
        path.write_text(json.dumps(json_key()))
    else:
        path.write_bytes(pem_bytes() if kind == "pem" else p12_bytes())
    return {"ACCOUNT_NAME": ACCOUNT, "PRIVATE_KEY": str(path),
            "STORAGE_PATH": str(folder / "sa-storage.db")}
