"""Noticeboards: stations, boards and science publicists (站、栏、员)

A science service station at each village's activity venue, science noticeboards combined with
the party-affairs board, and young village officials trained as science publicists. Each board's
updates are recorded (with an optional photo); a board not updated for ``stale_board_days`` is
flagged and its publicist reminded by a daily job; publicists' training records are kept.
"""
