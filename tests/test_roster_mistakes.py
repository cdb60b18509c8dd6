"""A file with ten kinds of mistakes: ten messages by sheet, row and column; nothing written."""

from roster_support import counts, edited, export_world

from core.extensions import db
from core.models import AuditEvent

NEW = [None, "永阳镇", "戴家村", "戴家村服务队"]


def _with_mistakes(wb, world):
    first, second = (m.name for m in world.team_members(world.team)[:2])
    teams = wb["Teams"]
    for row in teams.iter_rows(min_row=2):
        if row[3].value == "戴家村服务队":
            row[4].value = None  # 6: a team without leader
    teams.append([None, "永阳镇", "不存在村", "新服务队", "某人"])  # 1: unknown village
    members = wb["Members"]
    members.append([*NEW, first, "", "Yes", "No", "No", ""])  # 2: duplicate member
    members.append([*NEW, "王五", "138-abc-0000", "Yes", "No", "No", ""])  # 3: bad phone
    members.append([*NEW, None, "13800000001", "Yes", "No", "No", ""])  # 7: no name
    members.append([None, "永阳镇", "戴家村", "不存在的队", "钱七", "13800000003"])  # 8: team
    members.append([*NEW, "赵六", "13800000002", "maybe", "No", "No", ""])  # 9: yes/no
    wb["Farms"].append([None, "永阳镇", "戴家村", "新果园", "果园"])  # 4: kind not in the list
    links = wb["Farm links"]
    # 5: a member linked to a farm in another township
    links.append([*NEW, first, "", None, "洪蓝镇", "傅家边村", "傅家边草莓园", None])
    links.append([*NEW, second, "", None, "永阳镇", "戴家村", "戴家梅子基地", "someday"])  # 10


def test_ten_kinds_of_mistakes_give_ten_messages_and_write_nothing(runner, tmp_path, world):
    data = edited(export_world(runner, tmp_path), lambda wb: _with_mistakes(wb, world))
    path = tmp_path / "mistakes.xlsx"
    path.write_bytes(data)
    before, trail = counts(), db.session.query(AuditEvent).count()
    result = runner.invoke(args=["roster", "import", str(path), "--yes", "--lang", "en"])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if ", row " in line]
    assert len(problems) == 10, result.output
    text = "\n".join(problems)
    for expected in (
        "Teams, row 4, Village: Unknown village 不存在村 in 永阳镇.",
        "Members, row 22, Member name: 队员",
        "is listed twice in team 戴家村服务队.",
        "Members, row 23, Phone: Bad phone number: Use digits, spaces and + - ( ) only.",
        "Farms, row 4, Kind of farm: 果园 is not a kind of farm in the list.",
        "Farm links, row 22, Farm name: The farm lies in another township than the member's team.",
        "Leader: The team has no leader: name one of its members.",
        "Members, row 24, Member name: This field is required.",
        "Members, row 25, Team name: Unknown team 不存在的队 in this village.",
        "Members, row 26, Party member: Write Yes or No.",
        "Farm links, row 23, Since: Write a day like 2026-03-01.",
    ):
        assert expected in text, text
    assert "10 problems (nothing imported)" in result.output
    assert counts() == before
    assert db.session.query(AuditEvent).count() == trail
