"""The sheets and columns of the roster workbook, with their headers in both languages.

Headers are English msgids translated by the catalogue: the template and the export use the
reader's language (Chinese by default), and the reader accepts a header in either language.
"""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

#: the languages whose headers, sheet names and yes/no words the reader accepts
LOCALES = ("zh_CN", "en")


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, header, note for the notes sheet and kind of value."""

    key: str
    header: object
    note: object
    #: text, id, phone, yesno, kind (farm kind) or date
    kind: str = "text"
    width: int = 14
    #: other headers people write for this column (compared folded)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook."""

    key: str
    title: object
    note: object
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        """The column ``key``."""
        return next(c for c in self.columns if c.key == key)


_ID = _l("Kepu id: leave empty for a new row; keep it when editing an exported file")
_TOWNSHIP = Column(
    "township", _l("Township"), _l("Township name, as on the Areas sheet"), aliases=("乡", "镇")
)
_VILLAGE = Column(
    "village", _l("Village"), _l("Village name, as on the Areas sheet"), aliases=("村名", "行政村")
)
_TEAM_ALIASES = ("队名", "服务队", "队伍")
_NAME_ALIASES = ("姓名", "名字", "name")
_PHONE_ALIASES = ("手机", "手机号", "手机号码", "电话号码", "联系电话", "phone number")

AREAS = Sheet(
    "areas",
    _l("Areas"),
    _l("The townships and villages of the county, one village a row."),
    (
        Column("id", _l("Id"), _ID, "id", 8),
        Column("county", _l("County"), _l("County name (the same on every row)")),
        _TOWNSHIP,
        _VILLAGE,
    ),
)
TEAMS = Sheet(
    "teams",
    _l("Teams"),
    _l("The outreach teams, one a row, each in a village."),
    (
        Column("id", _l("Id"), _ID, "id", 8),
        _TOWNSHIP,
        _VILLAGE,
        Column(
            "name",
            _l("Team name"),
            _l("Required; unique within the village"),
            width=28,
            aliases=_TEAM_ALIASES,
        ),
        Column("leader", _l("Leader"), _l("Required: the name of a member of this team")),
        Column(
            "leader_phone",
            _l("Leader's phone"),
            _l("Needed only when two members of the team share the leader's name"),
            "phone",
        ),
        Column("notes", _l("Notes"), _l("Free notes"), width=24),
    ),
)
MEMBERS = Sheet(
    "members",
    _l("Members"),
    _l("The team members, one a row."),
    (
        Column("id", _l("Id"), _ID, "id", 8),
        _TOWNSHIP,
        _VILLAGE,
        Column(
            "team",
            _l("Team name"),
            _l("Required: a team of this village"),
            width=28,
            aliases=_TEAM_ALIASES,
        ),
        Column(
            "name",
            _l("Member name"),
            _l("Required; name and phone tell members apart"),
            aliases=_NAME_ALIASES,
        ),
        Column(
            "phone",
            _l("Phone"),
            _l("Digits, spaces and + - ( ) only"),
            "phone",
            aliases=_PHONE_ALIASES,
        ),
        Column("party", _l("Party member"), _l("Yes or no"), "yesno", 10),
        Column("young", _l("Young village official"), _l("Yes or no"), "yesno", 10),
        Column("expert", _l("Expert"), _l("Yes or no"), "yesno", 10),
        Column("speciality", _l("Speciality"), _l("e.g. fruit growing")),
    ),
)
FARMS = Sheet(
    "farms",
    _l("Farms"),
    _l("The demonstration farms, one a row, each in a village."),
    (
        Column("id", _l("Id"), _ID, "id", 8),
        _TOWNSHIP,
        _VILLAGE,
        Column(
            "name",
            _l("Farm name"),
            _l("Required; unique within the village"),
            width=28,
            aliases=("基地", "名称"),
        ),
        Column("kind", _l("Kind of farm"), _l("One of the list"), "kind", 22, ("类型", "类别")),
        Column("industry", _l("Industry"), _l("The industry or crop")),
        Column("contact_name", _l("Contact"), _l("The person to ask for on site")),
        Column(
            "contact_phone", _l("Contact phone"), _l("Digits, spaces and + - ( ) only"), "phone"
        ),
        Column("notes", _l("Notes"), _l("Free notes"), width=24),
    ),
)
LINKS = Sheet(
    "links",
    _l("Farm links"),
    _l("Which member is linked to which farm, one link a row."),
    (
        Column("member_id", _l("Member id"), _l("The member's id, if known"), "id", 8),
        _TOWNSHIP,
        _VILLAGE,
        Column("team", _l("Team name"), _l("The member's team"), aliases=_TEAM_ALIASES),
        Column("member", _l("Member name"), _l("The member's name"), aliases=_NAME_ALIASES),
        Column("phone", _l("Phone"), _l("The member's phone"), "phone", aliases=_PHONE_ALIASES),
        Column("farm_id", _l("Farm id"), _l("The farm's id, if known"), "id", 8),
        Column("farm_township", _l("Farm township"), _l("The farm's township")),
        Column("farm_village", _l("Farm village"), _l("The farm's village")),
        Column("farm", _l("Farm name"), _l("The farm's name"), width=28),
        Column("since", _l("Since"), _l("The day the link started (optional)"), "date", 12),
    ),
)

#: the data sheets, in the order they are read and written
SHEETS = (AREAS, TEAMS, MEMBERS, FARMS, LINKS)
#: the notes sheet's title (never read back)
NOTES_TITLE = _l("How to fill in")
YES, NO = _l("Yes"), _l("No")
#: the notes sheet's row naming the database an export came from
SOURCE_LABEL = "kepu-source"


def words(text) -> set[str]:
    """``text`` (a lazy string) in every accepted language, folded for comparison."""
    found = set()
    for locale in LOCALES:
        with force_locale(locale):
            found.add(fold(str(text)))
    return found


def header_words(column: Column) -> set[str]:
    """Every header the reader takes for ``column``."""
    return words(column.header) | {fold(a) for a in column.aliases}


def fold(text: str) -> str:
    """A header or sheet name as compared: no spaces, lower case."""
    return "".join(str(text).split()).lower()
