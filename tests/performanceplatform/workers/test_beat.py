"""Beat and workers together: schedules from the jobs file, many workers, faults.

Real processes throughout: ``redis-server``, two ``pp-collector-worker`` processes and one
``pp-collector-beat``, running Matomo collectors against the sandbox.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import signal
import time

from tests.helpers import inject, served, stored
from tests.performanceplatform.workers.conftest import outcome_lines
from tests.performanceplatform.workers.jobs_for_tests import matomo_credentials, register_collectors

SENT = re.compile(r"Sending due task (slug:[\w-]+)")


def write_jobs(cluster, slugs, schedule):
    matomo_credentials(cluster.workdir, cluster.sandbox.url)
    cluster.config_files()
    lines = ["# schedule,slug,credentials,token,performanceplatform"]
    lines += [f"{schedule},{slug},matomo.json,token.json,performanceplatform.json"
              for slug in slugs]
    path = cluster.workdir / "jobs"
    path.write_text("\n".join(lines) + "\n")
    return path


def start_beat(cluster, jobs):
    cluster.start("beat", "beat", "--app-dir", str(cluster.workdir), str(jobs),
                  "--schedule-file", str(cluster.workdir / "beat-schedule"))


def sent_per_collector(cluster):
    return collections.Counter(SENT.findall(cluster.log("beat")))


def runs_per_collector(cluster, *workers, status="ok"):
    found = [o for w in workers for o in outcome_lines(cluster.log(w)) if o["status"] == status]
    return collections.Counter(o["collector"] for o in found)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_beat_runs_each_job_once_per_tick_on_any_worker(cluster, sandbox, sandbox_config):
    slugs = register_collectors(sandbox_config, 20)
    jobs = write_jobs(cluster, slugs, "@every 3s")
    cluster.worker("w1")
    cluster.worker("w2")
    start_beat(cluster, jobs)
    wait_until(lambda: min(sent_per_collector(cluster)[f"slug:{s}"] for s in slugs) >= 2,
               60, "two ticks of every job")
    cluster.kill("beat", signal.SIGTERM)
    sent = sent_per_collector(cluster)
    wait_until(lambda: runs_per_collector(cluster, "w1", "w2") == sent, 60,
               f"every sent run to finish: sent {sent}")
    assert set(sent) == {f"slug:{s}" for s in slugs}
    # both workers took a share: no host sharding needed
    assert runs_per_collector(cluster, "w1") and runs_per_collector(cluster, "w2")
    assert runs_per_collector(cluster, "w1", "w2", status="skipped") == {}
    # the records of every collector are in its own data set
    one = stored(sandbox, "site", "browsers-0")
    assert one and all(len(stored(sandbox, "site", f"browsers-{n}")) == len(one)
                       for n in range(20))


def test_overlapping_ticks_never_overlap_runs(cluster, sandbox, sandbox_config):
    [slug] = register_collectors(sandbox_config, 1)
    jobs = write_jobs(cluster, [slug], "@every 1s")
    # one Matomo request a run (the last day), answered in 2.5 s: ticks come faster than runs
    inject(sandbox, service="piwik", status=None, delay=2.5, count=1000)
    cluster.worker("w1")
    cluster.worker("w2")
    start_beat(cluster, jobs)
    wait_until(lambda: sent_per_collector(cluster)[f"slug:{slug}"] >= 6, 60, "six ticks")
    cluster.kill("beat", signal.SIGTERM)
    sent = sent_per_collector(cluster)[f"slug:{slug}"]
    every = [o for w in ("w1", "w2") for o in outcome_lines(cluster.log(w))]
    wait_until(lambda: len([o for w in ("w1", "w2") for o in outcome_lines(cluster.log(w))])
               == sent, 60, "an outcome for every tick")
    every = [o for w in ("w1", "w2") for o in outcome_lines(cluster.log(w))]
    ran = sorted((o["started_at"], o["finished_at"]) for o in every if o["status"] == "ok")
    skipped = [o for o in every if o["status"] == "skipped"]
    assert len(ran) + len(skipped) == sent
    assert ran and skipped, every
    for (_, end), (start, _) in zip(ran, ran[1:], strict=False):
        assert dt.datetime.fromisoformat(end) <= dt.datetime.fromisoformat(start)
    assert all(o["holder"] for o in skipped)


def test_a_worker_killed_mid_run_loses_nothing(cluster, sandbox, sandbox_config):
    from performanceplatform.workers.app import TASK_NAME, make_app
    from performanceplatform.workers.settings import WorkerSettings
    from tests.performanceplatform.workers.jobs_for_tests import job

    [slug] = register_collectors(sandbox_config, 1)
    files = cluster.config_files()
    credentials = matomo_credentials(cluster.workdir, sandbox.url)
    inject(sandbox, service="piwik", status=None, delay=1.5, count=2)  # the first attempt
    cluster.worker("w1")
    sender = make_app(WorkerSettings(cluster.redis.url, cluster.redis.url, cluster.redis.url,
                                     60, 8, 2))
    result = sender.send_task(TASK_NAME, args=[job(slug, credentials, files)])
    wait_until(lambda: served(sandbox, "piwik"), 30, "the run to start")
    cluster.kill("w1")  # SIGKILL, pool children and all
    cluster.worker("w2")
    outcome = result.get(timeout=90)
    assert outcome["status"] == "ok"
    records = stored(sandbox, "site", "browsers-0")
    assert len(records) == outcome["records_written"]
    assert len({r["_id"] for r in records}) == len(records)
    sender.close()


def test_a_broker_restart_loses_no_scheduled_run_silently(cluster, sandbox, sandbox_config):
    slugs = register_collectors(sandbox_config, 4)
    jobs = write_jobs(cluster, slugs, "@every 2s")
    inject(sandbox, service="piwik", status=None, delay=0.3, count=1000)
    cluster.worker("w1")
    start_beat(cluster, jobs)
    wait_until(lambda: sum(sent_per_collector(cluster).values()) >= 4, 60, "the first ticks")
    cluster.redis.stop()
    time.sleep(3)
    cluster.redis.start()
    wait_until(lambda: sum(sent_per_collector(cluster).values()) >= 16, 90, "ticks after")
    cluster.kill("beat", signal.SIGTERM)
    beat_log = cluster.log("beat")
    sent = sent_per_collector(cluster)
    not_sent = collections.Counter(re.findall(r"Couldn't apply scheduled task (slug:[\w-]+)",
                                              beat_log))
    expected = sent - not_sent

    def every_sent_tick_ran():
        runs = runs_per_collector(cluster, "w1")
        return all(runs[name] >= count for name, count in expected.items())

    # At least once: a run whose acknowledgement was lost in the restart runs again, which
    # is harmless (same _ids); a tick beat could not send is in its log as an error.
    wait_until(every_sent_tick_ran, 90, f"every sent run: {expected}")
    one = stored(sandbox, "site", "browsers-0")
    assert one and len({r["_id"] for r in one}) == len(one)
