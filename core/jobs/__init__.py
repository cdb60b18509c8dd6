"""Scheduled jobs: declaring them, running them, and the scheduler that runs them on time.

- :mod:`core.jobs.job` collects the jobs declared through the ``scheduled_jobs`` hook
  (:class:`~core.jobs.job.Job`), runs one and records the run (:func:`~core.jobs.job.run_job`),
  and holds ``kepu jobs list`` / ``kepu jobs run``;
- :mod:`core.jobs.builtin` is the core's own jobs (reminders, stale farms, the weekly digest,
  email), declared by :mod:`core.defaults`;
- :mod:`core.jobs.records` writes the ``job_runs`` rows: the claim of a (job, fire time)
  pair, its outcome, and the runs admins queue with "run now";
- :mod:`core.jobs.lease` decides which process runs the scheduler (a PostgreSQL advisory
  lock, or a lease row with an expiry on other databases);
- :mod:`core.jobs.runner` is the loop of ``kepu scheduler`` (and of the scheduler embedded in
  the development server): it waits for the lease, then runs APScheduler with its job store in
  the application database.
"""
