"""Online science party day (网上科技党日)

Each village's party branch holds an online science party day every quarter, its topic linked to
the village's leading industry, often with an agricultural expert online: the day and time, the
topic, the expert session, the party members present out of the branch's and the equipment used
are recorded by the village's team leaders. The villages' equipment (computer, projector or TV,
network) shows which villages cannot hold one without help; a daily job reminds the leaders of
villages with no party day in the quarter's last month.
"""

from flask_babel import lazy_gettext as _l

#: the module's name and what it does, on the plugins page in the reader's language
TITLE = _l("Online science party day (网上科技党日)")
DESCRIPTION = _l(
    "Every village's quarterly online science party day: topic linked to the village's leading "
    "industry, expert session and attendance; the villages' equipment and those that need help "
    "to hold one; reminders to villages with no party day in the quarter."
)
