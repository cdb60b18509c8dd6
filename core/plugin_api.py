"""The one module a plugin imports from Kepu, besides ``from core import hookimpl``.

Everything listed in ``__all__`` is public and kept stable: a name is only removed after a
release that warns of it. Anything else under ``core`` may change without notice, and a test
fails when a first-party plugin (or the sample plugin) imports it. ``hookimpl`` marks the
plugin's hook implementations (the same marker as ``from core import hookimpl``).

**Database and models.** ``db`` is the Flask-SQLAlchemy handle (``db.session``,
``db.select``); a plugin's models derive from ``Base`` (typed ``Mapped[...]`` columns, the
naming convention Alembic's batch mode needs), add ``TimestampMixin`` for ``created_at`` /
``updated_at``, store instants in ``UTCDateTime`` columns (``utcnow()`` gives one) and enums
with ``db_enum``. The core's models a plugin may refer to: ``Area`` (``AreaKind``), ``Team``,
``Member``, ``User`` (``Role``), ``Farm`` (read only: a village's farms and their
industries), ``Visit`` (read through ``visit_scope(user)``, a WHERE clause on the visits
``user`` may read). ``Area.subtree_ids(area)`` selects the ids of an area and of
every area below it (``column.in_(Area.subtree_ids(area))``); ``Area.in_subtree_of(area)`` is
the same as a WHERE clause on ``Area``, or on an alias of it.

**Soft deletion and the audit trail.** Every create, change and delete of a plugin's records
is recorded in the audit trail without code of its own. A record that feeds the review is
never removed: its model derives from ``HiddenWhenDeleted`` too (``deleted_at``,
``deleted_by_id``), ``record.soft_delete(user)`` hides it from every query, an admin restores
it on the deleted-records page; a query that must see deleted rows asks with
``.execution_options(include_deleted=True)`` (``INCLUDE_DELETED``). A result that is confirmed
(an award, a commendation) stores the trail's position with ``stamp_position(*rows)`` (flushes,
then writes ``current_position()`` into their ``audit_position`` without itself counting as a
later change) and shows ``changes_since(position, area)``: how many records of the area
changed after it.

**Rules and dates.** ``today()`` is the local date in ``TIMEZONE``; ``local_zone()`` that zone;
``to_local(instant)`` an aware datetime in it. Months: ``month_bounds(year, month)`` and
``previous_month(day)`` are a month's first and last day; ``first_of_month(day, shift=0)`` the
first day of ``day``'s month or of one ``shift`` months away; ``month_starts(start, end)`` the
first days of the months inside a range. ``clean_text`` trims and normalises user text.

**Errors.** A service raises ``FieldErrors({"field": [message]})`` for bad input (pages show
them beside the fields, the API answers 422) and ``Conflict(message)`` for a write that clashes
with the data (409).

**Permissions.** ``is_admin(user)``; ``may_open_module(user)`` is true for the users a module
shows itself to (menu item, pages): admins, reviewers with an area, and the leaders and members
of a team; ``require(condition)`` answers 403 unless it holds; ``require_admin()``;
``get_readable_or_404(model, id, scope)`` loads a row the current user may read.
``may_review(user)`` is true for admins and for reviewers who have an area (``user.area``,
the county or a township): those who read the figures of every unit inside their area.
``may_review_area(user, area)``: such a user, for an area inside theirs (admins: any).

**Pages.** ``show_errors(form, errors)`` puts a service's ``FieldErrors`` on a WTForms form;
``optional_int`` coerces an empty select to None; ``placeholder(text)`` is the first, empty
choice of a select; ``scoped_areas(user)`` maps the townships and villages the user may filter
by (by id) and ``village_choices()`` lists every village grouped by township;
``team_choices(teams, blank)`` groups teams by township the same way, and a long select given
``SEARCHABLE`` as its ``render_kw`` gets a filter box on the page.
``page_of(query)`` is the page of a list asked for in ``?page=``, ``PAGE_SIZE`` rows (the
setting every list page uses) or as many as given (``page_of(query, size)``).

**API.** ``api_blueprint(name, import_name, description)`` makes a flask-smorest blueprint whose
every request is authenticated (bearer token, or the session for reads); ``caller()`` is that
user; ``documents(blp, *codes)`` documents error answers; ``paginate(blp)`` pages a query;
``item_rule(name)`` is ``/<int:name>``; ``query_id`` an id query argument (at most ``MAX_ID``);
``AreaFilterSchema`` / ``DateRangeSchema`` the shared filters and ``filter_args`` applies them;
``readable(model, id, scope)`` a row in scope or 404; ``save(write, *args)`` runs a service
write and turns ``FieldErrors`` into 422 and conflicts into 409 (``save_upload`` for multipart
forms); ``field_errors(errors)`` answers 422 at once; ``patched(cls, obj, data)`` builds a
service input from a row and a PATCH body. ``RecordSchema`` is the base schema of a record
(id, created and updated times); ``LocalDateTime``, ``ref``, ``ref_list`` and ``text`` are
field types.

**Downloads.** ``download(data, filename, mimetype)`` is a response saving ``data`` as
``filename`` (a Chinese name kept, with an ASCII fallback); ``safe_cell(value)`` is a
spreadsheet cell that never runs as a formula.

**Contracts** returned by hooks: ``NavItem``, ``PageAction`` (a button or link on a core
page, from ``visit_actions``), ``SettingSpec``, ``JobSpec``, ``CalendarEntry``,
``ReviewSection`` (with ``ReviewFigure`` and ``ReviewTable``), ``DigestSection`` (a heading
and lines of a reviewer's weekly digest, from ``digest_sections``).

**Notifications.** ``notify(users, subject, body, url, key)`` writes to users' inboxes (and
email); ``path_for(endpoint, **values)`` is a URL path for it.

**Photos.** ``clean_photo(data, max_kb)`` checks an uploaded photo (JPEG, PNG or WebP by its
first bytes, at most ``max_kb`` KB, decodable and not too many pixels) and saves it again
without metadata, with a thumbnail: a ``Photo`` (``data``, ``media_type``, ``thumbnail``), or
``FieldErrors`` on the field ``photo``. ``clean_photos(photos, max_kb, max_count, already,
too_many)`` checks several at once for the field ``photos`` (all or none: ``FieldErrors`` with
the first refusal, or ``too_many`` when ``already`` stored and these exceed ``max_count``).
``store_photo(folder, photo)`` writes it and its thumbnail under a random name in
``<instance>/uploads/<folder>/`` and returns the name;
``send_photo(folder, name, media_type, thumbnail=False)`` answers with the photo or its
thumbnail, private and never stored by caches (404 when missing; check the reader first);
``drop_photo(folder, name)`` removes both files. ``uploaded_photos()`` is the bytes of the
files of a request's multipart field ``photos`` (empty parts skipped), and
``photos_body(description)`` the OpenAPI request body of such an upload.

**Settings.** ``setting(key)`` is the calling plugin's setting ``key`` (declared with
``plugin_settings``), its stored value or the default; the plugin need not name itself.
"""

import inspect

from flask import current_app

from core import rules
from core.api.common import (
    MAX_ID,
    AreaFilterSchema,
    DateRangeSchema,
    api_blueprint,
    caller,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    patched,
    photos_body,
    query_id,
    readable,
    save,
    save_upload,
)
from core.api.fieldtypes import LocalDateTime, ref, ref_list, text
from core.api.schemas import RecordSchema
from core.audit.position import changes_since, current_position, stamp_position
from core.contracts import (
    CalendarEntry,
    DigestSection,
    JobSpec,
    NavItem,
    PageAction,
    ReviewFigure,
    ReviewSection,
    ReviewTable,
    SettingSpec,
)
from core.dates import (
    first_of_month,
    local_zone,
    month_bounds,
    month_starts,
    previous_month,
    to_local,
)
from core.exports import download, safe_cell
from core.extensions import db
from core.forms import optional_int, placeholder, scoped_areas, show_errors, village_choices
from core.forms.choices import SEARCHABLE, team_choices
from core.hookspecs import hookimpl
from core.models import Area, AreaKind, Farm, Member, Role, Team, User, Visit
from core.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from core.models.enums import db_enum
from core.models.soft_delete import INCLUDE_DELETED, HiddenWhenDeleted
from core.notify.inbox import notify, path_for
from core.pagination import page_of
from core.permissions import (
    get_readable_or_404,
    is_admin,
    may_open_module,
    may_review,
    may_review_area,
    require,
    require_admin,
    visit_scope,
)
from core.plugins.state import plugin_of_module
from core.plugins.state import setting as _plugin_setting
from core.services import Conflict, FieldErrors, clean_text
from core.services.uploads import (
    Photo,
    clean_photo,
    clean_photos,
    drop_photo,
    send_photo,
    store_photo,
    uploaded_photos,
)

__all__ = [
    "MAX_ID",
    "Area",
    "AreaFilterSchema",
    "AreaKind",
    "Base",
    "CalendarEntry",
    "Conflict",
    "DateRangeSchema",
    "DigestSection",
    "Farm",
    "FieldErrors",
    "HiddenWhenDeleted",
    "INCLUDE_DELETED",
    "JobSpec",
    "LocalDateTime",
    "Member",
    "NavItem",
    "PageAction",
    "Photo",
    "RecordSchema",
    "ReviewFigure",
    "ReviewSection",
    "ReviewTable",
    "Role",
    "SEARCHABLE",
    "SettingSpec",
    "Team",
    "TimestampMixin",
    "UTCDateTime",
    "User",
    "api_blueprint",
    "caller",
    "changes_since",
    "clean_photo",
    "clean_photos",
    "clean_text",
    "current_position",
    "db",
    "db_enum",
    "documents",
    "download",
    "drop_photo",
    "field_errors",
    "filter_args",
    "first_of_month",
    "get_readable_or_404",
    "hookimpl",
    "is_admin",
    "item_rule",
    "local_zone",
    "may_open_module",
    "may_review",
    "may_review_area",
    "month_bounds",
    "month_starts",
    "notify",
    "optional_int",
    "page_of",
    "paginate",
    "patched",
    "photos_body",
    "path_for",
    "placeholder",
    "previous_month",
    "query_id",
    "readable",
    "ref",
    "ref_list",
    "require",
    "require_admin",
    "safe_cell",
    "save",
    "save_upload",
    "scoped_areas",
    "send_photo",
    "setting",
    "show_errors",
    "stamp_position",
    "team_choices",
    "store_photo",
    "uploaded_photos",
    "text",
    "to_local",
    "today",
    "utcnow",
    "village_choices",
    "Visit",
    "visit_scope",
]


def today():
    """The local date in ``TIMEZONE`` (read through :func:`core.rules.today` at each call)."""
    return rules.today()


def setting(key: str):
    """The calling plugin's setting ``key``: its stored value, or the declared default.

    The plugin is found from the module that calls (any module inside the plugin's package).
    Raises ``KeyError`` when the plugin declared no such setting, ``LookupError`` when the
    caller is not inside a plugin.
    """
    frame = inspect.currentframe()
    module = frame.f_back.f_globals.get("__name__", "") if frame and frame.f_back else ""
    app = current_app._get_current_object()
    return _plugin_setting(plugin_of_module(app, module), key, app=app)
