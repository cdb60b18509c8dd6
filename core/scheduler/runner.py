"""The scheduler's former place, kept so jobs stored by an earlier Kepu can be restored.

APScheduler stores each job's function as a ``module:name`` text, and an earlier Kepu stored
``core.scheduler.runner:fire`` (later ``:run_scheduled``). Without these names the job store
would drop those jobs on the first start after an upgrade, and with them the fire times missed
while the scheduler was down. They restore through here, and ``sync_jobs`` rewrites them to
:func:`core.jobs.runner.run_scheduled`, keeping their next fire time, before any job runs.
"""

from core.jobs.runner import run_scheduled

#: the function an earlier Kepu stored (it took the job id, as ``run_scheduled`` does)
fire = run_scheduled

__all__ = ["fire", "run_scheduled"]
