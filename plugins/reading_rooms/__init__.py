"""Reading rooms (党建科普网络书屋)

The party-building science online reading rooms of the townships and villages: their usage
per period (reads, downloads, active readers) entered by hand or imported from CSV, the
inspection report (督查通报) flagging rooms of low usage, monthly report snapshots, a year-end
ranking proposing commendations, and county-level model rooms (县级科普网络示范书屋).
"""

from flask_babel import lazy_gettext as _l

#: the module's name and what it does, on the plugins page in the reader's language
TITLE = _l("Reading rooms (党建科普网络书屋)")
DESCRIPTION = _l(
    "The party-building science online reading rooms of townships and villages: usage per "
    "period entered by hand or imported from CSV, the inspection report flagging rooms of low "
    "usage, monthly reports, a year-end ranking proposing commendations, and county-level model"
    " rooms."
)
