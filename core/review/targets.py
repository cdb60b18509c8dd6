"""Progress of townships against their campaign targets, counted as the review counts.

For each township, over the campaign's days ``starts_on``..``ends_on``, with the definitions of
:mod:`core.review.figures` (so the review of that township and period shows the same numbers):

- events held per venue: the campaign's live, not cancelled events organised by the live teams
  of the township's villages, starting in the period and not after the reference day
  (:func:`~core.review.figures.held_events`); an event of two of its teams counts once;
- visits and people reached: the visits of those teams in the period.

Four queries whatever the number of townships: their teams, the events, the visits, the targets.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from core.extensions import db
from core.models import Area, Campaign, CampaignTarget, Event, Team, VenueKind, Visit, event_teams
from core.review.figures import held_events


@dataclass(frozen=True)
class Figure:
    """One figure: the target (0: none set) and what was done."""

    target: int
    done: int

    @property
    def has_target(self) -> bool:
        """True when a target was set for this figure."""
        return self.target > 0

    @property
    def percent(self) -> int | None:
        """Share of the target done, in whole percent (over 100 when exceeded); None without
        a target."""
        return self.done * 100 // self.target if self.target else None

    @property
    def met(self) -> bool | None:
        """True once the target is reached; None without a target."""
        return self.done >= self.target if self.target else None


@dataclass
class TownshipProgress:
    """A township's targets for a campaign and what its teams did during it."""

    area: Area
    #: the stored targets, or None when none were set
    target: CampaignTarget | None
    #: VenueKind value -> events held there (every venue present)
    events: dict[str, Figure] = field(default_factory=dict)
    visits: Figure = Figure(0, 0)
    people_reached: Figure = Figure(0, 0)

    @property
    def figures(self) -> list[tuple[str, Figure]]:
        """(key, figure) of every figure: ``events_<venue>`` ..., ``visits``, ``people_reached``."""
        return [
            *((f"events_{venue}", figure) for venue, figure in self.events.items()),
            ("visits", self.visits),
            ("people_reached", self.people_reached),
        ]

    @property
    def events_held(self) -> int:
        """Events held at every venue together."""
        return sum(figure.done for figure in self.events.values())

    @property
    def met(self) -> bool | None:
        """True when every figure with a target is met, False when one is behind, None when
        no target is set."""
        flags = [figure.met for _, figure in self.figures if figure.has_target]
        return all(flags) if flags else None


def campaign_progress(campaign: Campaign, townships: list[Area]) -> list[TownshipProgress]:
    """Targets and progress of ``townships`` (in the given order) for ``campaign``."""
    if not townships:
        return []
    start: date = campaign.starts_on
    end: date = campaign.ends_on
    village = Area.__table__.alias("village")
    # the live teams of the townships: a team's village is a village, whose parent is its
    # township (core.services.teams, core.services.areas)
    ours = (
        select(Team.id, village.c.parent_id)
        .join(village, village.c.id == Team.village_id)
        .where(
            Team.deleted_at.is_(None),
            village.c.parent_id.in_([area.id for area in townships]),
        )
    )
    township_of = dict(db.session.execute(ours).all())
    teams = ours.with_only_columns(Team.id)
    held: dict[int, set[tuple[int, str]]] = {area.id: set() for area in townships}
    if township_of:
        rows = db.session.execute(
            select(event_teams.c.team_id, Event.id, Event.venue_kind)
            .join(Event, Event.id == event_teams.c.event_id)
            .where(
                Event.campaign_id == campaign.id,
                event_teams.c.team_id.in_(teams),
                *held_events(teams, start, end),
            )
        )
        for team_id, event_id, venue in rows:
            held[township_of[team_id]].add((event_id, VenueKind(venue).value))
    visits: dict[int, list[int]] = {area.id: [0, 0] for area in townships}
    if township_of:
        rows = db.session.execute(
            select(Visit.team_id, func.count(), func.coalesce(func.sum(Visit.people_reached), 0))
            .where(Visit.visited_on >= start, Visit.visited_on <= end, Visit.team_id.in_(teams))
            .group_by(Visit.team_id)
        )
        for team_id, n, people in rows:
            totals = visits[township_of[team_id]]
            totals[0] += n
            totals[1] += int(people)
    targets = {
        t.area_id: t
        for t in db.session.scalars(
            select(CampaignTarget).where(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.area_id.in_([a.id for a in townships]),
            )
        )
    }
    out = []
    for area in townships:
        target = targets.get(area.id)
        venues = [venue for _, venue in held[area.id]]
        out.append(
            TownshipProgress(
                area=area,
                target=target,
                events={
                    kind.value: Figure(
                        target.events_for(kind) if target else 0, venues.count(kind.value)
                    )
                    for kind in VenueKind
                },
                visits=Figure(target.visits if target else 0, visits[area.id][0]),
                people_reached=Figure(target.people_reached if target else 0, visits[area.id][1]),
            )
        )
    return out
