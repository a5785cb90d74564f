"""The demo projects, modelled on the seeds' cases (000, 001, 004), with their timelines.

Each project is created and moved through the six-step loop by the committee's demo staff
account, through the project services (so every step is audited). ``steps`` are applied in
order: ``("note", text)`` adds a timeline note, ``("stage", stage, text)`` moves the project
one stage with a note. The dates live in the note text: services stamp events with the
time the demo is built. ``kind``, ``origin`` and ``owners_rights`` are the project's record
of what it is, where it came from and which body decides it (linli/process: an owners' joint
decision where owners' rights are involved, otherwise a residents' (representatives') meeting).
"""

from __future__ import annotations

PROJECTS: list[dict] = [
    {
        "case": "tielu",
        "title": "铁路新村中心花园改造",
        "kind": "garden",
        "origin": "committee",
        "owners_rights": "none",
        # source: /work/shared/seeds 000
        "summary": "铁路新村建于上世纪七八十年代，是上海铁路局职工住宅区。小区中心花园设施老旧、"
        "场地功能单一、绿植缺乏层次。同济大学刘悦来老师实地考察、听取意见，与街道合作动员居民"
        "提意见，半年多形成最终设计方案并实施，居民一致好评。",
        "microspaces": ["中心花园"],
        "buildings": [],
        "target": "acceptance",
        # funding plan (yuan), set up through linli.funding before leaving 筹资
        "funding": {
            "items": [("中心花园改造工程", 320_000), ("设计与规划师跟进", 30_000)],
            "sources": [("government", "五角场街道微更新专项资金", 350_000)],
        },
        "steps": [
            (
                "note",
                "2017年3月 居民议事会：不少老人反映中心花园设施老旧、场地功能单一、绿植缺乏层次；"
                "有老人说“经常带小孙子来这里，如果能够开辟出一块儿童玩耍区域就更好了”。",
            ),
            (
                "stage",
                "diagnosis",
                "2017年4月 居委会请教同济大学建筑与城市规划学院刘悦来老师；"
                "刘老师实地考察、听取意见，分析居民年龄结构和场地现状。",
            ),
            (
                "note",
                "2017年5月 规划师形成初步设计方案：保留铁路记忆元素，增设儿童游戏区、休憩座椅和分层绿化。",
            ),
            (
                "stage",
                "decision",
                "2017年6月 与街道合作广泛动员居民对方案提意见，之后半年多时间多轮修改。",
            ),
            ("note", "2017年12月 最终设计方案经居民代表会议通过，线上线下公示7天，无异议。"),
            ("stage", "funding", "2018年1月 改造资金由街道微更新专项资金列支。"),
            (
                "stage",
                "implementation",
                "2018年3月 施工单位进场，规划师全程跟进，居民志愿者参与监督。",
            ),
            ("stage", "acceptance", "2018年6月 竣工验收；花友志愿者认养绿地，负责日常养护。"),
            # The seed goes on: 2018年9月 居民评议会一致好评, 2018年10月 项目完成. The demo
            # stops at 验收与运维: 评议 and 完成 need an evaluation and an audit on record
            # (linli/evaluation guards), which the demo builds for 市光四村 only.
        ],
    },
    {
        "case": "anshun",
        "title": "安顺苑5号楼底楼架空层“睦邻客厅”改造",
        "kind": "living_room",
        "origin": "committee",
        "owners_rights": "change_of_use",
        # source: /work/shared/seeds 000
        "summary": "四平路街道抚顺路363弄居民区安顺苑小区，把脏乱的底楼架空层改造成整洁敞亮的睦邻客厅，"
        "形成“杠杆撬动”工作法：居民和街道1:1出资，5号楼每户出资4000元，共筹得改造资金9.6万元。",
        "microspaces": ["5号楼底层架空层"],
        "buildings": ["5号楼"],
        "target": "implementation",
        "funding": {
            "items": [("底楼架空层睦邻客厅改造", 96_000)],
            "sources": [
                ("residents", "5号楼12户居民自筹（每户4000元）", 48_000),
                ("government", "四平路街道配套资金（与居民1:1）", 48_000),
            ],
        },
        "steps": [
            (
                "note",
                "2019年4月 楼组会议：5号楼底楼架空层长期堆物、脏乱，居民提出改造成大家的“客厅”。",
            ),
            (
                "stage",
                "diagnosis",
                "2019年5月 自治小组缺乏专业知识和软件技巧，设计不出满意的效果图；组长求助居民区党组织，"
                "街道邀请同济大学创意设计学院和景观设计学院的老师出谋划策。",
            ),
            ("note", "2019年6月 老师们设计出多套效果图，张贴在楼道，供居民选择。"),
            (
                "stage",
                "decision",
                "2019年7月 楼组会议和小区民主协商会议讨论，居民选定方案；多次协商形成楼组改造公约。",
            ),
            (
                "stage",
                "funding",
                "2019年8月 居民和街道1:1出资：5号楼12户每户出资4000元，共4.8万元；街道配套4.8万元；合计9.6万元。",
            ),
            (
                "note",
                "2019年8月 经楼组会议协商，5号楼每户家庭出1人，组建12人的楼道自治管理小组，"
                "设组长、副组长、财务会计、出纳以及监事各一名。",
            ),
            (
                "stage",
                "implementation",
                "2019年9月 资金到位，施工开始；楼道自治管理小组负责现场监督，账目按月公开。",
            ),
        ],
    },
    {
        "case": "shiguang",
        "title": "市光四村智能非机动车库BOT改造",
        "kind": "garage",
        "origin": "committee",
        "owners_rights": "change_of_use",
        # source: /work/shared/seeds 000、001
        "summary": "殷行街道市光四村第三居民区原非机动车库乱停车、乱充电、有人看但无人管。在社区规划师建议下"
        "引入第三方企业，以BOT（建设-经营-转让）模式建设智能车库：前5年企业收费回本，后5年与业委会分成，"
        "10年后充电设备归全体业主。",
        "microspaces": ["非机动车库"],
        "buildings": [],
        "target": "done",
        "funding": {
            "items": [("智能非机动车库改造（含充电设备）", 600_000)],
            "sources": [
                ("enterprise", "智能车库运营企业（BOT带资建设）", 450_000),
                ("guidance", "殷行街道引导资金（项目费用的20%）", 120_000, 20),
                ("foundation", "社区基金会资助", 20_000),
                ("residents", "居民自筹", 10_000),
            ],
        },
        "steps": [
            (
                "note",
                "2018年3月 居民议事会上，部分居民提出改造非机动车库：乱停车、乱充电、有人看但无人管，存在严重安全隐患。",
            ),
            (
                "stage",
                "diagnosis",
                "2018年4月 社区规划师建议引入第三方企业共同改造；街道组织部分业委会成员、"
                "居民代表参观静安区临汾路街道的示范车库。",
            ),
            (
                "stage",
                "decision",
                "2018年6月 居民区联席会议、业主代表会议反复协商：物业企业安置车库管理员；"
                "辖区企业以“大米换僵尸车”清理僵尸车；业主代表大会协商制订车库改造方案，规划师进一步完善，确定采用BOT模式。",
            ),
            (
                "note",
                "2018年7月 BOT合同要点：企业负责建设和运营，前5年收取停车费和充电费收回成本；后5年企业和业委会"
                "按合同分配利润，业委会所获利润委托物业公司管理，用于车库日常维护；10年后智能充电设备所有权归全体业主，"
                "企业同等条件下享有维修维护优先权。",
            ),
            (
                "stage",
                "funding",
                "2018年8月 社区基金会资助、居民自筹、企业投入；街道提供具备建造和管理资质的企业名单，"
                "并以项目所需资金的15%~20%作为引导资金。",
            ),
            ("stage", "implementation", "2018年10月 企业带资进场建设智能车库，规划师跟进施工。"),
            (
                "stage",
                "acceptance",
                "2019年1月 车库建成验收；居民微信群征名为“睦邻车库”，制定居民停车公约；"
                "志愿者组建“车库巡保队”，每天定时巡逻和保洁，据实填写巡查记录。",
            ),
            ("note", "2019年3月 车库巡保队本月巡查记录62条，发现问题3处，均已反馈物业公司处理。"),
        ],
    },
    {
        "case": "mingfeng",
        "title": "明丰苑睦邻花园“馨丽园”改造",
        "kind": "garden",
        "origin": "committee",
        "owners_rights": "none",
        # source: /work/shared/seeds 000
        "summary": "大桥街道幸福村居民区明丰苑小区内一处废弃近20年、约300平方米的花园，改造为百草丰茂的睦邻花园。"
        "费用从小区公共收益中支出，方案在居民听证会上全票通过，居民动手粉刷凉亭、种植花草，1个月完成。",
        "microspaces": ["废旧花园", "花园凉亭"],
        "buildings": [],
        "target": "evaluation",
        "funding": {
            "items": [("废旧花园改造（材料与苗木）", 30_000)],
            "sources": [("property_owner", "明丰苑小区公共收益（全体业主）", 30_000)],
        },
        "steps": [
            (
                "note",
                "2019年6月 小区内约300平方米的花园废弃近20年，杂草丛生，一到夏天“蚊满为患”，居民迫切希望改造。",
            ),
            (
                "stage",
                "diagnosis",
                "2019年7月 居民区党组织多次召集居委会、业委会、物业公司以及居民代表协调议事；社区规划师现场踏勘。",
            ),
            (
                "stage",
                "decision",
                "2019年8月 综合居民和社区规划师的意见制订睦邻花园改造方案，在居民听证会上一次性全票通过。",
            ),
            ("stage", "funding", "2019年8月 经协商，改造费用从小区公共收益中支出。"),
            (
                "stage",
                "implementation",
                "2019年9月 居民动手参与凉亭粉刷、花草种植，规划师多次现场指导；经过1个月，花园旧貌换新颜。",
            ),
            (
                "stage",
                "acceptance",
                "2019年10月 微信群征名投票：凉亭命名为“聚合亭”，花园命名为“馨丽园”；"
                "爱好盆景绿化的居民组建绿缘花友会，认建认养绿化带。",
            ),
            (
                "stage",
                "evaluation",
                "2019年12月 居民评议会；总结“楼组议事亭—小区议事园—三委议事厅”三级议事平台经验。",
            ),
        ],
    },
    {
        "case": "liaoyuan",
        "title": "辽源花苑党建微花园“一脉三园”",
        "kind": "garden",
        "origin": "committee",
        "owners_rights": "none",
        # source: /work/shared/seeds 000、004
        "summary": "江浦路街道辽源花苑改造项目中，社区规划师实施“三下三上”工作法，让居民打消改造的担心和疑虑，"
        "建成人人称道的“一脉三园”。",
        "microspaces": ["中轴绿化带", "东侧闲置绿地"],
        "buildings": [],
        "target": "decision",
        "steps": [
            (
                "note",
                "2022年3月 “15分钟社区生活圈”居民座谈会上，居民提出把小区中轴绿带和三处闲置绿地改造为微花园。",
            ),
            (
                "stage",
                "diagnosis",
                "2022年4月 社区规划师所在党支部助力党建微花园建设：现场踏勘，分析人口结构与空间资源，挖掘种植达人。",
            ),
            (
                "stage",
                "decision",
                "2022年5月 “三下三上”第一轮：初步方案下到楼组征求意见，居民担心遮挡采光、滋生蚊虫。",
            ),
            (
                "note",
                "2022年6月 第二轮：调整乔木位置、改用低矮灌木和香草后再次征询，多数居民表示支持。",
            ),
            (
                "note",
                "2022年7月 第三轮：“一脉三园”方案（一条景观步道串起三座主题花园）提交居民代表会议，拟线上线下公示7天。",
            ),
        ],
    },
    {
        "case": "anshan",
        "title": "鞍山四村“百草园”",
        "kind": "garden",
        "origin": "committee",
        "owners_rights": "none",
        # source: /work/shared/seeds 000
        "summary": "鞍山四村利用宅间闲置绿地建设“百草园”；社区规划师策划“小小景观设计师”活动，"
        "让小朋友们也有了表达诉求和参与建设的机会。",
        "microspaces": ["宅间闲置绿地"],
        "buildings": [],
        "target": "diagnosis",
        "steps": [
            (
                "note",
                "2023年4月 议题征询会：居民提出利用宅间闲置绿地种植中草药和花草，建设“百草园”。",
            ),
            (
                "stage",
                "diagnosis",
                "2023年5月 社区规划师策划“小小景观设计师”活动，小朋友们画出心中的百草园。",
            ),
            ("note", "2023年6月 规划师整理居民和孩子们的想法，正在准备多稿设计方案。"),
        ],
    },
    {
        "case": "mingfeng",
        "title": "明丰苑6号楼加装电梯",
        "kind": "elevator",
        "origin": "committee",
        "owners_rights": "common_parts",
        # source: /work/shared/seeds 000
        "summary": "6号楼居民先在楼组召开会议，确定大部分居民有加装意向后在整个小区征询；在居委会、业委会帮助下"
        "成立加装电梯工作小组，明确各家各户费用分摊标准。",
        "microspaces": [],
        "buildings": ["6号楼"],
        "target": "funding",
        "steps": [
            ("note", "2020年5月 6号楼楼组会议：大部分居民有加装电梯意向。"),
            (
                "stage",
                "diagnosis",
                "2020年6月 在整个小区进行征询；规划师评估井道位置、消防通道和对底层住户的影响。",
            ),
            ("stage", "decision", "2020年8月 在居委会、业委会帮助下，6号楼成立加装电梯工作小组。"),
            (
                "stage",
                "funding",
                "2020年10月 明确各家各户费用分摊标准：按楼层系数分摊，底层少出或不出。",
            ),
        ],
    },
    {
        "case": "anshun",
        "title": "安顺苑楼道“零堆物”微整治",
        "kind": "corridor",
        "origin": "committee",
        "owners_rights": "none",
        "summary": "居民通过社区云“居社互动”反映楼道堆物影响消防安全，居委会正在征集各楼组意见。",
        "microspaces": ["3号楼楼道"],
        "buildings": ["3号楼"],
        "target": "needs",
        "steps": [
            (
                "note",
                "2024年3月 社区云“居社互动”收到12条关于楼道堆物的反映，居委会安排楼组长走访。",
            ),
        ],
    },
]
