"""The search box: the page /search, the header's form and /api/v1/search."""

from datetime import date

import pytest

from core.extensions import db
from core.models import Farm, FarmKind, Member, Team, Visit, VisitKind
from core.services.search import GROUP_LIMIT, MAX_QUERY, TYPES

API = "/api/v1/search"


def found(client, headers, q, types=None) -> dict:
    """Ids found by the API per group, for ``q``."""
    url = f"{API}?q={q}" + (f"&types={types}" if types else "")
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    groups = response.get_json()["groups"]
    return {name: {item["id"] for item in group["items"]} for name, group in groups.items()}


@pytest.fixture
def records(world):
    """One record of each kind in each team's village, all holding the word 苹果."""
    ours, theirs = world.team_members(world.team)[1], world.team_members(world.other_team)[1]
    ours.name, ours.phone = "苹果张", "138 0013 8000"
    theirs.name, theirs.phone = "苹果李", "139 0013 9000"
    world.farm.contact_name = "苹果老板"
    world.other_farm.industry = "苹果"
    db.session.commit()
    return {
        "ours": {
            "members": ours,
            "farms": world.farm,
            "visits": world.make_visit(notes="讲了苹果套袋技术"),
            "events": world.make_event(title="苹果栽培讲座"),
        },
        "theirs": {
            "members": theirs,
            "farms": world.other_farm,
            "visits": world.make_visit(
                team=world.other_team, farm=world.other_farm, topics="苹果病虫害"
            ),
            "events": world.make_event(team=world.other_team, place="苹果园"),
        },
    }


def ids_of(records, side) -> dict:
    return {name: {row.id} for name, row in records[side].items()}


def test_each_kind_is_found_by_the_fields_people_type(client, world, bearer, records):
    headers = bearer(world.admin)
    assert found(client, headers, "苹果")["members"] == {
        records["ours"]["members"].id,
        records["theirs"]["members"].id,
    }
    assert found(client, headers, "戴家村服务")["teams"] == {world.team.id}
    assert found(client, headers, "傅家边村")["teams"] == {world.other_team.id}  # the village
    assert found(client, headers, "洪蓝")["teams"] == {world.other_team.id}  # the township
    assert found(client, headers, "苹果老板")["farms"] == {world.farm.id}  # the owner
    assert found(client, headers, "苹果")["farms"] == {world.farm.id, world.other_farm.id}
    assert found(client, headers, "梅子基地")["farms"] == {world.farm.id}  # the name
    assert found(client, headers, "套袋")["visits"] == {records["ours"]["visits"].id}
    assert found(client, headers, "病虫")["visits"] == {records["theirs"]["visits"].id}
    assert found(client, headers, "苹果栽培")["events"] == {records["ours"]["events"].id}
    assert found(client, headers, "苹果园")["events"] == {records["theirs"]["events"].id}


def test_a_phone_is_found_with_or_without_its_spaces(client, world, bearer, records):
    headers = bearer(world.leader)
    ours = records["ours"]["members"].id
    assert found(client, headers, "13800138")["members"] == {ours}
    assert found(client, headers, "0013 8000")["members"] == {ours}
    body = client.get(f"{API}?q=138-0013", headers=headers).get_json()
    assert body["groups"]["members"]["items"][0]["phone"] == "138 0013 8000"
    # another team's member's phone is out of the leader's reach
    assert found(client, headers, "13900139")["members"] == set()


def test_english_is_matched_whatever_the_case(client, world, bearer):
    world.make_event(title="Science Day Fair")
    assert len(found(client, bearer(world.member), "science DAY")["events"]) == 1


def test_a_leader_never_sees_another_teams_records(client, world, bearer, records):
    mine = found(client, bearer(world.leader), "苹果")
    theirs = found(client, bearer(world.other_leader), "苹果")
    for name in ("members", "visits"):
        assert mine[name] == ids_of(records, "ours")[name]
        assert theirs[name] == ids_of(records, "theirs")[name]
    assert mine["farms"] == {world.farm.id}
    assert found(client, bearer(world.leader), "傅家边")["teams"] == set()
    # events are public: every signed-in user reads them
    assert mine["events"] == theirs["events"] == {r["events"].id for r in records.values()}


def test_a_township_reviewer_never_sees_another_townships_records(client, world, bearer, records):
    result = found(client, bearer(world.reviewer), "苹果")
    for name in ("members", "farms", "visits"):
        assert result[name] == ids_of(records, "ours")[name]
    assert found(client, bearer(world.reviewer), "服务队")["teams"] == {world.team.id}


def test_a_member_sees_what_members_see(client, world, bearer, records):
    result = found(client, bearer(world.member), "苹果")
    for name in ("members", "farms", "visits"):
        assert result[name] == ids_of(records, "ours")[name]
    assert result["events"] == {r["events"].id for r in records.values()}
    assert found(client, bearer(world.member), "服务队")["teams"] == {world.team.id}


def test_deleted_records_never_appear(client, world, bearer, records):
    team = Team(name="苹果队", village=world.village)
    db.session.add(team)
    db.session.flush()
    for row in [team, *records["ours"].values()]:
        row.soft_delete()
    db.session.commit()
    result = found(client, bearer(world.admin), "苹果")
    assert result["teams"] == set()
    assert result == {"teams": set(), **ids_of(records, "theirs")}


def test_percent_and_underscore_are_literal(client, world, bearer):
    for name in ("有机100%", "有机100", "a_b", "axb"):
        db.session.add(Farm(name=name, kind=FarmKind.INDUSTRY_BASE, village=world.village))
    db.session.commit()
    names = lambda q: {  # noqa: E731
        item["name"]
        for item in client.get(f"{API}?q={q}&types=farms", headers=bearer(world.admin)).get_json()[
            "groups"
        ]["farms"]["items"]
    }
    assert names("%25") == {"有机100%"}
    assert names("_") == {"a_b"}
    assert names("/") == set()  # the escape character itself is literal too


def test_types_narrow_the_groups(client, world, bearer, records):
    result = found(client, bearer(world.admin), "苹果", types="teams,visits")
    assert set(result) == {"teams", "visits"}
    response = client.get(f"{API}?q=x&types=teams,planets", headers=bearer(world.admin))
    assert response.status_code == 422 and "types" in response.get_json()["errors"]["query"]


def test_too_long_a_query_is_refused_with_a_translated_message(client, world, bearer, login):
    long = "苹" * (MAX_QUERY + 1)
    response = client.get(f"{API}?q={long}", headers=bearer(world.admin))
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["q"] == ["搜索内容最多 100 个字符。"]
    # spaces around the text do not count
    padded = " " + "苹" * MAX_QUERY + " "
    assert client.get(f"{API}?q={padded}", headers=bearer(world.admin)).status_code == 200
    login("admin")
    page = client.get(f"/search?q={long}")
    assert page.status_code == 422
    assert "搜索内容最多 100 个字符。" in page.text and 'aria-invalid="true"' in page.text
    assert client.get("/search?q=%00").status_code == 422


def test_a_blank_query_finds_nothing_and_gives_a_hint(client, world, bearer, login, records):
    body = client.get(f"{API}?q=%20", headers=bearer(world.admin)).get_json()
    assert body["groups"] == {} and body["total"] == 0 and body["hint"]
    assert client.get(API, headers=bearer(world.admin)).status_code == 422  # q missing
    login("admin")
    page = client.get("/search?q=+")
    assert page.status_code == 200 and "电话号码" in page.text and "search-teams" not in page.text


def test_the_page_groups_results_with_links_and_counts(client, world, login, records):
    login("leader")
    page = client.get("/search?q=苹果").text
    ours = records["ours"]
    assert f'href="/teams/{world.team.id}#member-{ours["members"].id}"' in page
    assert f'href="/farms/{world.farm.id}"' in page
    assert f'href="/visits/{ours["visits"].id}"' in page
    assert f'href="/events/{ours["events"].id}"' in page
    assert "苹果李" not in page and "病虫害" not in page
    assert "讲了<mark>苹果</mark>套袋技术" in page  # the visit's text around the match, marked
    assert "tel:13800138000" in page
    # the member's link lands on their card of the team page
    team_page = client.get(f"/teams/{world.team.id}").text
    assert f'id="member-{ours["members"].id}"' in team_page


def test_the_matches_are_marked_and_the_rest_escaped(client, world, login):
    db.session.add(
        Farm(name="<b>Apple</b> 基地", kind=FarmKind.INDUSTRY_BASE, village=world.village)
    )
    db.session.commit()
    login("admin")
    page = client.get("/search?q=apple").text
    assert "&lt;b&gt;<mark>Apple</mark>&lt;/b&gt; 基地" in page


def test_a_large_group_shows_its_count_and_a_link_to_the_filtered_list(client, world, login):
    for i in range(GROUP_LIMIT + 2):
        db.session.add(Farm(name=f"梨园{i}", kind=FarmKind.INDUSTRY_BASE, village=world.village))
        world.make_visit(notes=f"梨树修剪{i}")
    db.session.commit()
    login("admin")
    page = client.get("/search?q=梨").text
    assert page.count('href="/farms/') == GROUP_LIMIT
    assert "/farms?q=%E6%A2%A8" in page and "显示全部 12 个" in page
    # the farm list's text filter finds the same farms
    farm_list = client.get("/farms?q=梨").text
    assert all(f"梨园{i}" in farm_list for i in range(GROUP_LIMIT + 2))
    # visits have no text filter in their list: the page says how many
    assert "已显示 12 条中的前 10 条" in page


def test_the_farm_list_filters_by_contact_too(client, world, login):
    world.farm.contact_name = "王老板"
    db.session.commit()
    login("leader")
    page = client.get("/farms?q=王老板").text
    assert world.farm.name in page and world.other_farm.name not in page


def _seed(world, n):
    """``n`` matching records of each kind for the leader (and as many in the other team)."""
    for i in range(n):
        for team, farm in ((world.team, world.farm), (world.other_team, world.other_farm)):
            db.session.add(Member(name=f"杏{i}", team=team, phone=f"1350000{i:04d}"))
            db.session.add(Farm(name=f"杏园{i}", kind=FarmKind.INDUSTRY_BASE, village=farm.village))
            db.session.add(Team(name=f"杏队{i}", village=farm.village))
            db.session.add(
                Visit(
                    team=team,
                    farm=farm,
                    visited_on=date.today(),
                    kind=VisitKind.LECTURE,
                    notes=f"杏{i}",
                )
            )
            world.make_event(team=team, title=f"杏花节{i}")
    db.session.commit()


@pytest.mark.parametrize("user", ["leader", "reviewer", "admin"])
def test_a_search_costs_the_same_queries_whatever_it_finds(
    client, world, bearer, log_in, count_queries, user
):
    headers = bearer(getattr(world, user))
    client.get(f"{API}?q=warm-up", headers=headers)

    def cost(q):
        with count_queries() as queries:
            response = client.get(f"{API}?q={q}", headers=headers)
        assert response.status_code == 200
        return len(queries), response.get_json()["total"]

    _seed(world, 1)
    few, few_found = cost("杏")
    _seed(world, GROUP_LIMIT + 3)
    many, many_found = cost("杏")
    assert many_found > few_found > 0
    assert few == many
    # one statement per group, besides the caller's token and user
    assert few <= len(TYPES) + 4


def test_the_page_costs_the_same_queries_whatever_it_finds(client, world, login, count_queries):
    login("reviewer")
    client.get("/search?q=warm-up")

    def cost():
        with count_queries() as queries:
            assert client.get("/search?q=杏").status_code == 200
        return len(queries)

    _seed(world, 1)
    few = cost()
    _seed(world, GROUP_LIMIT + 3)
    assert cost() == few


def test_the_header_has_one_search_form_for_signed_in_users(client, world, login):
    assert 'role="search"' not in client.get("/login").text
    login("member")
    page = client.get("/").text
    assert '<form class="site-search" role="search" method="get" action="/search">' in page
    assert 'for="site-search-q"' in page and f'name="q" maxlength="{MAX_QUERY}"' in page
    # the search page has its own field, not a second one in the header
    assert page.count('role="search"') == 1
    assert client.get("/search").text.count('role="search"') == 1


def test_signed_out_callers_are_sent_away(client, world):
    assert client.get("/search?q=x").status_code == 302
    assert client.get(f"{API}?q=x").status_code == 401


def test_the_openapi_document_describes_the_search(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "types"}
    assert {"200", "401", "422"} <= set(operation["responses"])
