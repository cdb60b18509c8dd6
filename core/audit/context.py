"""Who acts when no request does: a label set for the length of a job (``job: core.x``)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: the label recorded as the actor of changes made while it is set; empty: none
current_actor: ContextVar[str] = ContextVar("kepu_audit_actor", default="")


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Record ``label`` (e.g. ``job: core.stale_farms``) as the actor of the block's changes."""
    token = current_actor.set(label)
    try:
        yield
    finally:
        current_actor.reset(token)
