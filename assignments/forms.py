"""The trainee's hand-in form. The files themselves are read from ``request.FILES`` and checked by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write your answer here, attach photos or documents below, or both."),
    )
    remove = forms.MultipleChoiceField(
        label=_("Remove these files"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(str(item.pk), item.original_name) for item in existing]
        if not self.fields["remove"].choices:
            del self.fields["remove"]

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("remove", [])
        return cleaned


class ReviewForm(forms.Form):
    """A lecturer's review: one level per rubric criterion (fields ``level-<criterion id>``), feedback, outcome."""

    feedback = forms.CharField(
        label=_("Feedback for the trainee"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect)

    def __init__(self, *args, rubric, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.fields["outcome"].choices = outcomes
        for criterion in rubric:
            self.fields[f"level-{criterion['id']}"] = forms.TypedChoiceField(
                label=criterion["name"],
                coerce=int,
                widget=forms.RadioSelect,
                choices=[
                    (index, _("%(label)s (%(points)s)") % {"label": level["label"], "points": level["points"]})
                    for index, level in enumerate(criterion["levels"])
                ],
            )

    def level_fields(self):
        return [(criterion, self[f"level-{criterion['id']}"]) for criterion in self.rubric]

    def levels(self) -> dict[str, int]:
        return {criterion["id"]: self.cleaned_data[f"level-{criterion['id']}"] for criterion in self.rubric}
