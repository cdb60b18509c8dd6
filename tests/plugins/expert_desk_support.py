"""Shared set-up of the expert desk tests: the plugin enabled, specialties, experts, a login."""

from datetime import timedelta

from sqlalchemy import select

from core import rules
from core.extensions import db
from core.models import Notification, Role
from core.plugins.state import set_enabled
from plugins.expert_desk.models import Expert, Question, Specialty

PAGES = "/plugins/expert_desk"
API = "/api/v1/plugins/expert_desk"


class Desk:
    """The world plus two specialties, two experts (the first with a login ``expert``)."""

    def __init__(self, app, world):
        set_enabled(app, "expert_desk", True)
        self.world = world
        self.fruit = Specialty(name="果树栽培")
        self.law = Specialty(name="农业法律")
        db.session.add_all([self.fruit, self.law])
        self.login = world.make_user("expert", Role.EXPERT)
        self.other_login = world.make_user("expert2", Role.EXPERT)
        self.expert = Expert(
            name="刘春燕", organisation="南京农业大学", specialties=[self.fruit], user=self.login
        )
        self.other = Expert(
            name="朱振华",
            organisation="南京农业大学",
            specialties=[self.law],
            user=self.other_login,
        )
        db.session.add_all([self.expert, self.other])
        db.session.commit()

    def question(self, village=None, days_ago=1, **kw) -> Question:
        """A question of the world's village (or another) asked ``days_ago`` days ago."""
        asked = rules.today() - timedelta(days=days_ago)
        q = Question(
            village_id=(village or self.world.village).id,
            text=kw.pop("text", "青梅开花期连续阴雨，坐果率低怎么办？"),
            subject=kw.pop("subject", "青梅"),
            channel=kw.pop("channel", "door_to_door"),
            asked_on=asked,
            due_on=kw.pop("due_on", asked + timedelta(days=7)),
            specialty_id=kw.pop("specialty_id", self.fruit.id),
            **kw,
        )
        db.session.add(q)
        db.session.commit()
        return q


def inbox(user) -> list[Notification]:
    """The notifications of ``user``."""
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))
