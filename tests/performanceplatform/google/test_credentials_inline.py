"""``PRIVATE_KEY`` in-process: a key given inline (PEM or JSON) is used and masked in every form
a message could reshape it into; a value that is no file name is never quoted; a key file
that cannot be read names the reason. (test_inline_key.py runs the same through the CLI.)"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from google.auth import jwt

from performanceplatform.google.credentials import load_credentials
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.redact import forget_secrets, redact
from tests.performanceplatform.google import keys

BEGIN, END = "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"


@pytest.fixture(autouse=True)
def no_secrets():
    forget_secrets()
    yield
    forget_secrets()


def service_account(private_key: str) -> dict:
    return {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": private_key,
            "path_to_json_file": "c.json"}


def failure(private_key: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_credentials(service_account(private_key))
    return str(caught.value)


def signs_with_the_key(creds) -> bool:
    assertion = creds._make_authorization_grant_assertion()
    claims = jwt.decode(assertion, certs=keys.public_pem(), audience=creds._token_uri)
    return claims["iss"] == keys.ACCOUNT and abs(claims["iat"] - time.time()) < 60


@pytest.mark.parametrize("value", [
    keys.pem_bytes().decode(),
    "\n  " + keys.pem_bytes().decode(),
    json.dumps(keys.json_key()),
    "\n  " + json.dumps(keys.json_key(), indent=2),
], ids=["pem", "pem-after-blank-lines", "json", "json-after-blank-lines"])
def test_an_inline_key_is_used(value):
    assert signs_with_the_key(load_credentials(service_account(value)))


def test_an_inline_pem_key_is_masked_whole_and_reshaped():
    pem = keys.pem_bytes().decode()
    load_credentials(service_account(pem))
    lines = [line.strip() for line in pem.splitlines()]
    json_escaped = json.dumps(pem)[1:-1]
    for shown in (pem, pem.strip(), json_escaped, quote(json_escaped, safe=""),
                  " ".join(lines)):
        assert redact(f"<{shown}>") == "<***>"


def test_lines_of_an_inline_key_are_masked_from_16_characters():
    """A damaged key is refused, and its lines are still secrets: an error line may show one."""
    value = f"{BEGIN}\n{'A' * 16}\n{'B' * 15}\n{END}\n"
    assert failure(value) == ("c.json: key 'PRIVATE_KEY': the private key given inline in "
                              "PRIVATE_KEY is not a P12, PEM or JSON service-account key "
                              "(ValueError)")
    assert redact(f"<{'A' * 16}> <{'B' * 15}> <{END}>") == f"<***> <{'B' * 15}> <***>"


@pytest.mark.parametrize("blank", ["", "\n  "])
def test_a_damaged_inline_json_key_is_named_and_masked(blank):
    value = blank + json.dumps({"private_key": "not really a key, but secret",
                                "client_email": "a@b"})
    assert failure(value) == ("c.json: key 'PRIVATE_KEY': the private key given inline in "
                              "PRIVATE_KEY is not a P12, PEM or JSON service-account key "
                              "(ValueError)")
    assert redact(value) == "***"
    assert redact("<not really a key, but secret>") == "<***>"


def test_the_private_key_of_a_json_key_file_is_a_secret(tmp_path):
    info = keys.json_key()
    (tmp_path / "key.json").write_text(json.dumps(info), encoding="utf-8")
    load_credentials(service_account(str(tmp_path / "key.json")))
    assert redact(f"<{info['private_key']}>") == "<***>"


@pytest.mark.parametrize("value", [
    "not a file\nname",
    "-----END PRIVATE KEY-----",
    "/nowhere/" + "/".join(["x" * 200] * 5) + "/" + "y" * 11,
], ids=["two-lines", "key-fragment", "1025-characters"])
def test_a_missing_key_file_whose_name_cannot_be_shown_is_named_by_its_key(value):
    assert failure(value) == ("c.json: key 'PRIVATE_KEY': the private key file named by "
                              "PRIVATE_KEY: does not exist")


def test_a_missing_key_file_with_a_name_of_1024_characters_is_named():
    value = "/nowhere/" + "/".join(["x" * 200] * 5) + "/" + "y" * 10
    assert len(value) == 1024
    assert failure(value) == (f"c.json: key 'PRIVATE_KEY': the private key file {value}: does "
                              "not exist")


def test_a_key_file_that_cannot_be_read_names_the_reason(tmp_path):
    assert failure(str(tmp_path)) == (f"c.json: key 'PRIVATE_KEY': the private key file "
                                      f"{tmp_path}: Is a directory")
