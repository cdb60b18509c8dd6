"""Enabling and disabling plugins: the CLI, the admin page, other processes, settings."""

from query_counter import count_queries
from sqlalchemy import func, select

from core.extensions import db
from core.models import PluginState
from core.plugins.state import setting

PAGE = "/plugins/kepu_sample/"
ADMIN = "/admin/plugins"


def _notes():
    from kepu_sample.models import SampleNote

    return db.session.scalar(select(func.count(SampleNote.id)))


def _sample_line(output: str) -> list[str]:
    """The words of kepu_sample's line of `kepu plugins list` (first-party plugins list too)."""
    return next(line.split() for line in output.splitlines() if line.startswith("kepu_sample"))


def test_cli_lists_enables_and_disables(sample_app, invoke):
    listed = invoke(sample_app, "plugins", "list")
    assert listed.exit_code == 0
    assert _sample_line(listed.output) == [
        "kepu_sample",
        "disabled",
        "0.1",
        "entry",
        "point",
        "(kepu_sample)",
    ]
    result = invoke(sample_app, "plugins", "enable", "kepu_sample")
    assert result.exit_code == 0 and "kepu_sample enabled" in result.output
    assert "enabled" in _sample_line(invoke(sample_app, "plugins", "list").output)
    enabled = select(PluginState.enabled).where(PluginState.name == "kepu_sample")
    assert db.session.scalar(enabled) is True
    result = invoke(sample_app, "plugins", "disable", "kepu_sample")
    assert result.exit_code == 0
    assert "disabled" in _sample_line(invoke(sample_app, "plugins", "list").output)


def test_cli_refuses_an_unknown_name(sample_app, invoke):
    for action in ("enable", "disable"):
        result = invoke(sample_app, "plugins", action, "nosuch")
        assert result.exit_code != 0
        assert "no plugin named 'nosuch' (found: " in result.output
        assert "kepu_sample" in result.output
    assert db.session.scalar(select(func.count(PluginState.id))) == 0


def test_admin_page_lists_and_switches(sample_app, world, log_in):
    client = log_in(sample_app.test_client(), "admin")
    page = client.get(ADMIN).get_data(as_text=True)
    assert 'id="plugin-kepu_sample" data-state="disabled"' in page
    assert "Sample notes: a tiny third-party plugin used by Kepu&#39;s tests." in page
    assert "It has a page, an API" in page and "0.1" in page and "外部安装" in page
    assert f'action="{ADMIN}/kepu_sample/enable"' in page and 'name="csrf_token"' in page
    assert client.get(PAGE).status_code == 404

    response = client.post(f"{ADMIN}/kepu_sample/enable")
    assert response.status_code == 302 and response.location.endswith(ADMIN)
    assert 'data-state="enabled"' in client.get(ADMIN).get_data(as_text=True)
    assert client.get(PAGE).get_data(as_text=True) == "Hello: 0 notes"
    assert f'href="{PAGE}"' in client.get("/").get_data(as_text=True)

    client.post(f"{ADMIN}/kepu_sample/disable")
    assert client.get(PAGE).status_code == 404
    assert f'href="{PAGE}"' not in client.get("/").get_data(as_text=True)
    assert client.post(f"{ADMIN}/nosuch/enable").status_code == 404


def test_admin_page_is_for_admins_only(sample_app, world, log_in):
    anonymous = sample_app.test_client()
    assert anonymous.get(ADMIN).status_code == 302
    assert anonymous.post(f"{ADMIN}/kepu_sample/enable").status_code == 302
    for username in ("leader", "reviewer", "member"):
        client = log_in(sample_app.test_client(), username)
        assert client.get(ADMIN).status_code == 403
        assert client.post(f"{ADMIN}/kepu_sample/enable").status_code == 403
        assert client.get(f"{ADMIN}/kepu_sample").status_code == 403
        assert 'href="/admin/plugins"' not in client.get("/").get_data(as_text=True)
    admin = log_in(sample_app.test_client(), "admin")
    assert 'href="/admin/plugins"' in admin.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count(PluginState.id))) == 0


def test_switching_needs_the_csrf_token(make_app, sample, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as session:  # a signed-in admin (a forged cross-site post)
        session["_user_id"] = world.admin.get_id()
    response = client.post(f"{ADMIN}/kepu_sample/enable")
    assert response.status_code == 400
    # without a session, the post leads to the login page
    response = app.test_client().post(f"{ADMIN}/kepu_sample/enable")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(PluginState.id))) == 0


def test_disabling_hides_everything_and_keeps_the_data(
    sample_app, sample, world, log_in, bearer, invoke
):
    invoke(sample_app, "plugins", "enable", "kepu_sample")
    client = log_in(sample_app.test_client(), "admin")
    headers, leader = bearer(world.admin), bearer(world.leader)
    assert client.post("/api/v1/visits/", json=_visit(world), headers=leader).status_code == 201
    assert _notes() == 1
    assert client.get("/api/v1/plugins/kepu_sample/notes", headers=headers).status_code == 200

    invoke(sample_app, "plugins", "disable", "kepu_sample")
    sample.CALLS.clear()
    home = client.get("/").get_data(as_text=True)
    assert "Sample notes" not in home
    assert client.get(PAGE).status_code == 404
    api = client.get("/api/v1/plugins/kepu_sample/notes", headers=headers)
    assert api.status_code == 404 and api.is_json
    assert client.post("/api/v1/visits/", json=_visit(world), headers=leader).status_code == 201
    assert sample.CALLS == []  # no nav_items, no visit_logged
    assert _notes() == 1  # its data stays

    invoke(sample_app, "plugins", "enable", "kepu_sample")
    assert client.get(PAGE).get_data(as_text=True) == "Hello: 1 notes"
    assert "Sample notes" in client.get("/").get_data(as_text=True)


def _visit(world):
    from datetime import date

    return {
        "farm_id": world.farm.id,
        "visited_on": date.today().isoformat(),
        "kind": "technical_training",
        "people_reached": 5,
        "households_reached": 2,
    }


def test_two_apps_on_one_database_agree_after_a_toggle(make_app, sample, world, log_in):
    one, two = make_app(), make_app()
    admin_one = log_in(one.test_client(), "admin")
    admin_two = log_in(two.test_client(), "admin")
    assert admin_two.get(PAGE).status_code == 404
    admin_one.post(f"{ADMIN}/kepu_sample/enable")
    assert admin_two.get(PAGE).status_code == 200  # the next request sees the change
    assert "Sample notes" in admin_two.get("/").get_data(as_text=True)
    admin_one.post(f"{ADMIN}/kepu_sample/disable")
    assert admin_two.get(PAGE).status_code == 404
    assert "Sample notes" not in admin_two.get("/").get_data(as_text=True)
    assert 'data-state="disabled"' in admin_two.get(ADMIN).get_data(as_text=True)


def test_a_request_reads_the_flags_once(sample_app, world, log_in, invoke):
    invoke(sample_app, "plugins", "enable", "kepu_sample")
    client = log_in(sample_app.test_client(), "admin")
    with sample_app.app_context():
        engine = db.engine
    with count_queries(engine) as seen:
        assert client.get(PAGE).status_code == 200  # gate, nav, settings: one query
        statements = [s for s in seen if "plugin_states" in s]
        assert len(statements) == 1
        client.get("/")
        statements = [s for s in seen if "plugin_states" in s]
        assert len(statements) == 2


def test_enabled_by_default_applies_until_an_admin_decides(make_app, sample, invoke):
    app = make_app(PLUGINS_ENABLED_BY_DEFAULT=["kepu_sample"])
    assert "enabled" in invoke(app, "plugins", "list").output.split()
    invoke(app, "plugins", "disable", "kepu_sample")
    assert "disabled" in invoke(app, "plugins", "list").output.split()


def test_hook_plugin_settings_shows_defaults_and_saves(sample_app, world, log_in, invoke):
    invoke(sample_app, "plugins", "enable", "kepu_sample")
    client = log_in(sample_app.test_client(), "admin")
    assert setting("kepu_sample", "limit", app=sample_app) == 3
    page = client.get(f"{ADMIN}/kepu_sample").get_data(as_text=True)
    assert 'value="Hello"' in page and 'value="3"' in page and "默认值：3" in page
    assert "Shown on the sample page." in page

    bad = client.post(
        f"{ADMIN}/kepu_sample", data={"setting_greeting": "Hi", "setting_limit": "many"}
    )
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert setting("kepu_sample", "limit", app=sample_app) == 3

    saved = client.post(
        f"{ADMIN}/kepu_sample",
        data={
            "setting_greeting": "你好",
            "setting_limit": "7",
            "setting_loud": "y",
        },
    )
    assert saved.status_code == 302
    assert client.get(PAGE).get_data(as_text=True) == "你好: 0 notes"
    assert setting("kepu_sample", "limit", app=sample_app) == 7
    assert setting("kepu_sample", "loud", app=sample_app) is True
    assert "你好" in client.get(ADMIN).get_data(as_text=True)
