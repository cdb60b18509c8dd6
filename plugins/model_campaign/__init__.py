"""Three-tier model campaign (三级联创)

Creating model townships, model villages and model households for party-building-led science
outreach: criteria per tier, a campaign round per year, nominations with evidence, assessments
scoring each criterion, and a status workflow (nominated, assessed, awarded or not awarded,
withdrawn) whose every transition is recorded. The review shows the progress per area and tier.
"""
