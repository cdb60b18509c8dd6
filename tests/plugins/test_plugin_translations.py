"""A plugin ships its own translations (``translations/`` in its package), read beside the
core's catalogue."""

from core.plugins.state import set_enabled


def test_a_plugin_page_speaks_the_users_language_from_its_own_catalogue(sample_app, world, log_in):
    set_enabled(sample_app, "kepu_sample", True)
    client = log_in(sample_app.test_client(), "admin")
    assert client.get("/plugins/kepu_sample/about").get_data(as_text=True) == (
        "示例笔记记下一次走访的简短文字。"
    )
    assert "首页" in client.get("/").get_data(as_text=True)  # the core's catalogue still serves
    client.post("/lang/en")
    assert client.get("/plugins/kepu_sample/about").get_data(as_text=True) == (
        "Sample notes keep a short text about a visit."
    )


def test_the_plugins_folder_comes_before_the_cores(sample_app):
    folders = sample_app.extensions["babel"].translation_directories
    assert folders[0].endswith("kepu_sample/translations")
    assert folders[-1].endswith("core/translations")
    assert sum(folder.endswith("kepu_sample/translations") for folder in folders) == 1
