"""Notifications: the in-app inbox, email, and the reviewers' weekly digest.

- :mod:`core.notify.inbox`: :func:`~core.notify.inbox.notify` writes to users' inboxes (in
  each user's language, never twice for one ``key``), :func:`~core.notify.inbox.path_for`
  builds the link outside requests, and the inbox is read and marked read;
- :mod:`core.notify.email`: the ``core.send_emails`` job emails what is not emailed yet;
- :mod:`core.notify.digest`: the ``core.weekly_digest`` job, assembled from the
  ``digest_sections`` hook; :mod:`core.notify.sections` holds the core's own sections.
"""

from flask import Flask

from core.notify import email, inbox


def init_app(app: Flask) -> None:
    """Bind Flask-Mail and give templates the unread count."""
    email.init_app(app)
    inbox.init_app(app)
