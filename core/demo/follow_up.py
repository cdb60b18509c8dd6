"""The demo's two-sided follow-up of rectification items (整改跟进), on the demo leader's team.

Through the services the pages use, on the days it happens: the leader reports progress on the
item the home team's inspection brought (now awaiting review, and overdue), and on three more
items the township reviewer opens for the team: one report sent back with a reason (the item
open again), one accepted (done), one reported two days ago (awaiting review). Each step
notifies the other side, so the leader's and the township reviewer's inboxes show them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import Rectification, Role, StepKind, User
from core.notify.rectifications import tell_other_side
from core.services.rectification_steps import accept_report, report_progress, send_back
from core.services.rectifications import RectificationInput, create_rectification

#: the home team's report on the item its inspection brought
FIRST_REPORT = "已召开队员会议，逐户补记走访内容，台账正在整理中，下周报镇科协核查。"


@dataclass(frozen=True)
class Story:
    """An item the township reviewer opens, days before today, and what follows."""

    title: str
    requirement: str
    opened: int
    report: str
    reported: int
    answer: StepKind | None = None
    answer_text: str = ""
    answered: int = 0


STORIES = (
    Story(
        "更新科普宣传栏内容",
        "村科普宣传栏仍为上一季度的资料，请结合当季生产更新内容并拍照报送。",
        opened=40,
        report="宣传栏已张贴冬季果树管护明白纸两张。",
        reported=20,
        answer=StepKind.SENT_BACK,
        answer_text="照片看不清内容，且缺少病虫害防治资料，请补充后重新报送。",
        answered=18,
    ),
    Story(
        "及时归档科普活动佐证材料",
        "近两次科普活动的照片、签到表未归档，请整理归档并报送目录。",
        opened=60,
        report="已将两次活动的照片和签到表整理成册，目录已报镇科协。",
        reported=30,
        answer=StepKind.ACCEPTED,
        answer_text="经核查，佐证材料齐全。",
        answered=28,
    ),
    Story(
        "组织年轻队员开展电商技能培训",
        "年轻队员参与度不高，请组织一次农产品电商技能培训。",
        opened=25,
        report="已邀请县电商中心讲师为8名年轻队员授课一次，附签到表。",
        reported=2,
    ),
)


def _leader(team_id: int) -> User | None:
    """The demo leader of the home team, if they exist and lead it."""
    return db.session.scalar(
        select(User).where(
            User.username == "leader", User.role == Role.LEADER, User.team_id == team_id
        )
    )


def _step_at(demo, item: Rectification, step, day: date, hour: int) -> None:
    """Date a step (and its item's change) on ``day``, then tell the other side."""
    step.created_at = step.updated_at = item.updated_at = demo.stamp(day, hour)
    tell_other_side(item, step)


def _tell(demo, clock, item: Rectification, story: Story, leader: User, reviewer: User) -> None:
    """The leader reports on ``item``; the reviewer answers as the story says."""
    clock.day = demo.today - timedelta(days=story.reported)
    _step_at(demo, item, report_progress(leader, item, story.report), clock.day, 19)
    if story.answer is None:
        return
    clock.day = demo.today - timedelta(days=story.answered)
    if story.answer == StepKind.ACCEPTED:
        step = accept_report(reviewer, item, story.answer_text)
    else:
        step = send_back(reviewer, item, story.answer_text)
    _step_at(demo, item, step, clock.day, 10)


def build_follow_up(
    demo, clock, items: list[Rectification], home_team_id: int | None, reviewer: User
) -> list[Rectification]:
    """Reports and answers on the home team's items (``items`` holds the one its inspection
    brought); returns the items opened here. Nothing without the demo leader."""
    leader = _leader(home_team_id) if home_team_id else None
    if leader is None:
        return []
    made = []
    for story in STORIES:
        clock.day = demo.today - timedelta(days=story.opened)
        item = create_rectification(
            reviewer,
            RectificationInput(
                requirement=story.requirement,
                deadline=clock.day + timedelta(days=45),
                team_id=home_team_id,
                title=story.title,
            ),
        )
        item.created_at = item.updated_at = demo.stamp(clock.day, 16)
        _tell(demo, clock, item, story, leader, reviewer)
        made.append(item)
    first = next((i for i in items if i.team_id == home_team_id and i.inspection_id), None)
    if first is not None:
        first_story = Story(first.title, first.requirement, 0, FIRST_REPORT, reported=5)
        _tell(demo, clock, first, first_story, leader, reviewer)
    clock.day = demo.today
    return made
