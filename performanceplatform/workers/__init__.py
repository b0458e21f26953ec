"""Run collectors on Celery workers, scheduled by Celery beat, over Redis (see README.rst).

Cron on one host stays the default. When one host is not enough, the same jobs file that the
crontab generator reads drives ``celery beat`` instead, and any number of workers on any
number of machines share the runs:

``settings``  what the environment says (broker, result backend, limits)
``app``       the Celery application, configured for at-least-once runs
``jobs``      jobs file lines → jobs and beat schedule entries
``lock``      one run per collector at a time, across every worker
``tasks``     the task that runs one collector through the CLI's own ``run``
``cli``       ``pp-collector-worker`` and ``pp-collector-beat``

Nothing here is imported by a cron run: ``pip install 'pp-collector[celery]'`` brings Celery
and the Redis client for those who use it.
"""
