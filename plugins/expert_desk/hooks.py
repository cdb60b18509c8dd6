"""The expert desk's hook implementations."""

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.plugin_api import JobSpec, NavItem, PageAction, SettingSpec, path_for


@hookimpl
def blueprints():
    """The pages, under /plugins/expert_desk/."""
    from plugins.expert_desk.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The JSON API, under /api/v1/plugins/expert_desk/."""
    from plugins.expert_desk.api import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for everyone who uses the desk, experts included."""
    from plugins.expert_desk.services import may_use

    if may_use(user):
        return [NavItem("expert_desk.index", _l("Expert desk"), 115)]
    return []


@hookimpl
def visit_actions(visit, user):
    """One tap on a visit's page sends the questions it noted to the desk."""
    from plugins.expert_desk.services import may_ask, sent_from

    if not (visit.questions or "").strip() or not may_ask(user, visit.team.village):
        return []
    sent = sent_from(visit)
    if sent is not None:
        return [
            PageAction(
                _l("Question at the expert desk"),
                path_for("expert_desk.question", question_id=sent.id),
            )
        ]
    return [
        PageAction(
            _l("Send the questions to the expert desk"),
            path_for("expert_desk.send_visit", visit_id=visit.id),
            post=True,
        )
    ]


@hookimpl
def review_sections(area, start, end, user):
    """Questions asked, answered, overdue, days to answer and share solved, per village and
    per expert."""
    from plugins.expert_desk.review import review_section

    return [review_section(area, start, end)]


@hookimpl
def digest_sections(user, start, end):
    """The week's questions of the reviewer's area, and the ones overdue now."""
    from plugins.expert_desk.review import digest_section

    section = digest_section(user, start, end)
    return [section] if section else []


def remind_job() -> None:
    """The daily job: experts hear of questions due soon, the desk of overdue ones."""
    from plugins.expert_desk.services import remind

    remind()


@hookimpl
def scheduled_jobs():
    """Reminders of questions due soon and overdue, every day at 08:00."""
    return [
        JobSpec(
            "remind_due_questions",
            remind_job,
            "cron",
            {"hour": 8, "minute": 0},
            _l("Remind experts of questions due within two days and tell the desk of overdue ones"),
        )
    ]


@hookimpl
def plugin_settings():
    """The answer deadline and the photo size limit."""
    return [
        SettingSpec(
            "answer_within_days",
            7,
            _l("Days to answer a question"),
            _l("A question is due this many days after it was asked."),
        ),
        SettingSpec(
            "max_photo_kb",
            2048,
            _l("Largest photo (KB)"),
            _l("Photos with questions: JPEG, PNG or WebP up to this size."),
        ),
    ]


@hookimpl
def demo_data(seed, today):
    """Experts, half a year of questions and answers, and one booklet for the demo county."""
    from plugins.expert_desk.demo import build

    return build(seed, today)
