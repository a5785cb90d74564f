"""Forms for the preferences page and the door-to-door record."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.notifications.models import EXTERNAL_CHANNELS, Channel, DoorContact, Kind


def pref_field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per message kind and external channel."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            for channel in EXTERNAL_CHANNELS:
                self.fields[pref_field_name(kind.value, channel.value)] = forms.BooleanField(
                    label=f"{kind.label} · {Channel(channel).label}",
                    required=False,
                    initial=current[(kind.value, channel.value)],
                )

    def rows(self):
        for kind in Kind:
            yield (
                kind.label,
                [self[pref_field_name(kind.value, channel.value)] for channel in EXTERNAL_CHANNELS],
            )

    def enabled(self) -> dict:
        return {
            (kind.value, channel.value): self.cleaned_data[
                pref_field_name(kind.value, channel.value)
            ]
            for kind in Kind
            for channel in EXTERNAL_CHANNELS
        }


class DoorContactForm(forms.Form):
    flat = forms.TypedChoiceField(label=gettext_lazy("住户"), coerce=int)
    person = forms.TypedChoiceField(
        label=gettext_lazy("告知对象"), coerce=int, required=False, empty_value=None
    )
    method = forms.ChoiceField(label=gettext_lazy("告知方式"), choices=DoorContact.Method.choices)
    method_note = forms.CharField(label=gettext_lazy("其他方式说明"), max_length=60, required=False)
    told_by_name = forms.CharField(label=gettext_lazy("告知人"), max_length=50, required=False)
    told_at = forms.DateTimeField(
        label=gettext_lazy("告知时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args, door_list, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flat"].choices = [
            (r.flat.pk, str(r.flat) + (_("（老人）") if r.elderly else "")) for r in door_list.rows
        ]
        self.fields["person"].choices = [("", _("（不指定）"))] + [
            (p.pk, p.name) for r in door_list.rows for p, _age in r.members
        ]
        self.fields["told_by_name"].initial = actor.name
        self.fields["told_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def service_kwargs(self) -> dict:
        from linli.places.models import Flat, Person

        data = dict(self.cleaned_data)
        data["flat"] = Flat.objects.get(pk=data["flat"])
        pid = data.pop("person")
        data["person"] = Person.objects.filter(pk=pid).first() if pid else None
        return data
