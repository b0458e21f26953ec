"""The core's checks of the configs, through the real CLI against the sandbox: data-set names
and empty strings refused before any request; unknown keys, records sharing an ``_id`` and
``idMapping`` fields that no record has reported."""

from __future__ import annotations

import re

import pytest

from tests.helpers import OMNISCIENT_TOKEN, served, stored
from tests.performanceplatform.collector.piwik.test_e2e import credentials, query
from tests.performanceplatform.collector.test_main import (
    QUERY,
    RECORD,
    STAGECRAFT_CONFIG,
    assert_one_line_failure,
    posts,
    with_,
)


def warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("WARNING:")]


# -- data-group and data-type ----------------------------------------------------------------

@pytest.mark.parametrize("key", ["data-group", "data-type"])
@pytest.mark.parametrize("value", ["../../_sandbox/reset", "", "Browsers", "a b", "a/b",
                                   "a?x=1", "é"])
def test_a_data_set_name_outside_backdrops_alphabet_is_refused(sandbox, run_cli, key, value):
    data_set = {"data-group": "g", "data-type": "t", key: value}
    result = run_cli(with_(QUERY, **{"data-set": data_set}), {})
    assert_one_line_failure(result, "query.json", f"key 'data-set.{key}'")
    assert served(sandbox) == []  # no request at all


def test_a_data_set_name_from_stagecraft_is_checked_too(sandbox, sandbox_config, run_cli):
    data_set = dict(STAGECRAFT_CONFIG["data_set"], data_type="../../_sandbox/reset")
    sandbox_config.collectors["echo-slug"] = dict(STAGECRAFT_CONFIG, data_set=data_set)
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "stagecraft collector 'echo-slug'",
                            "key 'data-set.data-type': expected lower-case letters, digits, "
                            "'-' and '_' only, got '../../_sandbox/reset'")
    assert [r["service"] for r in served(sandbox)] == ["stagecraft"]


def test_every_production_style_name_is_accepted(sandbox, run_cli):
    data_set = {"data-group": "carers-allowance", "data-type": "journey_by_device-2"}
    result = run_cli(with_(QUERY, **{"data-set": data_set}), {})
    assert result.code == 0, result.output
    assert len(stored(sandbox, "carers-allowance", "journey_by_device-2")) == 5


# -- empty strings ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["data-group", "data-type"])
def test_an_empty_data_set_key_is_refused(sandbox, run_cli, key):
    data_set = {"data-group": "g", "data-type": "t", key: ""}
    result = run_cli(with_(QUERY, **{"data-set": data_set}), {})
    assert_one_line_failure(result, "query.json", f"key 'data-set.{key}': expected a "
                                                  "non-empty string")


def files(run_cli, sandbox, token: str, backdrop_url: str) -> list[str]:
    return ["-c", str(run_cli.write("c.json", {})), "-q", str(run_cli.write("q.json", QUERY)),
            "-t", str(run_cli.write("t.json", {"token": token})),
            "-b", str(run_cli.write("pp.json", {"backdrop_url": backdrop_url,
                                                "stagecraft_url": sandbox.url,
                                                "omniscient_api_token": OMNISCIENT_TOKEN})),
            "--console-logging"]


def test_an_empty_token_is_refused(sandbox, run_cli):
    result = run_cli(args=files(run_cli, sandbox, "", f"{sandbox.url}/data"))
    assert_one_line_failure(result, "t.json", "key 'token': expected a non-empty string")
    assert served(sandbox) == []


@pytest.mark.parametrize("url,problem", [("", "expected a non-empty string"),
                                         ("localhost/data", "expected an http:// or https://"),
                                         ("ftp://backdrop/data", "expected an http://")])
def test_an_empty_or_not_http_backdrop_url_is_refused(sandbox, run_cli, url, problem):
    result = run_cli(args=files(run_cli, sandbox, "token", url))
    assert_one_line_failure(result, "pp.json", f"key 'backdrop_url': {problem}")
    assert served(sandbox) == []


# -- unknown keys ----------------------------------------------------------------------------

def test_typos_in_option_and_query_keys_are_warned_about_and_the_run_goes_on(sandbox, run_cli):
    """The issue's three typos: the run still exits 0 and writes what the original wrote."""
    options = {"mapings": {"label": "browser"}, "idMaping": ["dataType", "browser"]}
    q = query(options=options, frequncy="daily")
    result = run_cli(q, credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-01")
    assert result.code == 0, result.output
    found = warnings(result)
    for key, known in (("options.mapings", "mappings"), ("options.idMaping", "idMapping"),
                       ("query.frequncy", "frequency")):
        assert any(f"query.json: unknown key '{key}': not one that "
                   f"performanceplatform.collector.piwik.core reads (did you mean `{known}`?)"
                   in line for line in found), found
    assert stored(sandbox, "site", "browsers")


def test_known_keys_of_old_configs_get_no_warning(sandbox, run_cli):
    options = {"mappings": {"label": "browser"}, "idMapping": ["dataType", "browser"],
               "chunk-size": 10, "empty-data-set": False, "additionalFields": {"source": "matomo"}}
    result = run_cli(query(options=options, api_method_arguments={"filter_limit": "5"}),
                     credentials(sandbox), "-s", "2018-08-01", "-e", "2018-08-01")
    assert result.code == 0, result.output
    assert warnings(result) == []


def test_an_unknown_key_without_a_near_one_lists_nothing_misleading(sandbox, run_cli):
    result = run_cli(with_(QUERY, options={"zzz": 1}, entrypoint="tests.collectors.echo"), {})
    assert result.code == 0  # the test collectors declare no QUERY_KEYS: options only
    [line] = warnings(result)
    assert "unknown key 'options.zzz'" in line and "did you mean" not in line


# -- records sharing an _id ------------------------------------------------------------------

def test_records_that_share_an_id_but_differ_get_one_warning(sandbox, run_cli):
    records = [dict(RECORD, _id=f"id{i % 3}", count=i) for i in range(7)]  # 3 ids, 7 records
    records += [dict(RECORD, _id="same", count=1)] * 4  # identical: harmless
    result = run_cli(with_(QUERY, query={"records": records}, options={"chunk-size": 3}), {})
    assert result.code == 0, result.output
    [line] = [w for w in warnings(result) if "_id" in w]
    assert re.search(r"3 _ids were given to records that differ .*: id0, id1, id2", line)
    assert "same" not in line
    assert len(stored(sandbox, "g", "t")) == 4  # Backdrop kept one record per id


def test_a_typo_in_idmapping_shows_up_as_records_sharing_ids(sandbox, run_cli):
    """Without idMapping every row of a period gets the period's default id."""
    options = {"mappings": {"label": "browser", "nb_visits": "sessions"}, "idMaping": ["browser"]}
    result = run_cli(query(options=options), credentials(sandbox), "-s", "2018-08-01",
                     "-e", "2018-08-02")
    assert result.code == 0, result.output
    [line] = [w for w in warnings(result) if "_ids were given" in w or "_id was given" in w]
    assert re.search(r"\b2 _ids were given to records that differ", line)


def test_no_warning_when_ids_are_unique(sandbox, run_cli):
    result = run_cli(QUERY, {})
    assert result.code == 0 and warnings(result) == []


# -- idMapping naming a field no record has ------------------------------------------------

def test_idmapping_that_leaves_the_ids_empty_is_refused_before_anything_is_sent(sandbox,
                                                                              run_cli):
    options = {"mappings": {"label": "browser", "nb_visits": "sessions"},
               "idMapping": ["browsr"]}
    result = run_cli(query(options=options), credentials(sandbox), "-s", "2018-08-01",
                     "-e", "2018-08-01")
    assert_one_line_failure(result, "key 'options.idMapping': a record has no field 'browsr' "
                                    "(did you mean `browser`?), so its _id would be empty")
    assert posts(sandbox) == []


def test_idmapping_naming_a_field_no_record_has_is_warned_about(sandbox, run_cli):
    options = {"mappings": {"label": "browser", "nb_visits": "sessions"},
               "idMapping": ["dataType", "_timestamp", "browsr"]}
    result = run_cli(query(options=options), credentials(sandbox), "-s", "2018-08-01",
                     "-e", "2018-08-01")
    assert result.code == 0, result.output  # the original's ids, as before
    found = warnings(result)
    assert any("key 'options.idMapping': no record has the field 'browsr' (did you mean "
               "`browser`?)" in line for line in found), found
    assert any("_id was given to records that differ" in line for line in found), found
