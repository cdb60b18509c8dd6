"""Demo experts, half a year of questions and answers, and one booklet for the demo county.

Seventeen experts of an agricultural university (crops, fruit, livestock, aquaculture,
agricultural law ...), about 180 questions the villages collected over the last six months,
most answered within the week, a few overdue or still waiting, some answers that did not solve
the problem, and a booklet (问答汇编) of representative ones. The core's demo login ``expert``
is the fruit expert 刘春燕: it sees only the questions routed to her. The demo login ``member``
is the information officer of 戴家村 (the only village whose teams have logins).
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, Member, Role, Team, User, db
from plugins.expert_desk.models import (
    Booklet,
    BookletItem,
    Expert,
    Officer,
    Post,
    Question,
    Specialty,
)
from plugins.expert_desk.services import answer_within_days

SPECIALTIES = (
    "粮油作物",
    "果树栽培",
    "蔬菜园艺",
    "茶叶",
    "畜禽养殖",
    "水产养殖",
    "植物保护",
    "农业法律",
)
#: (name, college, specialties by index)
EXPERTS = (
    ("王建平", "南京农业大学农学院", (0, 6)),
    ("刘春燕", "南京农业大学园艺学院", (1,)),
    ("陈立新", "南京农业大学园艺学院", (1, 6)),
    ("赵红梅", "南京农业大学园艺学院", (2,)),
    ("孙志强", "南京农业大学园艺学院", (2, 6)),
    ("周海波", "南京农业大学园艺学院", (3,)),
    ("吴国庆", "南京农业大学动物科技学院", (4,)),
    ("郑晓东", "南京农业大学动物医学院", (4,)),
    ("钱玉兰", "南京农业大学动物科技学院", (4,)),
    ("冯德华", "南京农业大学无锡渔业学院", (5,)),
    ("蒋文斌", "南京农业大学无锡渔业学院", (5,)),
    ("沈丽萍", "南京农业大学植物保护学院", (6,)),
    ("韩明", "南京农业大学植物保护学院", (6, 0)),
    ("杨秀英", "南京农业大学资源与环境科学学院", (0, 2)),
    ("朱振华", "南京农业大学人文与社会发展学院", (7,)),
    ("秦雪", "南京农业大学人文与社会发展学院", (7,)),
    ("许光明", "南京农业大学农学院", (0,)),
)
#: (topic index, farm or crop, question, answer)
QUESTIONS = (
    (
        1,
        "青梅",
        "青梅开花期遇到连续阴雨，坐果率很低，有什么补救办法？",
        "花期阴雨可在雨停间隙人工辅助授粉，喷施0.2%硼砂加0.3%尿素提高坐果；来年注意配置授粉树，比例不低于1:4。",
    ),
    (
        1,
        "草莓",
        "大棚草莓叶片边缘发焦，是缺什么肥？",
        "多为棚内高温加上施肥过量造成的盐害，先大水洗盐，控制棚温不超过28℃，少量多次追施水溶肥。",
    ),
    (
        1,
        "石榴",
        "石榴裂果严重，怎么预防？",
        "裂果与前干后湿有关，果实膨大期保持土壤湿度均匀，雨后及时排水，可套袋并补充钙肥。",
    ),
    (
        6,
        "草莓",
        "草莓白粉病每年都发，用什么药好？",
        "发病初期轮换使用乙嘧酚、醚菌酯等，间隔7至10天；注意通风降湿，摘除病叶带出棚外销毁。",
    ),
    (
        0,
        "水稻",
        "水稻育秧时烂秧怎么办？",
        "烂秧多由低温和积水引起，秧田要平整排水，遇寒潮灌深水护秧，可用敌磺钠防治立枯病。",
    ),
    (
        0,
        "小麦",
        "小麦赤霉病什么时候打药最有效？",
        "抓住扬花初期第一次用药，选用氰烯菌酯或戊唑醇，隔5至7天再防一次。",
    ),
    (
        2,
        "辣椒",
        "大棚辣椒落花落果多是什么原因？",
        "常见原因是夜温过高、光照不足和氮肥过多，夜间加强通风，控制氮肥，开花期可喷防落素。",
    ),
    (
        2,
        "番茄",
        "番茄果实顶部出现黑褐色凹陷斑点？",
        "这是脐腐病，属缺钙的生理病害，保持水分均匀，叶面喷0.5%氯化钙，每周一次。",
    ),
    (
        3,
        "茶叶",
        "春茶采摘后茶树怎样修剪？",
        "春茶后进行轻修剪，剪去树冠面3至5厘米，衰老茶园可重修剪，修剪后及时追肥。",
    ),
    (
        4,
        "生猪",
        "仔猪断奶后拉稀怎么处理？",
        "断奶应激引起的腹泻，要逐步换料，饲料中加益生菌，保持圈舍干燥保温，严重的请兽医诊治。",
    ),
    (
        4,
        "鸭",
        "养殖肉鸭夏季怎样防暑？",
        "加强通风，降低饲养密度，供给充足清凉饮水，饮水中可加电解多维。",
    ),
    (
        4,
        "鸡",
        "散养土鸡怎么防禽流感？",
        "按程序免疫接种，避免与野鸟接触，定期消毒，发现异常死亡立即报告畜牧部门。",
    ),
    (
        5,
        "螃蟹",
        "河蟹养殖水草腐烂怎么处理？",
        "及时捞除腐烂水草，加注新水，使用底质改良剂，控制投饵量防止水质恶化。",
    ),
    (
        5,
        "鱼塘",
        "鱼塘清晨浮头是什么原因？",
        "多为缺氧，晴天中午开增氧机，减少投喂，浮头严重时立即冲注新水或泼洒增氧剂。",
    ),
    (
        7,
        "",
        "土地流转合同到期，对方不愿归还土地怎么办？",
        "先协商，协商不成可向乡镇农村土地承包仲裁委员会申请仲裁，或直接向人民法院起诉，注意保留合同。",
    ),
    (
        7,
        "",
        "农民专业合作社怎么注册登记？",
        "五名以上成员，制定章程，到县市场监督管理部门办理登记，不收取费用。",
    ),
    (6, "青梅", "梅树流胶病怎么治？", "刮除胶块后涂抹石硫合剂，增施有机肥增强树势，雨季注意排水。"),
    (
        1,
        "桃",
        "桃树冬季怎么修剪？",
        "以疏枝为主，去除病虫枝和过密枝，保留健壮结果枝，剪口涂保护剂。",
    ),
    (
        2,
        "黄瓜",
        "黄瓜霜霉病怎么防？",
        "控制棚内湿度，早晨放风排湿，发病初期用烯酰吗啉或霜脲氰防治。",
    ),
    (0, "油菜", "油菜菌核病怎么防治？", "初花期喷施咪鲜胺或菌核净，清沟排水降低田间湿度。"),
    (
        1,
        "葡萄",
        "葡萄避雨栽培棚膜什么时候盖、什么时候揭？",
        "萌芽前后覆膜，采收后及时揭膜，让枝蔓接受雨水和光照，利于花芽分化。",
    ),
    (
        1,
        "梨",
        "梨树黑星病发病规律是什么？",
        "病菌在落叶和芽鳞中越冬，春季多雨时侵染，清园并在花前花后各喷一次药。",
    ),
    (
        2,
        "茄子",
        "茄子连作后死棵多怎么办？",
        "多为黄萎病等土传病害，实行轮作或嫁接栽培，定植前土壤消毒。",
    ),
    (
        2,
        "西瓜",
        "西瓜嫁接苗用什么砧木好？",
        "常用葫芦和南瓜砧木，抗枯萎病，注意选择与品种亲和力好的砧木。",
    ),
    (3, "茶叶", "茶园冬季怎么防冻？", "入冬前深施基肥，行间铺草覆盖，寒潮前可喷抑蒸保温剂。"),
    (
        4,
        "羊",
        "山羊春季驱虫用什么药？",
        "可用阿苯达唑或伊维菌素，体内外寄生虫同时驱，间隔一周再驱一次。",
    ),
    (
        4,
        "牛",
        "肉牛育肥期精粗饲料怎么搭配？",
        "育肥前期粗料为主，后期逐步提高精料比例，注意添加缓冲剂防酸中毒。",
    ),
    (
        5,
        "小龙虾",
        "稻田养殖小龙虾投放多少虾苗合适？",
        "一般每亩投放规格虾苗6000至8000尾，投苗前要先种好水草。",
    ),
    (
        5,
        "鳜鱼",
        "鳜鱼饵料鱼怎么配套？",
        "按鳜鱼摄食量配套培育鲢鳙或鲮鱼苗，饵料鱼规格为鳜鱼体长的三分之一左右。",
    ),
    (
        6,
        "水稻",
        "稻飞虱什么时候防治最好？",
        "在低龄若虫高峰期用药，选用吡蚜酮或烯啶虫胺，对准稻丛基部喷雾。",
    ),
    (
        7,
        "",
        "宅基地可以转让给外村人吗？",
        "宅基地使用权只能在本集体经济组织成员之间流转，不能转让给外村人。",
    ),
    (
        7,
        "",
        "买到假种子造成减产怎么维权？",
        "保留种子包装、发票和田间证据，请农业部门鉴定，可要求经营者赔偿损失。",
    ),
)
CHANNELS = ("door_to_door", "door_to_door", "question_form", "meeting", "online", "online")
FEEDBACK = ("按专家说的做了，效果很好。", "问题解决了，谢谢专家。", "有所好转，还在观察。")
UNSOLVED = ("按方法处理后效果不明显，希望专家再来看看。", "用了药还是有，想请专家到田头指导。")


def build(seed: int, today: date) -> dict[str, int]:
    """Add the demo rows (nothing when the plugin's tables already hold data); return counts."""
    if db.session.scalar(select(func.count(Expert.id))):
        return {}
    rng = random.Random(f"expert_desk-{seed}")
    specialties = [Specialty(name=name) for name in SPECIALTIES]
    db.session.add_all(specialties)
    experts = []
    for i, (name, college, topics) in enumerate(EXPERTS):
        experts.append(
            Expert(
                name=name,
                organisation=college,
                contact=f"{name[0].lower() if name.isascii() else 'njau'}{i + 1:02d}@njau.edu.cn",
                active=i != 16,
                specialties=[specialties[t] for t in topics],
            )
        )
    db.session.add_all(experts)
    login = db.session.scalar(
        select(User).where(User.username == "expert", User.role == Role.EXPERT)
    )
    if login is not None:  # the core's demo login ``expert`` is this expert
        experts[1].user_id = login.id
    db.session.flush()
    by_topic = {i: [e for e in experts[:16] if specialties[i] in e.specialties] for i in range(8)}
    villages = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.VILLAGE).order_by(Area.id)
    ).all()
    members: dict[int, list[int]] = {}
    for member_id, village_id in db.session.execute(
        select(Member.id, Team.village_id).join(Team, Team.id == Member.team_id)
    ).tuples():
        members.setdefault(village_id, []).append(member_id)
    asking = [v for v in villages if v.id in members][:9] or villages[:9]
    within = answer_within_days()
    questions = []
    for n in range(184):
        topic, subject, text, reply = QUESTIONS[n % len(QUESTIONS)]
        village = rng.choice(asking)
        asked_on = today - timedelta(days=rng.randint(0, 180))
        expert = rng.choice(by_topic[topic])
        q = Question(
            village_id=village.id,
            member_id=rng.choice(members[village.id])
            if members.get(village.id) and rng.random() < 0.7
            else None,
            subject=subject,
            text=text,
            channel=rng.choice(CHANNELS),
            asked_on=asked_on,
            due_on=asked_on + timedelta(days=within),
            specialty_id=specialties[topic].id,
            status="new",
        )
        age = (today - asked_on).days
        if age <= 1 and rng.random() < 0.6:
            pass  # still waiting to be routed
        else:
            q.expert_id = expert.id
            q.status = "routed"
            late = rng.random() < 0.05
            took = rng.randint(1, within + 4) if not late else age + 1
            if took <= age:
                q.status, q.answered_on = "answered", asked_on + timedelta(days=took)
                if rng.random() < 0.8 and q.answered_on < today:
                    q.solved = rng.random() < 0.85
                    q.feedback = rng.choice(FEEDBACK if q.solved else UNSOLVED)
        questions.append((q, reply))
    db.session.add_all(q for q, _r in questions)
    db.session.flush()
    posts = [
        Post(
            question_id=q.id,
            kind="answer",
            text=reply,
            expert_id=q.expert_id,
            posted_on=q.answered_on,
        )
        for q, reply in questions
        if q.answered_on is not None
    ]
    db.session.add_all(posts)
    seen, chosen = set(), []
    for q, _reply in sorted(questions, key=lambda pair: pair[0].asked_on):
        if q.status == "answered" and q.text not in seen:
            seen.add(q.text)
            chosen.append(q)
    booklet = Booklet(
        title="农村党员“网上科技党日”活动问答汇编",
        foreword="从半年来各村向农科专家咨询台提出的问题中选出有代表性的问答，按专业分类编印，发到每一位农村党员手中。",
        items=[BookletItem(question_id=q.id, position=i) for i, q in enumerate(chosen)],
    )
    db.session.add(booklet)
    officers = _name_officers(villages, today)
    return {
        "experts": len(experts),
        "information officers": officers,
        "expert questions": len(questions),
        "expert answers": len(posts),
        "booklets": 1,
    }


def _name_officers(villages: list[Area], today: date) -> int:
    """An information officer for every village whose teams have a login (the demo logins are
    fixed, so only 戴家村: its member ``member``, named by the township's reviewer)."""
    team_users: dict[int, list[User]] = {}
    for user in db.session.scalars(
        select(User)
        .join(Team, Team.id == User.team_id)
        .where(User.role.in_([Role.LEADER, Role.MEMBER]), User.active.is_(True))
        .order_by(User.id)
    ):
        team_users.setdefault(user.team.village_id, []).append(user)
    reviewers = db.session.scalars(
        select(User).where(User.role == Role.REVIEWER, User.area_id.is_not(None))
    ).all()
    named = 0
    for village in villages:
        users = sorted(team_users.get(village.id, []), key=lambda u: u.role != Role.MEMBER)
        if not users:
            continue
        by = max(
            (r for r in reviewers if r.area.contains(village)),
            key=lambda r: len(r.area.path),
            default=None,
        )
        db.session.add(
            Officer(
                village_id=village.id,
                user_id=users[0].id,
                named_by_id=by.id if by else None,
                named_on=today,
            )
        )
        named += 1
    return named
