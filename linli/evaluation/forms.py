"""Forms for step 6's pages. Text fields carry the models' max lengths."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.evaluation.models import (
    CRITERIA,
    Convention,
    Criterion,
    ProjectPhoto,
    ProjectType,
    Severity,
)

SCORE_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class _ScoresMixin:
    def _add_score_fields(self):
        for c in CRITERIA:
            self.fields[c] = forms.TypedChoiceField(
                label=Criterion(c).label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict:
        return {c: self.cleaned_data[c] for c in CRITERIA}


class ScoreForm(_ScoresMixin, forms.Form):
    comment = forms.CharField(label=gettext_lazy("意见（选填）"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_score_fields()
        self.order_fields([*CRITERIA, "comment"])


class PaperScoreForm(_ScoresMixin, forms.Form):
    sheet_no = forms.CharField(label=gettext_lazy("评分表编号"), max_length=20)
    participant = forms.CharField(label=gettext_lazy("评分人姓名"), max_length=50)
    comment = forms.CharField(label=gettext_lazy("意见（选填）"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_score_fields()
        self.order_fields(["sheet_no", "participant", *CRITERIA, "comment"])


class MeetingChoiceForm(forms.Form):
    meeting = forms.ModelChoiceField(label=gettext_lazy("评议会"), queryset=None, required=False)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = _("（暂不关联会议）")


class AssignForm(forms.Form):
    mobile = forms.CharField(label=gettext_lazy("账号手机号"), max_length=11, min_length=11)
    organisation = forms.CharField(label=gettext_lazy("机构名称"), max_length=80)

    def clean_mobile(self):
        from linli.accounts.models import User

        mobile = self.cleaned_data["mobile"].strip()
        user = User.objects.filter(mobile=mobile, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("找不到该手机号的账号，请先为其开通账号"))
        self.cleaned_data["user"] = user
        return mobile


class CloseEvaluationForm(forms.Form):
    conclusion = forms.CharField(
        label=gettext_lazy("评议结论"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class NoticeForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("公示说明（选填，决算和照片自动附上）"), max_length=4000,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    boards = forms.CharField(label=gettext_lazy("张贴地点（每行一个，选填）"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    days = forms.IntegerField(label=gettext_lazy("公示天数"), min_value=1, max_value=90, initial=7)


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=ProjectPhoto.Kind.choices)
    image = forms.FileField(label=gettext_lazy("照片（JPG/PNG/WebP）"))
    caption = forms.CharField(label=gettext_lazy("说明"), max_length=100, required=False)


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=gettext_lazy("严重程度"), choices=Severity.choices)
    title = forms.CharField(label=gettext_lazy("问题"), max_length=100)
    text = forms.CharField(
        label=gettext_lazy("说明"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    entry = forms.ModelChoiceField(
        label=gettext_lazy("相关凭证（选填）"), queryset=None, required=False
    )

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=gettext_lazy("答复"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("审计意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConventionForm(forms.Form):
    committee = forms.ModelChoiceField(label=gettext_lazy("居委会"), queryset=None)
    title = forms.CharField(label=gettext_lazy("公约名称"), max_length=80)
    text = forms.CharField(
        label=gettext_lazy("公约条文"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    scope = forms.ChoiceField(label=gettext_lazy("适用范围"), choices=Convention.Scope.choices)
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=None, required=False)
    compound = forms.ModelChoiceField(label=gettext_lazy("小区"), queryset=None, required=False)
    microspace = forms.ModelChoiceField(
        label=gettext_lazy("设施/小微空间"), queryset=None, required=False
    )
    project = forms.ModelChoiceField(
        label=gettext_lazy("相关项目（选填）"), queryset=None, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.places.models import Building, Compound, MicroSpace
        from linli.places.ordering import natural_places
        from linli.places.selectors import committees_managed_by
        from linli.projects.models import Project

        committees = committees_managed_by(user)
        self.fields["committee"].queryset = committees
        self.fields["building"].queryset = Building.objects.filter(
            compound__committee__in=committees
        ).select_related("compound")
        self.fields["compound"].queryset = Compound.objects.filter(committee__in=committees)
        self.fields["microspace"].queryset = MicroSpace.objects.filter(
            compound__committee__in=committees
        ).select_related("compound")
        self.fields["project"].queryset = Project.objects.filter(committee__in=committees)
        natural_places(self.fields["building"], self.fields["microspace"])


class DiscussForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("讨论记录（时间、场合、主要意见）"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class AdoptForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("通过的会议"), queryset=None, required=False
    )
    vote = forms.ModelChoiceField(
        label=gettext_lazy("或：通过的表决"), queryset=None, required=False
    )
    in_force_from = forms.DateField(
        label=gettext_lazy("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    in_force_to = forms.DateField(label=gettext_lazy("失效日期（选填）"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, meetings=None, votes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["vote"].queryset = votes


class AmendForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("公约名称（不改可留空）"), max_length=80, required=False
    )
    text = forms.CharField(
        label=gettext_lazy("新版条文"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    change_note = forms.CharField(label=gettext_lazy("修订说明"), max_length=300)


class PaperEndorseForm(forms.Form):
    households = forms.ModelMultipleChoiceField(
        label=gettext_lazy("纸质签署表上签字的住户"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
        self.fields["households"].label_from_instance = lambda h: str(h.flat)


class CaseForm(forms.Form):
    project_type = forms.ChoiceField(label=gettext_lazy("项目类型"), choices=ProjectType.choices)
    problem = forms.CharField(
        label=gettext_lazy("问题与需求"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    upkeep = forms.CharField(label=gettext_lazy("运维安排（谁来管、经费从哪来）"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    lessons = forms.CharField(label=gettext_lazy("经验与启示"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
