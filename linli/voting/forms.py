"""Forms of the vote pages (parsing only; the rules live in the services)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.places.models import Building, Compound
from linli.places.ordering import natural_places
from linli.voting.models import Vote

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VoteCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=gettext_lazy("居委会"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=gettext_lazy("表决事项"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("表决类型"), choices=Vote.Kind.choices)
    matter = forms.ChoiceField(
        label=gettext_lazy("业主共同决定事项（业主表决时必选）"),
        required=False,
        choices=[("", "—")] + list(Vote.Matter.choices),
    )
    meeting_rule = forms.ChoiceField(
        label=gettext_lazy("会议表决规则（居民/代表/楼组表决时必选）"),
        required=False,
        choices=[("", "—")] + list(Vote.MeetingRule.choices),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("投票方式（方案选择/征名时必选）"),
        required=False,
        choices=[("", "—")] + list(Vote.Method.choices),
    )
    budget = forms.IntegerField(
        label=gettext_lazy("预算总额（元，参与式预算必填）"), required=False, min_value=1
    )
    budget_rule = forms.ChoiceField(
        label=gettext_lazy("预算分配规则（参与式预算必选）"),
        required=False,
        choices=[("", "—")] + list(Vote.BudgetRule.choices),
    )
    options = forms.CharField(
        label=gettext_lazy(
            "选项（每行一个；参与式预算写“项目名称|预算元”；征名可留空，由居民提出）"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    secret = forms.BooleanField(
        label=gettext_lazy("无记名投票（业主共同决定不可选）"), required=False
    )
    hide_results = forms.BooleanField(
        label=gettext_lazy("结束前不公开结果"), required=False, initial=True
    )
    compounds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("表决范围：小区"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    buildings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("表决范围：楼栋"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.ModelChoiceField(label=gettext_lazy("关联项目"), queryset=None, required=False)
    opens_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DT)
    closes_at = forms.DateTimeField(label=gettext_lazy("截止时间"), widget=DT)

    def __init__(self, *args, committees, projects, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + timedelta(days=7)
        self.fields["committee"].queryset = committees
        self.fields["compounds"].queryset = Compound.objects.filter(committee__in=committees)
        self.fields["buildings"].queryset = Building.objects.filter(
            compound__committee__in=committees
        ).select_related("compound")
        natural_places(self.fields["buildings"])
        self.fields["project"].queryset = projects

    def option_lines(self) -> list[tuple[str, int | None]]:
        out = []
        for line in self.cleaned_data.get("options", "").splitlines():
            label, _, cost = line.partition("|")
            if not label.strip():
                continue
            cost = cost.strip().replace(",", "")
            out.append((label.strip(), int(cost) if cost.isdigit() else None))
        return out


class PbImportForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=gettext_lazy("居委会"), queryset=None, empty_label=None
    )
    file = forms.FileField(label=gettext_lazy("pabulib .pb 文件"))
    title = forms.CharField(
        label=gettext_lazy("标题（留空用文件描述）"), required=False, max_length=100
    )
    method = forms.ChoiceField(
        label=gettext_lazy("投票方式"),
        choices=[
            (Vote.Method.APPROVAL, Vote.Method.APPROVAL.label),
            (Vote.Method.COST_LIMITED, Vote.Method.COST_LIMITED.label),
        ],  # fmt: skip
    )
    budget_rule = forms.ChoiceField(
        label=gettext_lazy("预算分配规则"), choices=Vote.BudgetRule.choices
    )
    compounds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("表决范围：小区"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DT)
    closes_at = forms.DateTimeField(label=gettext_lazy("截止时间"), widget=DT)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + timedelta(days=7)
        self.fields["committee"].queryset = committees
        self.fields["compounds"].queryset = Compound.objects.filter(committee__in=committees)
