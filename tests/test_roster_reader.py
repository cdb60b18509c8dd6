"""Files as Excel and WPS users make them: merged cells, hidden sheets, formulas, full-width
digits and stray spaces are read as a person reads them."""

import re
import zipfile
from io import BytesIO

from openpyxl import Workbook

from core.extensions import db
from core.models import Area, AreaKind, Farm, Member, Team


def _workbook() -> bytes:
    wb = Workbook()
    areas = wb.active
    areas.title = "地区"
    areas.append(["县", "乡镇", "村"])
    areas.append(["测试县", "永阳镇", "戴家村 "])
    areas.append([None, None, "\u3000毛家圩村"])
    areas.merge_cells("A2:A3")  # the county and township written once for both villages
    areas.merge_cells("B2:B3")
    teams = wb.create_sheet("服务队")
    teams.append(["乡镇", "村", "服务队名称", "队长"])
    teams.append(["永阳镇", "戴家村", "戴家村服务队  ", "张三"])
    members = wb.create_sheet("队员")
    members.append(["乡镇", "村", "服务队名称", "姓名", "电话", "党员", "专家"])
    members.append(
        ["永阳镇", "戴家村", "戴家村服务队", " 张三", "１３８０００００００１", "是 ", "否"]
    )
    members.append(["永阳镇", "戴家村", "戴家村服务队", "李四", 13800000002.0, "否", "是"])
    members.append(["永阳镇", "戴家村", "戴家村服务队", "王五", '="1380000"&"0003"', "是", "否"])
    farms = wb.create_sheet("示范基地")
    farms.append(["乡镇", "村", "基地名称", "基地类型"])
    farms.append(["永阳镇", "毛家圩村", "毛家圩梅园", "种养殖大户"])
    hidden = wb.create_sheet("旧名单")
    hidden.append(["乡镇", "村", "服务队名称", "姓名"])
    hidden.append(["乱写", "乱写", "乱写", "乱写"])
    hidden.sheet_state = "hidden"
    out = BytesIO()
    wb.save(out)
    return _with_cached_value(out.getvalue(), "13800000003")


def _with_cached_value(data: bytes, value: str) -> bytes:
    """The workbook with the formula's last result saved, as Excel and WPS save it."""
    source, out = zipfile.ZipFile(BytesIO(data)), BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/") and b"<f>" in content:
                content = re.sub(
                    rb'<c r="E4"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                    lambda m: (
                        b'<c r="E4" t="str"><f>'
                        + m.group(2)
                        + b"</f><v>"
                        + value.encode()
                        + b"</v>"
                    ),
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()


def test_a_hand_made_workbook_is_read_as_a_person_reads_it(runner, tmp_path, app):
    path = tmp_path / "乡镇花名册.xlsx"
    path.write_bytes(_workbook())
    result = runner.invoke(args=["roster", "import", str(path), "--yes", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Hidden sheet 旧名单: skipped." in result.output
    villages = db.session.scalars(
        db.select(Area.name).where(Area.kind == AreaKind.VILLAGE).order_by(Area.name)
    ).all()
    assert sorted(villages) == sorted(["戴家村", "毛家圩村"])
    team = db.session.execute(db.select(Team)).scalar_one()
    assert team.name == "戴家村服务队"
    assert team.leader.name == "张三"
    members = {m.name: m for m in db.session.scalars(db.select(Member))}
    assert {n: m.phone for n, m in members.items()} == {
        "张三": "13800000001",
        "李四": "13800000002",
        "王五": "13800000003",
    }
    assert (members["张三"].is_party_member, members["李四"].is_expert) == (True, True)
    farm = db.session.execute(db.select(Farm)).scalar_one()
    assert farm.village.name == "毛家圩村" and farm.kind.value == "large_grower"
    # the rules are shown, not enforced
    assert "Team 戴家村服务队 has 3 members (under 10)." in result.output
    assert "Member 张三 is linked to 0 farms." in result.output

    result = runner.invoke(args=["roster", "import", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "nothing to change" in result.output
