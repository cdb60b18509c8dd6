"""The audit trail (留痕): every create, update and delete of a record, recorded automatically.

:mod:`core.audit.record` listens to the ORM session and writes ``audit_events`` rows in the
transaction of the change; :mod:`core.audit.context` names what acts outside requests (a job);
:mod:`core.audit.query` selects the trail a user may read.
"""
