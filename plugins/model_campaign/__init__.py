"""Three-tier model campaign (三级联创)

Creating model townships, model villages and model households for party-building-led science
outreach: criteria per tier, a campaign round per year, nominations with evidence, assessments
scoring each criterion, and a status workflow (nominated, assessed, awarded or not awarded,
withdrawn) whose every transition is recorded. The review shows the progress per area and tier.
"""

from flask_babel import lazy_gettext as _l

#: the module's name and what it does, on the plugins page in the reader's language
TITLE = _l("Three-tier model campaign (三级联创)")
DESCRIPTION = _l(
    "Model townships, villages and households: criteria per tier, a yearly round, nominations "
    "with evidence, assessments scoring each criterion, and decisions whose every step is "
    "recorded; the review shows the progress per area and tier."
)
