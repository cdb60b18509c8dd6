"""The expert desk's tables (all prefixed ``expert_desk_``)."""

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Base, HiddenWhenDeleted, TimestampMixin

if TYPE_CHECKING:  # core classes stay out of this module's namespace (only plugin tables here)
    from core.plugin_api import Area, Member, User

#: how a question was collected (收集方式)
CHANNELS = ("door_to_door", "question_form", "meeting", "online", "visit")
#: a question's states: waiting for routing, with an expert, answered, merged into another
STATUSES = ("new", "routed", "answered", "merged")
#: kinds of post in a question's thread
POST_KINDS = ("answer", "follow_up")


class Specialty(TimestampMixin, Base):
    """A field of expertise from the admin-kept list (crops, livestock, agricultural law ...)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Expert specialty")

    __tablename__ = "expert_desk_specialties"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. 果树栽培
    name: Mapped[str] = mapped_column(String(80), unique=True)


#: the specialties of each expert
expert_specialties = Table(
    "expert_desk_expert_specialties",
    Base.metadata,
    Column(
        "expert_id",
        ForeignKey(
            "expert_desk_experts.id",
            ondelete="CASCADE",
            name="fk_expert_desk_expert_specialties_expert_id",
        ),
        primary_key=True,
    ),
    Column(
        "specialty_id",
        ForeignKey(
            "expert_desk_specialties.id", name="fk_expert_desk_expert_specialties_specialty_id"
        ),
        primary_key=True,
        index=True,
    ),
)


class Expert(TimestampMixin, Base):
    """An agricultural expert who answers questions (e.g. of an agricultural university)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Expert")

    __tablename__ = "expert_desk_experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    #: e.g. 南京农业大学园艺学院
    organisation: Mapped[str] = mapped_column(String(160), default="")
    #: phone or email, as the expert gave it
    contact: Mapped[str] = mapped_column(String(160), default="")
    #: inactive experts keep their answers but get no new questions
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the expert's own login (role ``expert``); NULL when the desk answers on their behalf
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )

    user: Mapped["User | None"] = relationship()
    #: loaded with the experts in one query (every list of experts shows them)
    specialties: Mapped[list[Specialty]] = relationship(
        secondary=expert_specialties, order_by=Specialty.name, lazy="selectin"
    )


class Question(HiddenWhenDeleted, TimestampMixin, Base):
    """A question a village collected for the experts."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Expert question")

    __tablename__ = "expert_desk_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village that asked
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the member who asked; NULL for an anonymous question
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    #: the farm or crop it is about, e.g. 青梅 or 傅家边草莓园
    subject: Mapped[str] = mapped_column(String(120), default="")
    #: the question itself
    text: Mapped[str] = mapped_column(Text)
    #: how it was collected (one of ``CHANNELS``)
    channel: Mapped[str] = mapped_column(String(16))
    #: the day it was asked
    asked_on: Mapped[date] = mapped_column(Date, index=True)
    #: asked_on + the setting ``answer_within_days``
    due_on: Mapped[date] = mapped_column(Date, index=True)
    #: one of ``STATUSES``
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    #: the topic, for routing and the booklet's chapters
    specialty_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_desk_specialties.id"), index=True
    )
    #: the expert it is routed to
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert_desk_experts.id"), index=True)
    #: the day of the first answer
    answered_on: Mapped[date | None] = mapped_column(Date)
    #: the question this duplicate was merged into
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("expert_desk_questions.id"))
    #: the visit that noted it, when sent from a visit's page
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    #: the asker's feedback: solved (true), not solved (false), none yet (NULL)
    solved: Mapped[bool | None] = mapped_column(Boolean)
    #: the asker's comment with the feedback
    feedback: Mapped[str] = mapped_column(Text, default="")
    #: who recorded the question
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    village: Mapped["Area"] = relationship()
    member: Mapped["Member | None"] = relationship()
    specialty: Mapped[Specialty | None] = relationship()
    expert: Mapped[Expert | None] = relationship()
    merged_into: Mapped["Question | None"] = relationship(remote_side=[id])
    asked_by: Mapped["User | None"] = relationship()
    posts: Mapped[list["Post"]] = relationship(
        back_populates="question", order_by="Post.id", viewonly=True
    )
    photos: Mapped[list["QuestionPhoto"]] = relationship(order_by="QuestionPhoto.id", viewonly=True)


class QuestionPhoto(TimestampMixin, Base):
    """A photo sent with a question (a sick leaf, a pest)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Question photo")

    __tablename__ = "expert_desk_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("expert_desk_questions.id"), index=True)
    #: random file name under instance/uploads/expert_desk/
    name: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))


class Post(TimestampMixin, Base):
    """One post of a question's thread: an answer, or a follow-up question."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Expert answer")

    __tablename__ = "expert_desk_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("expert_desk_questions.id"), index=True)
    #: ``answer`` or ``follow_up``
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    #: the expert an answer is from (also when an admin writes it on their behalf)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert_desk_experts.id"), index=True)
    #: who wrote it
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the day it was written
    posted_on: Mapped[date] = mapped_column(Date)

    question: Mapped[Question] = relationship(back_populates="posts")
    expert: Mapped[Expert | None] = relationship()
    written_by: Mapped["User | None"] = relationship()


class Booklet(TimestampMixin, Base):
    """A compiled Q&A booklet (问答汇编) of representative answered questions."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Q&A booklet")

    __tablename__ = "expert_desk_booklets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    #: a short foreword printed before the contents
    foreword: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list["BookletItem"]] = relationship(
        back_populates="booklet", cascade="all, delete-orphan"
    )


class Officer(TimestampMixin, Base):
    """A village's information officer (网络电教信息员), named by the township: a user of one
    of the village's teams who collects its questions and triages them with the desk."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Village information officer")

    __tablename__ = "expert_desk_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one officer per village; replacing the officer changes ``user_id`` (the audit trail
    #: keeps who held the post before)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), unique=True)
    #: the officer's login: a leader or member of a team of the village
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the reviewer or admin who named the officer
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the day the officer was named
    named_on: Mapped[date] = mapped_column(Date)

    village: Mapped["Area"] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])
    named_by: Mapped["User | None"] = relationship(foreign_keys=[named_by_id])


class BookletItem(Base):
    """One question chosen for a booklet."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Q&A booklet entry")

    __tablename__ = "expert_desk_booklet_items"
    __table_args__ = (UniqueConstraint("booklet_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booklet_id: Mapped[int] = mapped_column(
        ForeignKey("expert_desk_booklets.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("expert_desk_questions.id"), index=True)
    #: order within its topic
    position: Mapped[int] = mapped_column(Integer, default=0)

    booklet: Mapped[Booklet] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()
