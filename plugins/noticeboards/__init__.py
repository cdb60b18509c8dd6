"""Noticeboards: stations, boards and science publicists (站、栏、员)

A science service station at each village's activity venue, science noticeboards combined with
the party-affairs board, and young village officials trained as science publicists. Each board's
updates are recorded (with an optional photo); a board not updated for ``stale_board_days`` is
flagged and its publicist reminded by a daily job; publicists' training records are kept.
"""

from flask_babel import lazy_gettext as _l

#: the module's name and what it does, on the plugins page in the reader's language
TITLE = _l("Noticeboards: stations, boards and science publicists (站、栏、员)")
DESCRIPTION = _l(
    "Village science service stations, science noticeboards and their publicists: each board's "
    "updates (with an optional photo), boards not updated for a while flagged and their "
    "publicists reminded, and the publicists' trainings."
)
