"""Forms of the implementation pages. Amounts are typed in yuan and cleaned to integer fen."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from linli.core.errors import ServiceError
from linli.core.money import fen_to_yuan, yuan_to_fen
from linli.implementation.models import (
    Arrangement,
    GroupRole,
    Procurement,
    Shift,
    SignParty,
    TeamKind,
)

DATE = forms.DateInput(attrs={"type": "date"})


class YuanField(forms.CharField):
    """Yuan as typed ("4,000.50"), cleaned to integer fen."""

    def __init__(self, *args, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return yuan_to_fen(value, allow_negative=self.allow_negative)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from exc


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, list | tuple):
            data = [data]
        return [super(PhotosField, self).clean(d, initial) for d in data]


class UserByMobileField(forms.CharField):
    """A registered user picked by mobile number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        user = get_user_model().objects.filter(mobile=value, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有使用该手机号登记的用户"))
        return user


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=80)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    builds = forms.BooleanField(label=_("具备建造资质"), required=False)
    manages = forms.BooleanField(label=_("具备管理（运营）资质"), required=False)
    qualification = forms.CharField(label=_("资质说明"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系人及电话"), max_length=60, required=False)


class ProcurementForm(forms.Form):
    title = forms.CharField(label=_("采购事项"), max_length=80)
    method = forms.ChoiceField(label=_("采购方式"), choices=Procurement.Method.choices)
    budget_fen = YuanField(label=_("预算（元）"))


class QuoteForm(forms.Form):
    company = forms.ModelChoiceField(label=_("报价企业"), queryset=None, empty_label=None)
    amount_fen = YuanField(label=_("报价（元）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, procurement, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.implementation.models import QualifiedCompany

        self.fields["company"].queryset = QualifiedCompany.objects.filter(
            street_id=procurement.project.committee.street_id, active=True
        )


class DecideForm(forms.Form):
    quote = forms.ModelChoiceField(label=_("中选报价"), queryset=None, empty_label=None)
    reason = forms.CharField(
        label=_("确定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting = forms.ModelChoiceField(label=_("批准的会议"), queryset=None, required=False)
    vote = forms.ModelChoiceField(label=_("批准的表决"), queryset=None, required=False)

    def __init__(self, *args, procurement, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.deliberation.models import Meeting
        from linli.voting.models import Vote

        self.fields["quote"].queryset = procurement.quotes.select_related("company")
        self.fields["meeting"].queryset = Meeting.objects.filter(project=procurement.project)
        self.fields["vote"].queryset = Vote.objects.filter(project=procurement.project)


class ContractForm(forms.Form):
    procurement = forms.ModelChoiceField(
        label=_("对应的采购（可选）"), queryset=None, required=False
    )
    title = forms.CharField(label=_("合同名称"), max_length=80)
    party = forms.CharField(
        label=_("合同相对方"), max_length=80, required=False, help_text=_("选了采购时可不填")
    )
    amount_fen = YuanField(label=_("合同金额（元）"), required=False)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procurement"].queryset = Procurement.objects.filter(
            project=project, status="decided", contract__isnull=True
        )


class InstalmentForm(forms.Form):
    label = forms.CharField(label=_("款项"), max_length=40)
    due_on = forms.DateField(label=_("计划支付日期"), widget=DATE)
    amount_fen = YuanField(label=_("金额（元）"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("合同文本或附件（PDF或图片）"))


class ChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("变更原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    delta_fen = YuanField(label=_("金额变化（元，减少填负数）"), allow_negative=True)


class ChangeDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批"),
        choices=(("1", _("批准")), ("0", _("不批准"))),
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False)


class PaymentForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("支出凭证"), queryset=None, empty_label=None)
    instalment = forms.ModelChoiceField(label=_("对应的付款计划"), queryset=None, required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.implementation.selectors import payable_entries

        self.fields["entry"].queryset = payable_entries(contract.project)
        self.fields["entry"].label_from_instance = lambda e: (
            f"{e.number} {e.memo}（{e.status_label}）"
        )
        self.fields["instalment"].queryset = contract.instalments.all()
        self.fields["instalment"].label_from_instance = lambda i: (
            _("%(label)s %(due_on)s %(fen_to_yuan)s元")
            % {
                "label": i.label,
                "due_on": format(i.due_on, "%Y-%m-%d"),
                "fen_to_yuan": fen_to_yuan(i.amount_fen),
            }
        )


class GroupMemberForm(forms.Form):
    user = UserByMobileField(label=_("成员手机号"))
    role = forms.ChoiceField(label=_("工作组职责"), choices=GroupRole.choices)
    note = forms.CharField(label=_("说明（单位、职务）"), max_length=100, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点名称"), max_length=60)
    planned_start = forms.DateField(label=_("计划开始"), widget=DATE)
    planned_end = forms.DateField(label=_("计划完成"), widget=DATE)


class ProgressForm(forms.Form):
    actual_start = forms.DateField(label=_("实际开始"), widget=DATE, required=False)
    actual_end = forms.DateField(label=_("实际完成"), widget=DATE, required=False)


class SiteLogForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    work_done = forms.CharField(
        label=_("施工内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    issues = forms.CharField(
        label=_("发现的问题"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = PhotosField(label=_("现场照片（最多6张，自动去除位置信息）"))


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("您的意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    reviewer = forms.CharField(label=_("评审人"), max_length=40)
    organisation = forms.CharField(label=_("评审单位"), max_length=80)
    date = forms.DateField(label=_("评审日期"), widget=DATE)
    items_checked = forms.CharField(
        label=_("检查项目"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.CharField(
        label=_("评审结论"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = PhotosField(label=_("照片"))


class DefectForm(forms.Form):
    description = forms.CharField(label=_("问题"), max_length=200)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)


class DefectCloseForm(forms.Form):
    note = forms.CharField(label=_("整改说明"), max_length=500)


class SignoffForm(forms.Form):
    party = forms.ChoiceField(label=_("签署方"), choices=SignParty.choices)
    opinion = forms.CharField(label=_("验收意见"), max_length=500)


class WalkForm(forms.Form):
    date = forms.DateField(label=_("踏勘日期"), widget=DATE)
    participants = forms.IntegerField(label=_("参加居民人数"), min_value=1, max_value=10000)
    opinions = forms.CharField(
        label=_("居民意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfied = forms.BooleanField(label=_("居民认可"), required=False, initial=True)


class ArrangementForm(forms.Form):
    kind = forms.ChoiceField(label=_("运维方式"), choices=Arrangement.Kind.choices)
    keeper = forms.CharField(label=_("运维责任方"), max_length=80, required=False)
    team = forms.ModelChoiceField(label=_("志愿团队"), queryset=None, required=False)
    money = forms.CharField(
        label=_("运维资金（BOT收入、维修资金、自治金等）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    since = forms.DateField(label=_("开始日期"), widget=DATE, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.implementation.models import VolunteerTeam

        self.fields["team"].queryset = VolunteerTeam.objects.filter(
            committee_id=project.committee_id
        )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("团队名称"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=TeamKind.choices)


class TeamMemberForm(forms.Form):
    user = UserByMobileField(label=_("队员手机号"))
    is_leader = forms.BooleanField(label=_("队长"), required=False)


class RotaForm(forms.Form):
    member = forms.ModelChoiceField(label=_("队员"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("日期"), widget=DATE)
    shift = forms.ChoiceField(label=_("班次"), choices=Shift.choices)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = team.members.select_related("user")
        self.fields["member"].label_from_instance = lambda m: m.user.name


class SiteForm(forms.Form):
    team = forms.ModelChoiceField(label=_("巡查团队"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("巡查点"), max_length=40)
    checklist = forms.CharField(
        label=_("检查项目（每行一项）"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.implementation.models import VolunteerTeam

        self.fields["team"].queryset = VolunteerTeam.objects.filter(
            committee_id=project.committee_id
        )


class PatrolForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("检查项目"), required=False, widget=forms.CheckboxSelectMultiple
    )
    problem = forms.CharField(
        label=_("发现的问题（没有可不填）"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    photo = forms.FileField(
        label=_("照片"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )  # fmt: skip

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(i, i) for i in site.items]


class AdoptionForm(forms.Form):
    plot = forms.CharField(label=_("认养对象（地块或设施）"), max_length=40)
    household = forms.ModelChoiceField(
        label=_("认养家庭（居委会代为登记时选择）"), queryset=None, required=False
    )
    team = forms.ModelChoiceField(label=_("所属团队"), queryset=None, required=False)

    def __init__(self, *args, project, manages, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.implementation.models import VolunteerTeam
        from linli.places.models import Household

        if manages:
            self.fields["household"].queryset = Household.objects.filter(
                flat__building__compound__committee_id=project.committee_id
            ).select_related("flat__building")
            self.fields["household"].label_from_instance = lambda h: (
                f"{h.flat.building.number}{h.flat.room} {h.label}"
            )
        else:
            self.fields["household"].queryset = Household.objects.none()
            self.fields["household"].widget = forms.HiddenInput()
        self.fields["team"].queryset = VolunteerTeam.objects.filter(
            committee_id=project.committee_id
        )


class TicketForm(forms.Form):
    place = forms.CharField(label=_("位置"), max_length=60)
    description = forms.CharField(
        label=_("问题描述"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("照片"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )  # fmt: skip
    plan_x = forms.DecimalField(
        label=_("平面图位置X（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    plan_y = forms.DecimalField(
        label=_("平面图位置Y（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )


class TicketNoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500)


class RouteForm(forms.Form):
    route = forms.ChoiceField(
        label=_("处理方"),
        choices=(("property", _("物业服务企业")), ("committee", _("居委会"))),
    )
