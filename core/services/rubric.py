"""The assessment's rubric: its criteria, how each is computed from a team's figures, and the
default rubric seeded when none exists.

A criterion reads one figure of ``core.review.figures.TeamFigures`` (``METRICS``), or is scored
by hand (``manual``); it has a whole weight (1-100) and a direction (higher or lower is better).
Confirmed assessments keep a snapshot of the rubric, so editing it never changes them.

Default rubric: visits ×20, people reached ×20, farm coverage ×20, events held ×10, team of at
least the minimum size ×10, rule breaks ×10 (lower is better), inspection results ×10 (by hand).
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Direction, ManualScore, RubricCriterion
from core.review.figures import TeamFigures
from core.services import Conflict, FieldErrors, clean_text

MANUAL = "manual"
#: figure name -> label; ``manual`` means scored by hand
METRICS = {
    "visits": _l("Visits"),
    "people_reached": _l("People reached"),
    "households_reached": _l("Households reached"),
    "events_held": _l("Events held"),
    "members": _l("Members"),
    "farms_visited": _l("Farms visited"),
    "farm_coverage": _l("Farm coverage (farms visited / farms assigned)"),
    "farms_stale": _l("Farms not visited for a long time"),
    "meets_min_size": _l("Meets the minimum team size (1 or 0)"),
    "members_without_farms": _l("Members without a farm"),
    "rule_breaks": _l("Rule breaks (team too small, members with no or too many farms)"),
    MANUAL: _l("Scored by hand (0-100)"),
}
MAX_WEIGHT = 100

#: the rubric seeded when none exists: (name, metric, weight, direction, description)
DEFAULT_RUBRIC = [
    (_l("Visits to farms"), "visits", 20, Direction.HIGHER, _l("Visits logged in the year.")),
    (
        _l("People reached"),
        "people_reached",
        20,
        Direction.HIGHER,
        _l("Farmers and others reached by the visits of the year."),
    ),
    (
        _l("Farm coverage"),
        "farm_coverage",
        20,
        Direction.HIGHER,
        _l("Share of the team's assigned farms visited in the year."),
    ),
    (
        _l("Outreach events"),
        "events_held",
        10,
        Direction.HIGHER,
        _l("Events the team organised and held in the year."),
    ),
    (
        _l("Team of at least the minimum size"),
        "meets_min_size",
        10,
        Direction.HIGHER,
        _l("Whether the team has the minimum number of members."),
    ),
    (
        _l("Rule breaks"),
        "rule_breaks",
        10,
        Direction.LOWER,
        _l("Too few members, members without a farm or with too many."),
    ),
    (
        _l("Inspection results"),
        MANUAL,
        10,
        Direction.HIGHER,
        _l("Scored by the reviewer from the year's inspections."),
    ),
]


def ensure_rubric() -> list[RubricCriterion]:
    """The rubric, by position; seeds ``DEFAULT_RUBRIC`` (in the default language) if empty."""
    criteria = db.session.scalars(
        select(RubricCriterion).order_by(RubricCriterion.position, RubricCriterion.id)
    ).all()
    if criteria:
        return list(criteria)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        seeded = [
            RubricCriterion(
                name=str(name),
                metric=metric,
                weight=weight,
                direction=direction,
                description=str(text),
                position=10 * (i + 1),
            )
            for i, (name, metric, weight, direction, text) in enumerate(DEFAULT_RUBRIC)
        ]
    db.session.add_all(seeded)
    db.session.commit()
    return seeded


@dataclass
class CriterionInput:
    """What an admin submits for a criterion."""

    name: str
    metric: str
    weight: int | None
    direction: Direction | str | None = Direction.HIGHER
    description: str = ""
    position: int | None = None


def save_criterion(
    data: CriterionInput, criterion: RubricCriterion | None = None
) -> RubricCriterion:
    """Create or change a criterion (admins). Commits.

    Changes never touch confirmed assessments, which keep the rubric they were confirmed with.
    """
    errors: dict[str, list[str]] = {}
    name = clean_text(errors, "name", data.name, 120, required=True)
    description = clean_text(errors, "description", data.description, 2000)
    if data.metric not in METRICS:
        errors["metric"] = [_("Choose how the criterion is computed.")]
    if not isinstance(data.weight, int) or not 1 <= data.weight <= MAX_WEIGHT:
        errors["weight"] = [_("Enter a whole number from 1 to %(max)s.", max=MAX_WEIGHT)]
    try:
        direction = Direction(data.direction)
    except ValueError:
        errors["direction"] = [_("Choose whether higher or lower is better.")]
    if data.position is not None and not 0 <= data.position <= 10_000:
        errors["position"] = [_("Enter a whole number from 0 to %(max)s.", max=10_000)]
    if errors:
        raise FieldErrors(errors)
    if criterion is None:
        criterion = RubricCriterion()
        if data.position is None:
            last = db.session.scalar(select(func.max(RubricCriterion.position))) or 0
            data.position = last + 10
        db.session.add(criterion)
    criterion.name, criterion.description, criterion.metric = name, description, data.metric
    criterion.weight, criterion.direction = data.weight, direction
    if data.position is not None:
        criterion.position = data.position
    db.session.commit()
    return criterion


def delete_criterion(criterion: RubricCriterion) -> None:
    """Remove a criterion; hand scores of drafts go with it. Commits.

    The last criterion cannot go: an empty rubric would be seeded again at once. The scores
    are deleted one by one through the session, so the audit trail records each of them.
    """
    count = db.session.scalar(select(func.count(RubricCriterion.id)))
    if count <= 1:
        raise Conflict(_("The rubric needs at least one criterion."))
    scores = db.session.scalars(select(ManualScore).where(ManualScore.criterion_id == criterion.id))
    for score in scores:
        db.session.delete(score)
    db.session.flush()  # the scores go before the criterion they refer to
    db.session.delete(criterion)
    db.session.commit()


def metric_value(metric: str, f: TeamFigures) -> float:
    """The figure ``metric`` of a team."""
    if metric == "farm_coverage":
        return f.farms_visited / f.farms_assigned if f.farms_assigned else 0.0
    if metric == "meets_min_size":
        return 1.0 if f.meets_min_size else 0.0
    if metric == "rule_breaks":
        return float((not f.meets_min_size) + f.members_without_farms + f.members_over_max)
    return float(getattr(f, metric))
