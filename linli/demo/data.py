"""Fixed data for the demo district: streets, name pools, the six seed cases, demo logins.

Counts follow the seeds (000/001): Yangpu has 12 streets, 291–302 neighbourhood committees
and 1.24–1.32 M residents on 60.61 km². Street names are Yangpu's real ones; committee and
compound names are invented except those of the six cases the seeds describe.
"""

from __future__ import annotations

DISTRICT_NAME = "杨浦区"
DISTRICT_CODE = "310110"
DISTRICT_AREA_KM2 = "60.61"
SEED_RESIDENTS = 1_240_000  # 000: 常住人口124万
REF_YEAR = 2026  # ages are computed against this year so the build is deterministic

# Bounding box the demo keeps every coordinate in (WGS-84).
LAT_MIN, LAT_MAX = 31.26, 31.33
LNG_MIN, LNG_MAX = 121.50, 121.56

# name, committee count, centre (lat, lng), road names used for committees and facilities.
# The committee counts add up to 291 (000: 291个居委会).
STREETS: list[tuple[str, int, tuple[float, float], list[str]]] = [
    (
        "定海路街道",
        22,
        (31.2700, 121.5500),
        ["定海", "隆昌", "杨树浦", "军工", "双阳", "内江", "凉城", "营口"],
    ),
    (
        "平凉路街道",
        22,
        (31.2640, 121.5230),
        ["平凉", "眉州", "荆州", "兰州", "景星", "惠民", "怀德", "临青"],
    ),
    (
        "江浦路街道",
        20,
        (31.2680, 121.5130),
        ["江浦", "辽源", "齐齐哈尔", "龙江", "许昌", "昆明", "宁武", "松潘"],
    ),
    (
        "四平路街道",
        26,
        (31.2820, 121.5080),
        ["抚顺", "鞍山", "四平", "阜新", "大连", "铁岭", "本溪", "锦州"],
    ),
    (
        "控江路街道",
        25,
        (31.2790, 121.5270),
        ["控江", "凤城", "靖宇", "双辽", "内江", "延吉", "杭州", "黄兴"],
    ),
    (
        "长白新村街道",
        20,
        (31.2860, 121.5450),
        ["长白", "延吉东", "安图", "松花江", "敦化", "靖宇东", "白城", "图们"],
    ),
    (
        "延吉新村街道",
        23,
        (31.2880, 121.5350),
        ["延吉", "靖宇", "控江东", "包头", "双阳北", "辽阳", "吉林", "安波"],
    ),
    (
        "殷行街道",
        40,
        (31.3150, 121.5250),
        ["市光", "开鲁", "民星", "工农", "国和", "闸殷", "嫩江", "殷行", "包头北", "中原"],
    ),
    (
        "大桥街道",
        27,
        (31.2660, 121.5360),
        ["幸福", "长阳", "许昌", "杨树浦", "通北", "腾越", "周家牌", "齐齐哈尔东"],
    ),
    (
        "五角场街道",
        30,
        (31.3000, 121.5100),
        ["铁路", "国定", "政民", "政通", "民府", "翔殷", "淞沪", "邯郸"],
    ),
    ("新江湾城街道", 13, (31.3250, 121.5050), ["新江湾", "殷高", "国帆", "政立", "淞沪北", "江湾"]),
    (
        "长海路街道",
        23,
        (31.3050, 121.5250),
        ["长海", "国和", "黄兴", "民京", "政悦", "营口北", "佳木斯", "国权"],
    ),
]

COMMITTEE_SUFFIXES = ["新村", "一村", "二村", "三村", "四村", "五村", "六村", "小区", "苑", "坊"]
ORDINALS = ["第一", "第二", "第三", "第四", "第五"]
COMPOUND_SUFFIXES = ["新村", "小区", "苑", "公寓", "花园", "坊", "大楼", "佳苑"]

DETAILED_STREET = "四平路街道"

# The six seed cases. Each is a compound in a named committee of a named street, built
# in detail at every scale; "design" drives buildings and micro-spaces.
CASES: list[dict] = [
    {
        "key": "tielu",
        "street": "五角场街道",
        "committee": "铁路新村居委会",
        "compound": "铁路新村",
        "address": "国定支路铁路新村",
        "built_year": 1978,
        "era": "1970s",
        "seed": "000",
    },
    {
        "key": "anshun",
        "street": "四平路街道",
        "committee": "抚顺路363弄居委会",
        "compound": "安顺苑",
        "address": "抚顺路363弄",
        "built_year": 1996,
        "era": "1990s",
        "seed": "000",
    },
    {
        "key": "shiguang",
        "street": "殷行街道",
        "committee": "市光四村第三居委会",
        "compound": "市光四村",
        "address": "市光路市光四村",
        "built_year": 1987,
        "era": "1980s",
        "seed": "000/001",
    },
    {
        "key": "mingfeng",
        "street": "大桥街道",
        "committee": "幸福村居委会",
        "compound": "明丰苑",
        "address": "长阳路明丰苑",
        "built_year": 1994,
        "era": "1990s",
        "seed": "000",
    },
    {
        "key": "liaoyuan",
        "street": "江浦路街道",
        "committee": "辽源花苑居委会",
        "compound": "辽源花苑",
        "address": "辽源西路辽源花苑",
        "built_year": 1998,
        "era": "1990s",
        "seed": "000/004",
    },
    {
        "key": "anshan",
        "street": "四平路街道",
        "committee": "鞍山四村第一居委会",
        "compound": "鞍山四村",
        "address": "鞍山路鞍山四村",
        "built_year": 1958,
        "era": "1950s",
        "seed": "000",
    },
]

# Surnames roughly by frequency; given-name characters by sex.
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈沈沈姚卢姜崔钟谭陆陆汪范金金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾顾毛郝龚邵万钱钱严覃武戴莫孔向汤"
)
MALE_CHARS = "国建伟明军华平强志勇杰涛斌磊超刚海波辉德福根宝林荣兴鹏浩宇俊峰文庆生龙祥昌元正"
FEMALE_CHARS = "秀英华玉兰珍芳丽娟敏静燕红霞凤琴美萍雪梅莉婷慧娜晶佳琳颖倩雯洁怡欣妹娣宝芬"

DEVELOPER_NAMES = [
    "上海杨浦城建置业有限公司",
    "上海新江湾房地产开发有限公司",
    "上海五角场置业发展有限公司",
    "上海东外滩房地产开发有限公司",
]

PROPERTY_COMPANIES = [
    "上海杨浦物业管理有限公司",
    "上海东方怡居物业服务有限公司",
    "上海市光物业有限公司",
]

DEMO_PASSWORD = "linli2026"
