"""Running the scheduled jobs: one scheduler per database, every run recorded.

- :mod:`core.scheduler.records` writes the ``job_runs`` rows: the claim of a (job, fire time)
  pair, its outcome, and the runs admins queue with "run now";
- :mod:`core.scheduler.lease` decides which process runs the scheduler (a PostgreSQL advisory
  lock, or a lease row with an expiry on other databases);
- :mod:`core.scheduler.runner` is the loop of ``kepu scheduler`` (and of the scheduler
  embedded in the development server): it waits for the lease, then runs APScheduler with its
  job store in the application database.
"""
