"""The admin pages speak the reader's language: plugin titles and descriptions, job
descriptions (the core's and the plugins')."""

import pytest

from core.plugins.state import set_enabled


@pytest.fixture
def modules(app):
    for name in ("reading_rooms", "noticeboards", "model_campaign"):
        set_enabled(app, name, True)


def test_the_plugins_page_in_chinese_and_in_english(client, world, login, modules):
    login("admin")
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "党建科普网络书屋" in page and "科普宣传栏" in page and "三级联创" in page
    assert "Reading rooms (" not in page and "usage per period" not in page
    client.post("/lang/en")
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "Reading rooms (党建科普网络书屋)" in page and "usage per period" in page


def test_the_jobs_page_describes_plugin_jobs_in_chinese(client, world, login, modules):
    login("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "保存上月书屋督查报表" in page
    assert "Store the reading rooms inspection report" not in page
