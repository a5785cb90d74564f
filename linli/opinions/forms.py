"""The start-a-conversation page (its markup is hand-written in opinions/create.html)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Committee


class ConversationCreateForm(forms.Form):
    """Reads the committee within the user's scope and the texts; the service judges them
    (topic required, at most 100 characters; each statement at most 140)."""

    committee = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": _("所选居委会不存在或不在您的范围内")}
    )
    topic = forms.CharField(max_length=100, required=False)
    description = forms.CharField(max_length=2000, required=False)
    statements = forms.CharField(max_length=200 * 141, required=False)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(
            pk__in=[c.pk for c in committees]
        )

    def clean_statements(self) -> list[str]:
        return self.cleaned_data["statements"].splitlines()
