"""The collector task, run by a real worker process over a real Redis, against the sandbox."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import inject, served, stored
from tests.performanceplatform.workers.conftest import outcome_lines
from tests.performanceplatform.workers.jobs_for_tests import (
    job,
    matomo_credentials,
    register_collectors,
)


@pytest.fixture
def sender(redis_server):
    """A Celery app in the test process that sends tasks to the cluster's Redis."""
    from performanceplatform.workers.app import make_app
    from performanceplatform.workers.settings import WorkerSettings

    app = make_app(WorkerSettings(broker_url=redis_server.url, result_backend=redis_server.url,
                                  lock_url=redis_server.url, time_limit=60,
                                  visibility_timeout=8, retries=2))
    yield app
    app.close()


def send(sender, payload):
    from performanceplatform.workers.app import TASK_NAME

    return sender.send_task(TASK_NAME, args=[payload])


def outcomes(cluster, name):
    return outcome_lines(cluster.log(name))


def test_a_task_writes_what_the_cli_writes(cluster, sandbox, sandbox_config, sender, run_cli):
    [slug] = register_collectors(sandbox_config, 1)
    files = cluster.config_files()
    credentials = matomo_credentials(cluster.workdir, sandbox.url)
    cluster.worker("w1")
    outcome = send(sender, job(slug, credentials, files)).get(timeout=60)
    by_task = stored(sandbox, "site", "browsers-0")
    assert outcome["status"] == "ok"
    assert outcome["records_written"] == len(by_task) > 0
    assert outcome["collector"] == f"slug:{slug}"

    # the same run from cron writes the very same records
    backdrop = sandbox.service("backdrop")
    for name in backdrop.store.data_sets():
        backdrop.store.empty(name)
    result = run_cli(None, None, args=["-l", slug, "-c", credentials, "-t", files["token"],
                                       "-b", files["performanceplatform"], "-s", "2018-08-01",
                                       "-e", "2018-08-03"])
    assert result.code == 0, result.output

    def without_write_times(records):
        return [{k: v for k, v in r.items() if k != "_updated_at"} for r in records]

    assert without_write_times(stored(sandbox, "site", "browsers-0")) == \
        without_write_times(by_task)
    [line] = [o for o in outcomes(cluster, "w1") if o["collector"] == f"slug:{slug}"]
    assert line["records_written"] == outcome["records_written"]


def test_failures_that_a_retry_cannot_mend_are_not_retried(cluster, sandbox, sandbox_config,
                                                           sender):
    [slug] = register_collectors(sandbox_config, 1)
    files = cluster.config_files()
    credentials = matomo_credentials(cluster.workdir, sandbox.url)
    cluster.worker("w1")
    unknown = send(sender, job("no-such-slug", credentials, files))
    with pytest.raises(Exception, match="slug:no-such-slug: failed: .*404"):
        unknown.get(timeout=60)
    assert len(served(sandbox, "stagecraft")) == 1  # one attempt, one request
    missing = send(sender, job(slug, str(cluster.workdir / "nowhere.json"), files))
    with pytest.raises(Exception, match="config: .*nowhere.json"):
        missing.get(timeout=60)
    assert [o["status"] for o in outcomes(cluster, "w1")] == ["failed", "config"]
    assert served(sandbox, "backdrop") == []


def test_a_transient_failure_is_retried_then_succeeds(cluster, sandbox, sandbox_config, sender):
    [slug] = register_collectors(sandbox_config, 1)
    files = cluster.config_files()
    credentials = matomo_credentials(cluster.workdir, sandbox.url)
    # Backdrop fails every try of the first attempt's first POST (5 tries), then recovers
    inject(sandbox, service="backdrop", status=503, count=5)
    cluster.worker("w1")
    outcome = send(sender, job(slug, credentials, files)).get(timeout=60)
    assert outcome["status"] == "ok"
    assert outcome["attempts"] == 2
    assert [o["status"] for o in outcomes(cluster, "w1")] == ["retrying", "ok"]
    assert len(stored(sandbox, "site", "browsers-0")) == outcome["records_written"]


def test_one_collector_never_runs_twice_at_once(cluster, sandbox, sandbox_config, sender):
    [slug] = register_collectors(sandbox_config, 1)
    files = cluster.config_files()
    credentials = matomo_credentials(cluster.workdir, sandbox.url)
    # Matomo answers slowly, so the first run still holds the lock when the second starts
    inject(sandbox, service="piwik", status=None, delay=1.0, count=3)
    cluster.worker("w1", concurrency=2)
    first = send(sender, job(slug, credentials, files))
    threading.Event().wait(0.5)
    second = send(sender, job(slug, credentials, files))
    results = [first.get(timeout=60), second.get(timeout=60)]
    assert sorted(r["status"] for r in results) == ["ok", "skipped"]
    [skipped] = [r for r in results if r["status"] == "skipped"]
    assert first.id in skipped["holder"]
