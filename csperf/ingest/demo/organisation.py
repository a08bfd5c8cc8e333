"""The demo organisation: a 呼叫中心事业部 of ten departments, their teams, leaders and staff.

The division head's office (事业部办公室) sits in 热线服务部, the division's core; the other
department heads, and the leaders of departments without a head, report to the division head.

Every position a built-in template names in ``x-positions`` is held by at least two people
(department cards and managers: at least one), so each built-in card has a group to evaluate.
``--agents`` sizes the front-line pools (each position's share of it, never below its
minimum); heads, leaders and the fixed posts come on top. The roster carries each person's
performance pay base (绩效工资基数), tier (客服分级) and probation; a few people are on probation
at the end of the range, one left during the last month, a few more left or joined earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import FAR, World, days32, money, strs

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉兰萍红鹏辉建国亮晶丹婷雪琳欣怡浩宇子涵梓轩思雨佳琪文博"

DIVISION = "呼叫中心事业部"


@dataclass(frozen=True)
class TeamSpec:
    """One team: its leader's position (None: the members report to ``reports_to``), its
    members (position, share of --agents, minimum) and fixed posts (position, count)."""

    name: str
    leader: str | None = None
    members: tuple[tuple[str, float, int], ...] = ()
    staff: tuple[tuple[str, int], ...] = ()
    reports_to: str = "head"  # "head" (the department head) or the team whose leader leads
    split: int = 0  # members split into teams of at most this many (热线一组, 热线二组 …)


@dataclass(frozen=True)
class DeptSpec:
    name: str
    head: str | None  # the head's position (a department card), or None
    head_team: str | None
    teams: tuple[TeamSpec, ...]


DEPARTMENTS: tuple[DeptSpec, ...] = (
    DeptSpec(
        "热线服务部",
        "呼叫中心经理",
        "热线管理组",
        (
            TeamSpec("热线管理组", staff=(("呼叫中心项目管理人员", 2),)),
            TeamSpec("热线{}组", "班长", (("话务员", 0.28, 4),), split=15),
            TeamSpec("综合坐席组", "班长", (("呼叫中心坐席", 0.06, 2),)),
            TeamSpec("电话专员组", "班长", (("电话专员", 0.04, 2),)),
            TeamSpec("OB外呼组", "班长", (("OB客服代表", 0.04, 2),)),
            TeamSpec("质检组", members=(("质检员", 0.03, 2),)),
        ),
    ),
    DeptSpec(
        "信用卡中心",  # a bank's card centre the division serves: a unit of its own
        None,
        None,
        (TeamSpec("信用卡专席组", "班长", (("信用卡中心客服", 0.03, 2),)),),
    ),
    DeptSpec(
        "证券呼叫中心",
        "客服部门(成熟期)",
        "证券管理组",
        (TeamSpec("证券坐席组", "客服主管", (("坐席", 0.05, 2), ("客服代表", 0.03, 2))),),
    ),
    DeptSpec(
        "电商客服部",
        "客服部门(上线期)",
        "电商管理组",
        (
            TeamSpec("电商一组", "客服管理岗", (("电商客服", 0.07, 2),)),
            TeamSpec("电商二组", "客服管理岗", (("电商销售客服", 0.05, 2),)),
        ),
    ),
    DeptSpec(
        "客户关系部",
        "客服部经理",
        "客户关系管理组",
        (
            TeamSpec("大客户一组", "电话经理", (("客户服务专员", 0.0125, 1),)),
            TeamSpec("大客户二组", "电话经理", (("客户服务专员", 0.0125, 1),)),
            TeamSpec("集团客户组", "客户经理", (("客户服务专员", 0.0125, 1),)),
            TeamSpec("个人客户组", "客户经理", (("客户服务专员", 0.0125, 1),)),
        ),
    ),
    DeptSpec(
        "综合客服部",
        "客服部门",
        "综合管理组",
        (
            TeamSpec("客服一组", "客服主管", (("基层客服", 0.03, 2), ("客服专员", 0.03, 2))),
            TeamSpec(
                "客服二组", "客服主管", (("客服人员(拟稿)", 0.02, 2), ("对客服务员工", 0.02, 2))
            ),
        ),
    ),
    DeptSpec(
        "物业客服中心",
        "客户服务中心",
        "中心办公室",
        (
            TeamSpec("中心办公室", staff=(("客户服务中心(汇总)", 1),)),
            TeamSpec("客服处", "客服处", (("物业客服员", 0.03, 2),)),
            TeamSpec("环境处", "环境处"),
            TeamSpec("安全处", "安全处"),
            TeamSpec("行政人资部", "行政人资部"),
            TeamSpec(
                "铁苑花园二期", members=(("物业客服员(扣分罚款制)", 0.02, 2),), reports_to="客服处"
            ),
        ),
    ),
    DeptSpec(
        "4S店客服部",
        None,
        None,
        (
            TeamSpec("销售顾问组", "客服主管", (("销售顾问", 0.03, 2),)),
            TeamSpec("服务顾问组", members=(("服务顾问", 0.02, 2),), reports_to="销售顾问组"),
            TeamSpec("维修车间", members=(("维修车间", 0.02, 3),), reports_to="销售顾问组"),
        ),
    ),
    DeptSpec("游戏客服部", None, None, (TeamSpec("GS组", "客服主管", (("游戏客服", 0.04, 2),)),)),
    DeptSpec(
        "快递客服部", None, None, (TeamSpec("快递客服组", "客服主管", (("快递客服", 0.03, 2),)),)
    ),
)

# 绩效工资基数 (元/月) by position: the pay-bands cards' 专员 300 / 主管级 500, the telecom
# 话务员's 管理考核绩效 600; other amounts are the demo's.
PAY_BASE = {
    "基层客服": 300,
    "客服主管": 500,
    "话务员": 600,
    "电商客服": 750,
    "电商销售客服": 750,
    "游戏客服": 300,
    "物业客服员": 500,
    "物业客服员(扣分罚款制)": 1000,
    "班长": 1000,
    "质检员": 900,
    "电话经理": 1200,
    "客户经理": 1200,
    "客服管理岗": 1500,
    "呼叫中心项目管理人员": 1500,
    "客服处": 1500,
    "环境处": 1500,
    "安全处": 1500,
    "行政人资部": 1500,
    "客户服务中心(汇总)": 1500,
    "呼叫中心经理": 3000,
    "客服部经理": 3000,
    DIVISION: 5000,
}
HEAD_PAY = 2500  # department heads without an entry above
STAFF_PAY = 800  # other front-line staff
TIERS = ("初级", "中级", "高级", "资深")  # 客服分级 by years of service
MANAGEMENT = {
    "呼叫中心经理",
    "客服部经理",
    "客服管理岗",
    "客服主管",
    "班长",
    "电话经理",
    "客户经理",
}
OFFICE_HOURS = {  # positions that work office hours on working days (the rest work the rota)
    DIVISION, "呼叫中心经理", "呼叫中心项目管理人员", "客服部经理", "客服部门", "客服部门(上线期)",
    "客服部门(成熟期)", "客户服务中心", "客户服务中心(汇总)", "客服处", "环境处", "安全处", "行政人资部",
    "电话经理", "客户经理", "客户服务专员", "电话专员", "销售顾问", "服务顾问", "维修车间", "客服管理岗",
    "班长", "客服主管", "质检员",
}  # fmt: skip
# Hotline desks whose 话务员 also sit a special desk (专席): 1 大客/商务领航/C网, 2 e家/宽带
SPECIAL_DESK_SHARE = {1: 0.2, 2: 0.15}


@dataclass
class Roster:
    ids: np.ndarray
    names: np.ndarray
    team: np.ndarray
    dept: np.ndarray
    position: np.ndarray
    supervisor: np.ndarray  # "" for none
    hired: np.ndarray  # datetime64[D]
    left: np.ndarray  # datetime64[D]; FAR when on the roster
    probation_end: np.ndarray  # datetime64[D] or NaT
    pay_base: np.ndarray
    tier: np.ndarray
    skill: np.ndarray  # a person's speed and quality, ~1
    special_desk: np.ndarray  # 0, 1 or 2
    heads: dict[str, int] = field(default_factory=dict)  # department -> head index

    def idx(self, *positions: str) -> np.ndarray:
        return np.nonzero(np.isin(self.position, positions))[0]

    def of_team(self, team: str) -> np.ndarray:
        return np.nonzero(self.team == team)[0]

    def reports(self, i: int) -> np.ndarray:
        return np.nonzero(self.supervisor == self.ids[i])[0]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class _Person:
    position: str
    team: str
    dept: str
    supervisor: int | None
    hired: date
    left: date | None = None
    probation_end: date | None = None


def _counts(agents: int, members: tuple[tuple[str, float, int], ...]) -> list[tuple[str, int]]:
    return [(pos, max(minimum, round(share * agents))) for pos, share, minimum in members]


def _team_names(spec: TeamSpec, n: int) -> list[str]:
    if not spec.split:
        return [spec.name]
    k = max(1, -(-n // spec.split))
    cn = "一二三四五六七八九十"
    return [spec.name.format(cn[i] if i < len(cn) else str(i + 1)) for i in range(k)]


class _Builder:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng("organisation")
        self.people: list[_Person] = []
        self.heads: dict[str, int] = {}

    def add(self, position: str, team: str, dept: str, supervisor: int | None, senior: bool) -> int:
        first = self.world.first
        back = int(self.rng.integers(900, 4000) if senior else self.rng.integers(90, 2200))
        self.people.append(_Person(position, team, dept, supervisor, first - timedelta(days=back)))
        return len(self.people) - 1

    def build(self) -> None:
        # the division head's office sits in its core department, whose figures the PBC reads
        division = self.add(DIVISION, "事业部办公室", DEPARTMENTS[0].name, None, True)
        for dept in DEPARTMENTS:
            head = division
            if dept.head:
                head = self.add(dept.head, dept.head_team or dept.name, dept.name, division, True)
                self.heads[dept.name] = head
            leaders: dict[str, int] = {}
            for spec in dept.teams:
                self.team(dept, spec, head, leaders)
        self.churn()

    def team(self, dept: DeptSpec, spec: TeamSpec, head: int, leaders: dict[str, int]) -> None:
        boss = head if spec.reports_to == "head" else leaders[spec.reports_to]
        counts = _counts(self.world.agents, spec.members)
        total = sum(n for _, n in counts)
        names = _team_names(spec, total)
        for t, name in enumerate(names):
            lead = boss
            if spec.leader:
                lead = self.add(spec.leader, name, dept.name, boss, True)
                leaders[spec.name] = lead
            for pos, n in spec.staff:
                for _ in range(n):
                    self.add(pos, name, dept.name, boss, True)
            for pos, n in counts:
                share = n // len(names) + (1 if t < n % len(names) else 0)
                for _ in range(share):
                    self.add(pos, name, dept.name, lead, False)

    def churn(self) -> None:
        """One leaver in the last month, two earlier leavers (when the range is long enough), and
        three recent joiners still on probation at the end of the range (extra people, so every
        position keeps its group)."""
        w, rng = self.world, self.rng
        last = w.months[-1]
        like = {p.position: (p.team, p.dept, p.supervisor) for p in self.people}

        def extra(position: str, hired: date, left: date | None, probation: date | None) -> None:
            team, dept, sup = like[position]
            self.people.append(_Person(position, team, dept, sup, hired, left, probation))

        senior = w.first - timedelta(days=int(rng.integers(200, 1500)))
        extra("话务员", senior, last.start + timedelta(days=int(rng.integers(8, 18))), None)
        span = (last.start - w.first).days  # earlier leavers leave before the last month
        if span > 30:
            extra("话务员", senior, w.first + timedelta(days=int(span * 0.45)), None)
            extra("电商客服", senior, w.first + timedelta(days=int(span * 0.7)), None)
        for pos in ("话务员", "基层客服", "电商客服"):
            hired = last.start - timedelta(days=int(rng.integers(20, 50)))
            extra(pos, hired, None, hired + timedelta(days=90))


def build_roster(world: World) -> Roster:
    b = _Builder(world)
    b.build()
    rng = b.rng
    people = b.people
    n = len(people)
    ids = np.array([f"E{i + 1:04d}" for i in range(n)])
    names = np.array([_name(rng) for _ in range(n)])
    hired = np.array([np.datetime64(p.hired) for p in people], dtype="datetime64[D]")
    left = np.array(
        [np.datetime64(p.left) if p.left else FAR for p in people], dtype="datetime64[D]"
    )
    prob = np.array(
        [
            np.datetime64(p.probation_end) if p.probation_end else np.datetime64("NaT")
            for p in people
        ],
        dtype="datetime64[D]",
    )
    position = np.array([p.position for p in people])
    years = (np.datetime64(world.end) - hired).astype(int) / 365.25
    tier = np.array(TIERS)[np.digitize(years, [0.75, 2.0, 4.0])]
    tier = np.where(np.isin(position, list(MANAGEMENT)), np.where(years > 4, "资深", "高级"), tier)
    heads = set(b.heads.values()) | {0}
    pay = np.array(
        [
            PAY_BASE.get(p.position, HEAD_PAY if i in heads else STAFF_PAY)
            for i, p in enumerate(people)
        ],
        dtype=float,
    )
    special = np.zeros(n, dtype=np.int64)
    ops = np.nonzero(position == "话务员")[0]
    order = rng.permutation(ops)
    k1 = max(1, round(len(ops) * SPECIAL_DESK_SHARE[1]))
    k2 = max(1, round(len(ops) * SPECIAL_DESK_SHARE[2]))
    special[order[:k1]] = 1
    special[order[k1 : k1 + k2]] = 2
    return Roster(
        ids=ids,
        names=names,
        team=np.array([p.team for p in people]),
        dept=np.array([p.dept for p in people]),
        position=position,
        supervisor=np.array(
            [ids[p.supervisor] if p.supervisor is not None else "" for p in people]
        ),
        hired=hired,
        left=left,
        probation_end=prob,
        pay_base=pay,
        tier=tier,
        skill=rng.normal(1.0, 0.1, size=n).clip(0.75, 1.3),
        special_desk=special,
        heads=dict(b.heads),
    )


def _name(rng: np.random.Generator) -> str:
    s = SURNAMES[rng.integers(len(SURNAMES))]
    return s + "".join(GIVEN[i] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))


def write_roster(world: World) -> Roster:
    r = build_roster(world)
    world.roster = r
    world.put(
        "employees",
        pa.table(
            {
                "id": strs(r.ids),
                "name": strs(r.names),
                "team": strs(r.team),
                "department": strs(r.dept),
                "position": strs(r.position),
                "supervisor": strs(r.supervisor, mask=r.supervisor == ""),
                "hired_at": days32(r.hired),
                "left_at": days32(np.where(r.left == FAR, np.datetime64("NaT"), r.left)),
                "pay_base": money(r.pay_base),
                "tier": strs(r.tier),
                "probation_end": days32(r.probation_end),
            }
        ),
    )
    return r
