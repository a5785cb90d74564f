"""Demo logins: one account per role (plus a superuser), all with the shared demo password.

Accounts are created with ``user_create`` and roles with ``role_assign(actor=None, …)``,
so both are audited. Residents are linked to the ``Person`` row of their flat. An account
that already exists (kept from an earlier build, see ``--reset``) is reused.
"""

from __future__ import annotations

from linli.accounts.models import Role, User
from linli.accounts.services import role_assign, user_create
from linli.audit.services import audit_record
from linli.demo import data
from linli.places.models import Person


def _mobile(n: int) -> str:
    return f"138{n:08d}"


def _head(refs: dict, building: str, preferred: list[str]):
    heads = refs["heads"]
    for room in preferred:
        if (building, room) in heads:
            return room, heads[(building, room)]
    room = sorted(r for b, r in heads if b == building)[0]
    return room, heads[(building, room)]


def _heads_except(refs: dict, building: str, taken: set[str], n: int) -> list[tuple[str, object]]:
    """``n`` household heads of ``building`` whose rooms are not in ``taken`` (room order)."""
    rooms = sorted(r for b, r in refs["heads"] if b == building and r not in taken)
    return [(room, refs["heads"][(building, room)]) for room in rooms[:n]]


def login_specs(builder) -> list[dict]:
    """What to create: role, scope, person (for residents), and what the login shows."""
    anshun = builder.case_refs["anshun"]
    street = builder.streets[data.DETAILED_STREET]
    district = street.district
    committee = anshun["committee"]
    compound = anshun["compound"]
    b5 = anshun["buildings"]["5号楼"]
    room_r, resident = _head(anshun, "5号楼", ["302", "402", "301"])
    room_l, leader = _head(anshun, "5号楼", ["701", "601", "702"])
    room_o, oc_member = _head(anshun, "2号楼", ["201", "301", "101"])
    flats = anshun["flats"]
    specs = [
        dict(
            n=1,
            role="superuser",
            name="系统管理员",
            scope=None,
            title="",
            sees="后台 /admin/ 和全部页面（超级用户）",
        ),
        dict(
            n=2,
            role=Role.RESIDENT,
            name=resident.name,
            scope=flats[("5号楼", room_r)],
            person=resident,
            title="",
            sees=f"安顺苑5号楼{room_r}室：等您参与（实施推进会邀请、筹资方案公示——您提的异议已答复）、议题征询、本户信息、本居委会项目",
        ),
        dict(
            n=3,
            role=Role.BUILDING_LEADER,
            name=leader.name,
            scope=b5,
            person=leader,
            extra=[(Role.RESIDENT, flats[("5号楼", room_l)])],
            title="5号楼楼组长",
            sees="安顺苑5号楼名册（12户）、楼组会议（召集与签到）、代邻居录入需求",
        ),
        dict(
            n=4,
            role=Role.COMMITTEE_STAFF,
            name="陈静",
            scope=committee,
            title="居委会主任",
            sees="抚顺路363弄居委会工作台：需求分拣、会议、表决与书面票录入、公示与异议答复、筹资、待审核的议题观点",
        ),
        dict(
            n=5,
            role=Role.STREET_STAFF,
            name="周海燕",
            scope=street,
            title="自治办主任",
            sees="四平路街道全部居委会与项目",
        ),
        dict(
            n=6,
            role=Role.DISTRICT_ADMIN,
            name="吴立新",
            scope=district,
            title="区民政局基层政权科",
            sees="杨浦区12个街道、291个居委会的统计与项目",
        ),
        dict(
            n=7,
            role=Role.PLANNER,
            name="林一凡",
            scope=street,
            title="同济大学社区规划师",
            sees="结对的四平路街道：鞍山四村“百草园”现场踏勘日志、社区诊断、待发布的设计方案；安顺苑方案征询",
        ),
        dict(
            n=8,
            role=Role.OWNERS_COMMITTEE,
            name=oc_member.name,
            scope=compound,
            person=oc_member,
            extra=[(Role.RESIDENT, flats[("2号楼", room_o)])],
            title="安顺苑业委会主任",
            sees="安顺苑：睦邻客厅实施推进会邀请、本居委会项目与表决结果；也是2号楼住户",
        ),
        dict(
            n=9,
            role=Role.PROPERTY_COMPANY,
            name="顾建平",
            scope=compound,
            title=f"{data.PROPERTY_COMPANIES[0]}项目经理",
            sees="安顺苑：睦邻客厅实施推进会邀请、本居委会项目",
        ),
        dict(
            n=10,
            role=Role.PARTNER,
            name="沈佳怡",
            scope=committee,
            title="社区合伙人·规划委员会（设计师）",
            sees="抚顺路363弄居委会：睦邻客厅实施推进会邀请、议题征询、项目",
        ),
    ]
    staff = [
        ("tielu", "钱晓红"),
        ("shiguang", "孙丽华"),
        ("mingfeng", "金美芳"),
        ("liaoyuan", "郑伟"),
        ("anshan", "陆敏"),
    ]
    for i, (key, name) in enumerate(staff, 11):
        c = builder.case_refs[key]["committee"]
        specs.append(
            dict(
                n=i,
                role=Role.COMMITTEE_STAFF,
                name=name,
                scope=c,
                title="居委会主任",
                sees=f"{c.name}工作台（{builder.case_refs[key]['compound'].name}案例项目）",
            )
        )
    # 5号楼楼道自治管理小组 (seed 000: 设组长、副组长、财务会计、出纳以及监事各一名): three
    # residents keep the 睦邻客厅 books with separated duties (see linli/demo/money.py)
    taken = {room_r, room_l}
    group = _heads_except(anshun, "5号楼", taken, 3)
    for n, (room, person), (title, sees) in zip(
        (16, 17, 18),
        group,
        [
            ("5号楼楼道自治管理小组·财务会计", "睦邻客厅账目：登记各户缴款、记账"),
            ("5号楼楼道自治管理小组·出纳", "睦邻客厅账目：待出纳确认的凭证"),
            ("5号楼楼道自治管理小组·监事", "睦邻客厅账目：待监事审核的凭证"),
        ],
        strict=True,
    ):
        specs.append(
            dict(
                n=n,
                role=Role.RESIDENT,
                name=person.name,
                scope=flats[("5号楼", room)],
                person=person,
                title=title,
                sees=f"安顺苑5号楼{room}室；{sees}",
            )
        )
    specs.append(
        dict(
            n=19,
            role=Role.COMMITTEE_STAFF,
            name="李红梅",
            scope=committee,
            title="居委会社工",
            sees="抚顺路363弄居委会工作台；书面表决票的第二名录入人",
        )
    )
    specs.append(
        dict(
            n=20,
            role=Role.PARTY_ORG,
            name="周建国",
            scope=committee,
            title="抚顺路363弄居民区党总支书记",
            sees="抚顺路363弄：项目的规范流程（党员议事会先行）、召集党员议事会",
        )
    )
    return specs


def _user(spec: dict, password_hash: str) -> User:
    mobile = _mobile(spec["n"])
    superuser = spec["role"] == "superuser"
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        # the shared password is hashed once (see _password_hash) instead of per account
        user = user_create(actor=None, mobile=mobile, name=spec["name"], is_staff=superuser)
        user.password = password_hash
        user.save(update_fields=["password"])
    else:
        before = {"name": user.name, "is_active": user.is_active}
        user.name = spec["name"]
        user.password = password_hash
        user.is_active = True
        user.save(update_fields=["name", "password", "is_active"])
        audit_record(
            actor=None,
            action="user.demo_refresh",
            obj=user,
            before=before,
            after={"name": user.name, "is_active": True, "password": "demo"},
        )
    if superuser and not user.is_superuser:
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
        audit_record(actor=None, action="user.superuser", obj=user, after={"is_superuser": True})
    return user


def build_logins(builder) -> list[dict]:
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(data.DEMO_PASSWORD)
    logins = []
    for spec in login_specs(builder):
        user = _user(spec, password_hash)
        if spec["role"] != "superuser":
            role_assign(
                actor=None,
                user=user,
                role=spec["role"],
                scope=spec["scope"],
                title=spec.get("title", ""),
            )
        for role, scope in spec.get("extra", []):
            role_assign(actor=None, user=user, role=role, scope=scope)
        person = spec.get("person")
        if person is not None:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            Person.objects.filter(pk=person.pk).update(user=user)
        role_label = "超级用户" if spec["role"] == "superuser" else Role(spec["role"]).label
        logins.append(
            {
                "role": spec["role"],
                "role_label": role_label,
                "name": user.name,
                "mobile": user.mobile,
                "password": data.DEMO_PASSWORD,
                "scope": spec["scope"],
                "title": spec.get("title", ""),
                "sees": spec["sees"],
                "user": user,
            }
        )
    return logins


def existing_logins() -> list[dict]:
    """The demo accounts as they are in the database (for printing when the demo exists)."""
    out = []
    for user in User.objects.filter(mobile__startswith="1380000").order_by("mobile"):
        roles = list(user.roles.all())
        label = (
            "超级用户"
            if user.is_superuser
            else "、".join(dict.fromkeys(r.get_role_display() for r in roles))
        )
        scope = roles[0].scope if roles else None
        out.append(
            {
                "role": "superuser" if user.is_superuser else (roles[0].role if roles else ""),
                "role_label": label,
                "name": user.name,
                "mobile": user.mobile,
                "password": data.DEMO_PASSWORD,
                "scope": scope,
                "title": roles[0].title if roles else "",
                "sees": (
                    "后台 /admin/ 和全部页面（超级用户）"
                    if user.is_superuser
                    else "；".join(f"{r.title or r.get_role_display()}：{r.scope}" for r in roles)
                ),
                "user": user,
            }
        )
    return out


def project_task_logins(known: set[str]) -> list[dict]:
    """Demo accounts made by the step 5–6 builders (contractor contacts, volunteers, the
    evaluator, the auditor …), described by what they can do: a community role if they have
    one, else the to-dos of their project tasks (that is their home page)."""
    from linli.projects.registry import todos_for

    out = []
    for row in existing_logins():
        if row["mobile"] in known:
            continue
        if not row["user"].roles.exists():
            kinds = list(dict.fromkeys(t.kind for t in todos_for(row["user"])))
            row["role_label"] = "项目任务"
            row["sees"] = "首页为待办：" + "、".join(kinds) if kinds else "受托项目的页面"
        out.append(row)
    return out


def format_table(logins: list[dict]) -> str:
    rows = [("角色", "姓名", "手机号", "密码", "范围 / 能看到什么")]
    for x in logins:
        rows.append((x["role_label"], x["name"], x["mobile"], x["password"], x["sees"]))
    widths = [max(_w(r[i]) for r in rows) for i in range(4)]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[i] + " " * (widths[i] - _w(r[i])) for i in range(4)] + [r[4]]
        lines.append(" | ".join(cells))
        if k == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 20)
    return "\n".join(lines)


def _w(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
