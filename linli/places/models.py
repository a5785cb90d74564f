"""The community registry: district → street → committee → compound → building → flat.

Flats carry the exclusive area as registered (Decimal m²), which owners' votes under Civil
Code art. 278 weigh by; ``Ownership`` rows express co-owners of one flat and one owner of
several flats. Micro-spaces and facilities hang off the same hierarchy.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_id_number, validate_mobile, validate_no_script

LAT = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LNG = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]
UNIT_FRACTION = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class District(models.Model):
    name = models.CharField(
        gettext_lazy("区名"), max_length=50, unique=True, validators=[validate_no_script]
    )
    code = models.CharField(gettext_lazy("行政区划代码"), max_length=12, blank=True)
    area_km2 = models.DecimalField(
        gettext_lazy("面积（平方公里）"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = gettext_lazy("区")
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    class Kind(models.TextChoices):
        STREET = "street", gettext_lazy("街道")
        TOWN = "town", gettext_lazy("镇")

    district = models.ForeignKey(
        District,
        verbose_name=gettext_lazy("所属区"),
        on_delete=models.PROTECT,
        related_name="streets",
    )
    name = models.CharField(gettext_lazy("名称"), max_length=50, validators=[validate_no_script])
    kind = models.CharField(
        gettext_lazy("类型"), max_length=10, choices=Kind.choices, default=Kind.STREET
    )

    class Meta:
        verbose_name = gettext_lazy("街道/镇")
        verbose_name_plural = verbose_name
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="uniq_street_name")
        ]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    class Kind(models.TextChoices):
        RESIDENTS = "residents", gettext_lazy("居委会")
        VILLAGERS = "villagers", gettext_lazy("村委会")

    street = models.ForeignKey(
        Street,
        verbose_name=gettext_lazy("所属街道/镇"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    name = models.CharField(gettext_lazy("名称"), max_length=50, validators=[validate_no_script])
    kind = models.CharField(
        gettext_lazy("类型"), max_length=10, choices=Kind.choices, default=Kind.RESIDENTS
    )
    address = models.CharField(
        gettext_lazy("办公地址"), max_length=200, blank=True, validators=[validate_no_script]
    )
    phone = models.CharField(gettext_lazy("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = gettext_lazy("居委会/村委会")
        verbose_name_plural = verbose_name
        ordering = ["street_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="uniq_committee_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def committee(self) -> Committee:
        return self


class Compound(models.Model):
    committee = models.ForeignKey(
        Committee,
        verbose_name=gettext_lazy("所属居委会"),
        on_delete=models.PROTECT,
        related_name="compounds",
    )
    name = models.CharField(
        gettext_lazy("小区名称"), max_length=60, validators=[validate_no_script]
    )
    address = models.CharField(
        gettext_lazy("地址"), max_length=200, blank=True, validators=[validate_no_script]
    )
    built_year = models.PositiveSmallIntegerField(
        gettext_lazy("建成年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
    )
    lat = models.DecimalField(
        gettext_lazy("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT
    )
    lng = models.DecimalField(
        gettext_lazy("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG
    )
    site_plan = models.ImageField(gettext_lazy("小区总平面图"), upload_to="site_plans/", blank=True)

    class Meta:
        verbose_name = gettext_lazy("小区")
        verbose_name_plural = verbose_name
        ordering = ["committee_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="uniq_compound_name")
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(
        Compound,
        verbose_name=gettext_lazy("所属小区"),
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    number = models.CharField(gettext_lazy("楼号"), max_length=20, validators=[validate_no_script])
    floors = models.PositiveSmallIntegerField(
        gettext_lazy("层数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    built_year = models.PositiveSmallIntegerField(
        gettext_lazy("建成年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
    )
    has_elevator = models.BooleanField(gettext_lazy("有电梯"), default=False)
    lat = models.DecimalField(
        gettext_lazy("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT
    )
    lng = models.DecimalField(
        gettext_lazy("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG
    )

    class Meta:
        verbose_name = gettext_lazy("楼栋")
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="uniq_building_number")
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.number}" if self.compound_id else self.number


class Flat(models.Model):
    building = models.ForeignKey(
        Building,
        verbose_name=gettext_lazy("所属楼栋"),
        on_delete=models.PROTECT,
        related_name="flats",
    )
    unit = models.CharField(
        gettext_lazy("单元"), max_length=20, blank=True, default="", validators=[validate_no_script]
    )
    room = models.CharField(gettext_lazy("室号"), max_length=20, validators=[validate_no_script])
    floor = models.SmallIntegerField(
        gettext_lazy("楼层"), validators=[MinValueValidator(-5), MaxValueValidator(120)]
    )
    area = models.DecimalField(
        gettext_lazy("专有部分面积（㎡）"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("2000.00"))],
    )

    class Meta:
        verbose_name = gettext_lazy("户室")
        verbose_name_plural = verbose_name
        ordering = ["building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="uniq_flat_address"),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="flat_area_positive"),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit}" if self.unit else ""
        return f"{self.building.number}{unit}{self.room}室"

    def clean(self):
        if self.building_id and self.floor is not None and self.floor > self.building.floors:
            raise ValidationError(
                {
                    "floor": _("楼层 %(floor)s 超过楼栋总层数 %(floors)s")
                    % {"floor": self.floor, "floors": self.building.floors}
                }
            )


class Person(models.Model):
    """A natural person known to the registry: a resident, an owner, or both."""

    class Sex(models.TextChoices):
        MALE = "M", gettext_lazy("男")
        FEMALE = "F", gettext_lazy("女")
        UNKNOWN = "", gettext_lazy("未填写")

    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=[validate_no_script])
    sex = models.CharField(
        gettext_lazy("性别"), max_length=1, choices=Sex.choices, blank=True, default=""
    )
    birth_year = models.PositiveSmallIntegerField(
        gettext_lazy("出生年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    mobile = models.CharField(
        gettext_lazy("手机号"),
        max_length=11,
        blank=True,
        default="",
        validators=[validate_mobile],
        db_index=True,
    )
    id_number = models.CharField(
        gettext_lazy("身份证号"),
        max_length=18,
        blank=True,
        default="",
        validators=[validate_id_number],
    )
    is_organisation = models.BooleanField(gettext_lazy("单位（如建设单位）"), default=False)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=gettext_lazy("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = gettext_lazy("人员")
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def age(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year


class Ownership(models.Model):
    """One owner of one flat. Several rows per flat = co-owners; several flats per person too."""

    flat = models.ForeignKey(
        Flat, verbose_name=gettext_lazy("户室"), on_delete=models.CASCADE, related_name="ownerships"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=gettext_lazy("业主"),
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    share = models.DecimalField(
        gettext_lazy("份额"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=UNIT_FRACTION,
    )

    class Meta:
        verbose_name = gettext_lazy("产权人")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["flat", "person"], name="uniq_ownership")]

    def __str__(self) -> str:
        return f"{self.person} — {self.flat}"


class Household(models.Model):
    """Those who live in a flat (户). A flat normally has one household."""

    flat = models.ForeignKey(
        Flat, verbose_name=gettext_lazy("户室"), on_delete=models.CASCADE, related_name="households"
    )
    label = models.CharField(
        gettext_lazy("户名"), max_length=50, blank=True, validators=[validate_no_script]
    )
    is_tenant = models.BooleanField(gettext_lazy("租户"), default=False)

    class Meta:
        verbose_name = gettext_lazy("住户")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.label or f"{self.flat}住户"


class Residency(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", gettext_lazy("户主")
        SPOUSE = "spouse", gettext_lazy("配偶")
        CHILD = "child", gettext_lazy("子女")
        PARENT = "parent", gettext_lazy("父母")
        GRANDCHILD = "grandchild", gettext_lazy("孙辈")
        OTHER = "other", gettext_lazy("其他")

    household = models.ForeignKey(
        Household,
        verbose_name=gettext_lazy("住户"),
        on_delete=models.CASCADE,
        related_name="residencies",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=gettext_lazy("居民"),
        on_delete=models.PROTECT,
        related_name="residencies",
    )
    relation = models.CharField(
        gettext_lazy("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.OTHER
    )

    class Meta:
        verbose_name = gettext_lazy("居住关系")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="uniq_residency")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.household}"


class MicroSpace(models.Model):
    class Kind(models.TextChoices):
        STAIRWELL = "stairwell", gettext_lazy("楼道")
        STILT = "stilt", gettext_lazy("架空层")
        BIKE_GARAGE = "bike_garage", gettext_lazy("非机动车库")
        GARDEN = "garden", gettext_lazy("花园")
        PAVILION = "pavilion", gettext_lazy("凉亭")
        ACTIVITY_ROOM = "activity_room", gettext_lazy("活动室")
        GATEHOUSE = "gatehouse", gettext_lazy("门房间")
        WALL_ENTRANCE = "wall_entrance", gettext_lazy("景墙/门头")
        ELECTRIC_BOX = "electric_box", gettext_lazy("电箱")
        PHONE_BOOTH = "phone_booth", gettext_lazy("电话亭")
        GREEN_STRIP = "green_strip", gettext_lazy("绿化带")
        STREET_CORNER = "street_corner", gettext_lazy("街角")
        SQUARE = "square", gettext_lazy("广场")
        WALL = "wall", gettext_lazy("围墙")
        PET = "pet", gettext_lazy("宠物设施")
        SEATING = "seating", gettext_lazy("座椅")
        HOOKS = "hooks", gettext_lazy("晾晒挂钩")
        OTHER = "other", gettext_lazy("其他")

    class Condition(models.TextChoices):
        GOOD = "good", gettext_lazy("良好")
        FAIR = "fair", gettext_lazy("一般")
        POOR = "poor", gettext_lazy("较差")
        ABANDONED = "abandoned", gettext_lazy("闲置/废弃")

    compound = models.ForeignKey(
        Compound,
        verbose_name=gettext_lazy("所属小区"),
        on_delete=models.PROTECT,
        related_name="microspaces",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=gettext_lazy("所属楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="microspaces",
    )
    name = models.CharField(gettext_lazy("名称"), max_length=60, validators=[validate_no_script])
    kind = models.CharField(gettext_lazy("类型"), max_length=20, choices=Kind.choices)
    lat = models.DecimalField(
        gettext_lazy("纬度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LAT,
    )
    lng = models.DecimalField(
        gettext_lazy("经度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LNG,
    )
    plan_x = models.DecimalField(
        gettext_lazy("总平面图横坐标（0-1）"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=UNIT_FRACTION,
    )
    plan_y = models.DecimalField(
        gettext_lazy("总平面图纵坐标（0-1）"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=UNIT_FRACTION,
    )
    rights_holder = models.CharField(
        gettext_lazy("产权人"), max_length=100, blank=True, validators=[validate_no_script]
    )
    condition = models.CharField(
        gettext_lazy("现状"), max_length=12, choices=Condition.choices, default=Condition.FAIR
    )
    area_m2 = models.DecimalField(
        gettext_lazy("面积（㎡）"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.TextField(
        gettext_lazy("描述"), blank=True, max_length=2000, validators=[validate_no_script]
    )

    class Meta:
        verbose_name = gettext_lazy("小微空间")
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "name"]

    def __str__(self) -> str:
        return self.name


class MicroSpacePhoto(models.Model):
    microspace = models.ForeignKey(
        MicroSpace,
        verbose_name=gettext_lazy("小微空间"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(gettext_lazy("照片"), upload_to="microspaces/")
    caption = models.CharField(
        gettext_lazy("说明"), max_length=100, blank=True, validators=[validate_no_script]
    )
    taken_at = models.DateField(gettext_lazy("拍摄日期"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("小微空间照片")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.caption or _("%(microspace)s 照片") % {"microspace": self.microspace}


class Facility(models.Model):
    """Public facilities, for the 15-minute life-circle analysis."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", gettext_lazy("邻里中心/社区服务中心")
        ELDERLY_CARE = "elderly_care", gettext_lazy("养老服务设施")
        ELDERLY_CANTEEN = "elderly_canteen", gettext_lazy("长者食堂")
        CLINIC = "clinic", gettext_lazy("社区卫生服务站")
        KINDERGARTEN = "kindergarten", gettext_lazy("幼儿园")
        PRIMARY_SCHOOL = "primary_school", gettext_lazy("小学")
        MARKET = "market", gettext_lazy("菜市场")
        BUS_STOP = "bus_stop", gettext_lazy("公交站")
        METRO = "metro", gettext_lazy("地铁站")
        PARK = "park", gettext_lazy("公园/绿地")
        SPORTS = "sports", gettext_lazy("健身场地")
        CULTURE = "culture", gettext_lazy("文化活动室")
        OTHER = "other", gettext_lazy("其他")

    street = models.ForeignKey(
        Street,
        verbose_name=gettext_lazy("所属街道"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=gettext_lazy("所属居委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=24, choices=Kind.choices)
    name = models.CharField(gettext_lazy("名称"), max_length=80, validators=[validate_no_script])
    address = models.CharField(
        gettext_lazy("地址"), max_length=200, blank=True, validators=[validate_no_script]
    )
    lat = models.DecimalField(
        gettext_lazy("纬度（WGS-84）"), max_digits=9, decimal_places=6, validators=LAT
    )
    lng = models.DecimalField(
        gettext_lazy("经度（WGS-84）"), max_digits=9, decimal_places=6, validators=LNG
    )

    class Meta:
        verbose_name = gettext_lazy("公共设施")
        verbose_name_plural = verbose_name
        ordering = ["street_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


from linli.places.roster_models import RosterImport  # noqa: E402,F401
