"""The zh_CN catalogue: complete, consistent with the code, compiled, and used by the pages.

Babel reads the locale ``zh_CN`` as ``zh_Hans_CN`` and looks for the catalogue under that name,
so it lives in ``core/translations/zh_Hans_CN``.
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from core.models.enums import LABELS, AreaKind, CampaignKind, FarmKind, VenueKind, VisitKind, label

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "core" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
PO, MO = CATALOGUE / "messages.po", CATALOGUE / "messages.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def _entries(catalog):
    return [m for m in catalog if m.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    entries = _entries(catalog)
    assert len(entries) > 300
    untranslated = [m.id for m in entries if not all(s.strip() for s in _strings(m))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_plural_entries_have_the_one_form_of_chinese(catalog):
    assert catalog.num_plurals == 1
    plurals = [m for m in _entries(catalog) if m.pluralizable]
    assert plurals
    assert all(len(_strings(m)) == 1 for m in plurals)


def test_translations_keep_the_placeholders(catalog):
    wrong = []
    for m in _entries(catalog):
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in _ids(m)))
        for s in _strings(m):
            if set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append((m.id, s))
    assert not wrong


def _messages(catalog) -> dict:
    """Each message of ``catalog`` by (context, ids): its translations, plurals included.

    Babel gives a plural's ids and strings as a tuple when reading a .po and as a list when
    reading a .mo; both become tuples, so a catalogue compiles to the same mapping whatever
    bytes a Babel release writes.
    """
    return {(m.context, tuple(_ids(m))): tuple(_strings(m)) for m in catalog if m.id}


def test_compiled_catalogue_is_up_to_date(catalog):
    with MO.open("rb") as f:
        on_disk = _messages(read_mo(f))
    in_po = _messages(m for m in catalog if not m.fuzzy)
    stale = sorted(
        (k for k in in_po.keys() | on_disk.keys() if in_po.get(k) != on_disk.get(k)), key=str
    )
    assert not stale, f"run `make translations` and commit messages.mo: {stale[:10]}"


def test_compiled_catalogue_compare_sees_a_changed_plural():
    """The comparison reads plurals: a .mo compiled from a changed plural differs."""
    with PO.open("rb") as f:
        catalog = read_po(f)  # a copy of its own: the module's fixture stays untouched
    plural = next(m for m in _entries(catalog) if m.pluralizable)
    plural.string = ("changed",)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with MO.open("rb") as f:
        assert _messages(read_mo(compiled)) != _messages(read_mo(f))


def test_catalogue_holds_every_string_of_the_code(catalog, tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as f:
        extracted = {(m.context, m.id) for m in read_po(f) if m.id}
    assert len(extracted) > 300
    known = {(m.context, m.id) for m in _entries(catalog)}
    missing = sorted(extracted - known, key=str)
    assert not missing, f"run `make messages` and translate: {missing}"


def test_enum_labels_are_translated(app):
    with app.test_request_context(), force_locale("en"):
        english = {member: label(member) for _, member in LABELS}
        assert label(VenueKind.VILLAGE) == "Village"
        assert label(FarmKind.LARGE_GROWER) == "Large grower/breeder"
    with app.test_request_context(), force_locale("zh_CN"):
        untranslated = [english[m] for _, m in LABELS if label(m) == english[m]]
        assert [label(k) for k in FarmKind] == ["特色产业基地", "种养殖大户", "农业龙头企业"]
        assert [label(k) for k in VisitKind][:3] == ["党性教育", "政策学习", "技术培训"]
        assert [label(k) for k in CampaignKind][:3] == ["科普宣传月", "科技活动周", "全国科普日"]
        assert [label(k) for k in VenueKind] == ["进农村", "进场镇", "进学校", "进机关", "进企业"]
        assert [label(k) for k in AreaKind] == ["县", "乡镇", "村"]
    assert not untranslated


PAGES = {
    "/": ["首页", "记录走访", "走访记录", "服务队", "示范基地", "活动", "退出登录", "需要关注"],
    "/visits/new": ["走访类型", "党性教育", "服务人数", "带动户数", "参加队员", "提交走访记录"],
    "/visits": ["走访记录", "全部示范基地", "筛选"],
    "/teams": ["<h1>服务队</h1>", "队长：", "符合要求"],
}
ENGLISH = {
    "/": ["Home", "Log a visit", "Visits", "Teams", "Farms", "Events", "Log out"],
    "/visits/new": ["Kind of visit", "Party-spirit education", "People reached", "Log visit"],
    "/visits": ["Visits", "All farms", "Filter"],
    "/teams": ["<h1>Teams</h1>", "Leader:", "Meets the rules"],
}


def _html(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_login_page_is_in_chinese_by_default(client, world):
    html = _html(client, "/login")
    for text in ("登录", "用户名", "密码", "在此设备上保持登录"):
        assert text in html
    assert "Username" not in html


def test_pages_are_in_chinese_by_default_and_in_english_on_request(client, login, world):
    world.make_visit()
    login("leader")
    for path, texts in PAGES.items():
        html = _html(client, path)
        assert 'lang="zh-CN"' in html
        for text in texts:
            assert text in html, (path, text)
        assert "Log out" not in html and "People reached" not in html
    client.post("/lang/en", data={"next": "/"})
    for path, texts in ENGLISH.items():
        html = _html(client, path)
        assert 'lang="en"' in html
        for text in texts:
            assert text in html, (path, text)
        assert "走访记录" not in html and "退出登录" not in html


def test_wtforms_own_messages_are_in_chinese(client, world):
    html = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "该字段是必填字段。" in html
    assert "This field is required." not in html
    client.post("/lang/en", data={"next": "/login"})
    html = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in html


def test_wtforms_messages_on_the_visit_form(client, login, world):
    login("leader")
    data = {
        "farm_id": str(world.farm.id),
        "visited_on": "not a date",
        "kind": "lecture",
        "people_reached": "many",
    }
    html = client.post("/visits/new", data=data).get_data(as_text=True)
    assert "不是有效的日期值。" in html
    assert "Not a valid date value." not in html


def test_templates_translate_format_and_escape_as_jinja_does(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert render_template_string("{{ _('Teams') }}") == "服务队"
            # a language switch inside a request is seen at once
            with force_locale("en"):
                assert render_template_string("{{ _('Teams') }}") == "Teams"
            assert render_template_string("{{ _('Teams') }}") == "服务队"
        with force_locale("en"):
            # %% is read as %, with or without keywords; keywords are escaped, the text not
            assert render_template_string("{{ _('100%% done') }}") == "100% done"
            assert render_template_string("{{ _('%(n)s%%', n=5) }}") == "5%"
            assert render_template_string("{{ _('<b>%(x)s</b>', x='<i>') }}") == "<b>&lt;i&gt;</b>"
            assert render_template_string("{% trans n=3 %}{{ n }} farms{% endtrans %}") == "3 farms"
