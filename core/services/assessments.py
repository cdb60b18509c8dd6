"""The year-end special assessment (年终专项考核): scoring, ranking, proposal, confirmation.

The rubric (criteria, weights, how each is computed) lives in ``core.services.rubric``.

How a draft is computed, for one year and one area (a township or the county):

- the teams are those of ``core.review.figures.team_figures(area, 1 Jan, 31 Dec)``;
- each *computed* criterion reads one figure per team (``rubric.METRICS``) and is normalised 0-100
  across the teams (min-max): the best team gets 100, the worst 0 (reversed when lower is
  better). When every team has the same figure, each gets 100 — except a "higher is better"
  figure that is 0 for everyone, which gets 0 (nothing done earns nothing);
- each *manual* criterion is scored 0-100 by the reviewer (stored as ``ManualScore``);
- the total is the weighted mean of the scores (weights are whole points), rounded to 0.1;
- teams are ranked by total, best first; equal totals share a rank (1, 2, 2, 4);
- proposal: the teams ranked in the top N (or the top x%, rounded up) are commended, except a
  team that broke a rule; a team that broke a rule (fewer than ``MIN_TEAM_SIZE`` members, or
  members without a farm) is criticised, and so are the teams ranked in the last
  ``criticise_bottom`` places that were not commended.

Confirming stores the rubric, the scores, ranks, proposal and decisions: a confirmed
assessment is frozen and never recomputed. A decision that differs from the proposal needs a
reason. Each criticised team gets a rectification item with the deadline given.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core import rules
from core.audit.position import changes_since, stamp_position
from core.extensions import db
from core.models import (
    AnnualAssessment,
    Area,
    AreaKind,
    AssessmentResult,
    AssessmentStatus,
    Direction,
    ManualScore,
    Outcome,
    Rectification,
    User,
)
from core.models.base import utcnow
from core.permissions import may_assess
from core.review.figures import TeamFigures, team_figures
from core.services import Conflict, FieldErrors, clean_text
from core.services.rubric import MANUAL, ensure_rubric, metric_value

#: the assessments Kepu accepts
YEARS = (2000, 2100)
COMMEND_MODES = ("top_n", "top_percent")

# --- who ------------------------------------------------------------------------------------


def assessable_areas(user: User) -> list[Area]:
    """The county and townships ``user`` may assess, the widest first."""
    query = select(Area).where(Area.kind.in_([AreaKind.COUNTY, AreaKind.TOWNSHIP]))
    rows = db.session.scalars(query.order_by(Area.path, Area.id)).all()
    return [a for a in rows if may_assess(user, a)]


# --- computing ------------------------------------------------------------------------------


def normalise(values: Mapping[int, float], direction: Direction) -> dict[int, float]:
    """Min-max scores 0-100 of ``values`` across teams (see the module docstring)."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        nothing = direction == Direction.HIGHER and high == 0
        return dict.fromkeys(values, 0.0 if nothing else 100.0)
    if direction == Direction.HIGHER:
        return {k: 100.0 * (v - low) / (high - low) for k, v in values.items()}
    return {k: 100.0 * (high - v) / (high - low) for k, v in values.items()}


def rule_break_reasons(f: TeamFigures) -> list[str]:
    """Why a team counts as having broken a rule (empty when it did not)."""
    reasons = []
    if not f.meets_min_size:
        reasons.append(
            _(
                "Fewer than %(min)s members (%(n)s).",
                min=rules.thresholds()["min_team_size"],
                n=f.members,
            )
        )
    if f.members_without_farms:
        reasons.append(_("%(n)s members without a farm.", n=f.members_without_farms))
    return reasons


@dataclass(frozen=True)
class Settings:
    """How commendations and criticisms are proposed."""

    commend_mode: str = "top_n"
    commend_value: int = 3
    criticise_bottom: int = 1

    @classmethod
    def defaults(cls) -> "Settings":
        """The configured defaults (``ASSESSMENT_*``)."""
        cfg = current_app.config
        return cls(
            cfg["ASSESSMENT_COMMEND_MODE"],
            int(cfg["ASSESSMENT_COMMEND_VALUE"]),
            int(cfg["ASSESSMENT_CRITICISE_BOTTOM"]),
        )

    @classmethod
    def of(cls, assessment: AnnualAssessment | None) -> "Settings":
        """The settings stored on ``assessment``, or the defaults."""
        if assessment is None:
            return cls.defaults()
        return cls(assessment.commend_mode, assessment.commend_value, assessment.criticise_bottom)

    def commend_count(self, teams: int) -> int:
        """How many places are commended among ``teams`` teams."""
        if self.commend_mode == "top_percent":
            return min(teams, math.ceil(teams * self.commend_value / 100))
        return min(teams, self.commend_value)


@dataclass(frozen=True)
class RubricItem:
    """A criterion as scored: live from the rubric, or from a confirmed assessment's snapshot."""

    id: int
    name: str
    metric: str
    weight: int
    direction: Direction

    @property
    def is_manual(self) -> bool:
        """True when scored by hand."""
        return self.metric == MANUAL

    def snapshot(self) -> dict:
        """The JSON form stored on a confirmed assessment."""
        return {
            "id": self.id,
            "name": self.name,
            "metric": self.metric,
            "weight": self.weight,
            "direction": self.direction.value,
        }


@dataclass
class TeamResult:
    """One team's line of an assessment."""

    team_id: int
    team_name: str
    area_name: str
    #: criterion id -> raw figure (None for manual criteria)
    raw: dict[int, float | None]
    #: criterion id -> score 0-100 (None: a manual score not entered yet)
    scores: dict[int, float | None]
    total: float = 0.0
    rank: int = 0
    rule_breaks: bool = False
    proposed: Outcome = Outcome.NONE
    proposed_reason: str = ""
    #: the decision (a confirmed assessment), else None
    outcome: Outcome | None = None
    reason: str = ""
    #: the stored result's id, once confirmed
    result_id: int | None = None


@dataclass
class AssessmentView:
    """Everything a page, the API or a bulletin shows of the assessment of a year and area."""

    year: int
    area: Area
    assessment: AnnualAssessment | None
    criteria: list[RubricItem]
    results: list[TeamResult]
    settings: Settings
    #: (team id, criterion id) of manual scores still missing
    missing: list[tuple[int, int]] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """True when frozen."""
        return self.assessment is not None and self.assessment.is_confirmed

    def outcome_of(self, result: TeamResult) -> Outcome:
        """The decision once confirmed, else the proposal."""
        return result.outcome if result.outcome is not None else result.proposed

    def with_outcome(self, outcome: Outcome) -> list[TeamResult]:
        """The teams with this decision (or proposal, for a draft), by rank."""
        return [r for r in self.results if self.outcome_of(r) == outcome]


def find_assessment(area: Area, year: int) -> AnnualAssessment | None:
    """The stored assessment (draft or confirmed) of ``year`` for ``area``, if any."""
    return db.session.scalar(
        select(AnnualAssessment).where(
            AnnualAssessment.area_id == area.id, AnnualAssessment.year == year
        )
    )


def year_bounds(year: int) -> tuple[date, date]:
    """1 January and 31 December of ``year``."""
    return date(year, 1, 1), date(year, 12, 31)


def _rank(results: list[TeamResult]) -> None:
    """Sort by total (best first, then name) and give equal totals the same rank."""
    results.sort(key=lambda r: (-r.total, r.team_name, r.team_id))
    for i, r in enumerate(results):
        same = i and results[i - 1].total == r.total
        r.rank = results[i - 1].rank if same else i + 1


def _propose(
    results: list[TeamResult], settings: Settings, breaks: Mapping[int, list[str]]
) -> None:
    """Fill the proposal of each ranked result (see the module docstring)."""
    n = len(results)
    if not n:
        return
    top = settings.commend_count(n)
    top_rank = results[top - 1].rank if top else 0
    bottom = min(n, settings.criticise_bottom)
    bottom_rank = results[n - bottom].rank if bottom else n + 1
    for r in results:
        reasons = breaks.get(r.team_id, [])
        r.rule_breaks = bool(reasons)
        if r.rank <= top_rank and not reasons:
            r.proposed = Outcome.COMMEND
            r.proposed_reason = _(
                "Ranked %(rank)s of %(n)s with %(total)s points.",
                rank=r.rank,
                n=n,
                total=f"{r.total:.1f}",
            )
        elif reasons or r.rank >= bottom_rank:
            r.proposed = Outcome.CRITICISE
            if r.rank >= bottom_rank:
                reasons = [
                    *reasons,
                    _(
                        "Ranked %(rank)s of %(n)s, among the last %(k)s.",
                        rank=r.rank,
                        n=n,
                        k=bottom,
                    ),
                ]
            r.proposed_reason = " ".join(reasons)
        else:
            r.proposed, r.proposed_reason = Outcome.NONE, ""


def _live_view(area: Area, year: int, assessment: AnnualAssessment | None) -> AssessmentView:
    """Compute a draft from the figures, the rubric and the stored hand scores."""
    criteria = [
        RubricItem(c.id, c.name, c.metric, c.weight, Direction(c.direction))
        for c in ensure_rubric()
    ]
    figures = team_figures(area, *year_bounds(year))
    manual: dict[tuple[int, int], int] = {}
    if assessment is not None:
        manual = {(s.team_id, s.criterion_id): s.score for s in assessment.manual_scores}
    results = {tid: TeamResult(tid, f.team_name, f.area_name, {}, {}) for tid, f in figures.items()}
    missing = []
    for c in criteria:
        if c.is_manual:
            for tid, r in results.items():
                score = manual.get((tid, c.id))
                r.raw[c.id] = None
                r.scores[c.id] = None if score is None else float(score)
                if score is None:
                    missing.append((tid, c.id))
            continue
        raw = {tid: metric_value(c.metric, f) for tid, f in figures.items()}
        for tid, score in normalise(raw, c.direction).items():
            results[tid].raw[c.id] = raw[tid]
            results[tid].scores[c.id] = score
    weights = sum(c.weight for c in criteria) or 1
    for r in results.values():
        r.total = round(sum(c.weight * (r.scores[c.id] or 0.0) for c in criteria) / weights, 1)
    ranked = list(results.values())
    _rank(ranked)
    settings = Settings.of(assessment)
    _propose(ranked, settings, {tid: rule_break_reasons(f) for tid, f in figures.items()})
    return AssessmentView(year, area, assessment, criteria, ranked, settings, missing)


def _frozen_view(assessment: AnnualAssessment) -> AssessmentView:
    """The stored view of a confirmed assessment."""
    criteria = [
        RubricItem(c["id"], c["name"], c["metric"], c["weight"], Direction(c["direction"]))
        for c in assessment.criteria_snapshot
    ]
    results = []
    for row in assessment.results:
        raw = {c.id: (row.scores.get(str(c.id)) or {}).get("raw") for c in criteria}
        scores = {c.id: (row.scores.get(str(c.id)) or {}).get("score") for c in criteria}
        village = row.team.village.name if row.team is not None else ""
        results.append(
            TeamResult(
                row.team_id,
                row.team_name,
                village,
                raw,
                scores,
                row.total,
                row.rank,
                row.rule_breaks,
                row.proposed,
                row.proposed_reason,
                row.outcome,
                row.reason,
                row.id,
            )
        )
    return AssessmentView(
        assessment.year, assessment.area, assessment, criteria, results, Settings.of(assessment)
    )


def assessment_view(area: Area, year: int) -> AssessmentView:
    """The assessment of ``year`` for ``area``: frozen when confirmed, else computed now."""
    assessment = find_assessment(area, year)
    if assessment is not None and assessment.is_confirmed:
        return _frozen_view(assessment)
    return _live_view(area, year, assessment)


# --- writes ---------------------------------------------------------------------------------


def check_year(year) -> None:
    """FieldErrors on ``year`` unless it is a whole year Kepu accepts."""
    if not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise FieldErrors(
            {"year": [_("Enter a year from %(first)s to %(last)s.", first=YEARS[0], last=YEARS[1])]}
        )


def draft_of(area: Area, year: int) -> AnnualAssessment:
    """The stored draft of ``year`` for ``area``, made (with the default settings) when missing.

    ``Conflict`` when the assessment is already confirmed.
    """
    check_year(year)
    assessment = find_assessment(area, year)
    if assessment is None:
        defaults = Settings.defaults()
        assessment = AnnualAssessment(
            area=area,
            year=year,
            commend_mode=defaults.commend_mode,
            commend_value=defaults.commend_value,
            criticise_bottom=defaults.criticise_bottom,
        )
        db.session.add(assessment)
        db.session.flush()
    if assessment.is_confirmed:
        raise Conflict(_("This assessment is confirmed: it can no longer change."))
    return assessment


def save_settings(
    area: Area, year: int, mode: str | None, value: int | None, bottom: int | None
) -> AnnualAssessment:
    """Change how the draft's proposal is made. Commits."""
    errors: dict[str, list[str]] = {}
    if mode not in COMMEND_MODES:
        errors["commend_mode"] = [_("Choose the top teams by number or by percentage.")]
    high = 100 if mode == "top_percent" else 1000
    if not isinstance(value, int) or not 0 <= value <= high:
        errors["commend_value"] = [_("Enter a whole number from 0 to %(max)s.", max=high)]
    if not isinstance(bottom, int) or not 0 <= bottom <= 1000:
        errors["criticise_bottom"] = [_("Enter a whole number from 0 to %(max)s.", max=1000)]
    if errors:
        raise FieldErrors(errors)
    assessment = draft_of(area, year)
    assessment.commend_mode, assessment.commend_value = mode, value
    assessment.criticise_bottom = bottom
    db.session.commit()
    return assessment


def save_manual_scores(
    area: Area, year: int, scores: Mapping[tuple[int, int], int | None]
) -> AnnualAssessment:
    """Store hand scores {(team id, criterion id): 0-100 or None to clear} of the draft. Commits.

    Every key must name a team of the assessment and a manual criterion.
    """
    assessment = draft_of(area, year)
    view = _live_view(area, year, assessment)
    teams = {r.team_id for r in view.results}
    manual = {c.id for c in view.criteria if c.is_manual}
    errors: dict[str, list[str]] = {}
    for (team_id, criterion_id), score in scores.items():
        key = f"score_{team_id}_{criterion_id}"
        if team_id not in teams or criterion_id not in manual:
            errors[key] = [_("Score only the teams of the assessment on hand-scored criteria.")]
        elif score is not None and (not isinstance(score, int) or not 0 <= score <= 100):
            errors[key] = [_("Enter a whole number from 0 to %(max)s.", max=100)]
    if errors:
        db.session.rollback()
        raise FieldErrors(errors)
    stored = {(s.team_id, s.criterion_id): s for s in assessment.manual_scores}
    for key, score in scores.items():
        row = stored.get(key)
        if score is None:
            if row is not None:
                assessment.manual_scores.remove(row)
        elif row is None:
            assessment.manual_scores.append(
                ManualScore(team_id=key[0], criterion_id=key[1], score=score)
            )
        else:
            row.score = score
    db.session.commit()
    return assessment


@dataclass
class Decision:
    """A reviewer's decision on one team."""

    team_id: int
    outcome: Outcome | str
    reason: str = ""


def confirm(
    user: User,
    area: Area,
    year: int,
    decisions: list[Decision],
    deadline: date | None,
    remarks: str = "",
) -> AnnualAssessment:
    """Freeze the assessment with the reviewer's decisions. Commits.

    Teams without a decision keep the proposal. A decision that differs from the proposal
    needs a reason; every hand-scored criterion must be scored; a criticised team gets a
    rectification item due on ``deadline``.
    """
    assessment = draft_of(area, year)
    view = _live_view(area, year, assessment)
    by_team = {r.team_id: r for r in view.results}
    errors: dict[str, list[str]] = {}
    if not view.results:
        errors["decisions"] = [_("There is no team to assess in this area.")]
    if view.missing:
        errors["scores"] = [_("Enter every hand-scored criterion before confirming.")]
    remarks = clean_text(errors, "remarks", remarks, 5000)
    chosen: dict[int, tuple[Outcome, str]] = {}
    for d in decisions:
        key = f"decisions.{d.team_id}"
        result = by_team.get(d.team_id)
        try:
            outcome = Outcome(d.outcome)
        except ValueError:
            errors[key] = [_("Choose commendation, criticism or neither.")]
            continue
        if result is None:
            errors[key] = [_("This team is not part of the assessment.")]
            continue
        reason = (d.reason or "").strip()
        if len(reason) > 2000:
            errors[key] = [_("Use at most %(n)s characters.", n=2000)]
        elif outcome != result.proposed and not reason:
            errors[key] = [
                _("%(team)s: give a reason for changing the proposal.", team=result.team_name)
            ]
        chosen[d.team_id] = (outcome, reason)
    criticised = [
        r for r in view.results if chosen.get(r.team_id, (r.proposed,))[0] == Outcome.CRITICISE
    ]
    if criticised and deadline is None:
        errors["deadline"] = [_("Enter the deadline for rectification.")]
    elif criticised and deadline < rules.today():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        db.session.rollback()
        raise FieldErrors(errors)
    _freeze(user, assessment, view, chosen, remarks, deadline)
    return assessment


def _freeze(
    user: User,
    assessment: AnnualAssessment,
    view: AssessmentView,
    chosen: Mapping[int, tuple[Outcome, str]],
    remarks: str,
    deadline: date | None,
) -> None:
    """Store the view's results with the decisions; open the rectification items. Commits."""
    assessment.criteria_snapshot = [c.snapshot() for c in view.criteria]
    assessment.status = AssessmentStatus.CONFIRMED
    assessment.remarks = remarks
    assessment.confirmed_at, assessment.confirmed_by = utcnow(), user
    teams = {}
    for r in view.results:
        outcome, reason = chosen.get(r.team_id, (r.proposed, ""))
        row = AssessmentResult(
            team_id=r.team_id,
            team_name=r.team_name,
            total=r.total,
            rank=r.rank,
            scores={
                str(c.id): {"raw": r.raw.get(c.id), "score": r.scores.get(c.id)}
                for c in view.criteria
            },
            rule_breaks=r.rule_breaks,
            proposed=r.proposed,
            proposed_reason=r.proposed_reason,
            outcome=outcome,
            reason=reason,
        )
        assessment.results.append(row)
        teams[r.team_id] = row
    db.session.flush()
    for row in assessment.results:
        if row.outcome != Outcome.CRITICISE:
            continue
        db.session.add(
            Rectification(
                team_id=row.team_id,
                village_id=row.team.village_id,
                result_id=row.id,
                title=_("Criticised in the %(year)s assessment", year=assessment.year),
                requirement=row.reason or row.proposed_reason or _("Rectify the weaknesses found."),
                deadline=deadline,
                created_by=user,
            )
        )
    stamp_position(assessment)
    db.session.commit()


# --- the state of the data a result was computed from ----------------------------------------


@dataclass(frozen=True)
class Provenance:
    """What a confirmed result cites: the trail's position and the changes made after it."""

    #: the audit position kept (None: made before the trail existed)
    position: int | None
    #: how many changes to the area's records came after it (None with no position)
    changes: int | None
    #: when the result was made (confirmed, issued)
    when: datetime | date | None
    #: the area whose records are counted (the audit page's ``area`` filter)
    area_id: int | None


def provenance(position: int | None, area: Area | None, when) -> Provenance:
    """The provenance of a result kept at ``position`` for ``area`` (one query)."""
    return Provenance(
        position, changes_since(position, area), when, area.id if area is not None else None
    )


def assessment_provenance(view: AssessmentView) -> Provenance | None:
    """The provenance of a confirmed assessment; None for a draft."""
    if not view.confirmed:
        return None
    a = view.assessment
    return provenance(a.audit_position, view.area, a.confirmed_at)
