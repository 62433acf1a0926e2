"""Forms for the catalogue's filters, the training-session roster and course feedback."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.choices import Party

from .choices import DeliveryMode
from .selectors import CatalogueFilters


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; read from the query string so that a filtered list can be shared and bookmarked."""

    q = forms.CharField(label=_("Search courses"), required=False, max_length=50)
    competency = forms.ChoiceField(label=_("Competency"), required=False)
    audience = forms.ChoiceField(label=_("For"), required=False, choices=[("", _("All parties")), *Party.choices])
    mode = forms.ChoiceField(
        label=_("Delivery mode"), required=False, choices=[("", _("All modes")), *DeliveryMode.choices]
    )
    credits = forms.ChoiceField(label=_("Credits"), required=False)

    def __init__(self, *args, competencies, credit_values, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("All competencies"))] + [(c.code, c.name) for c in competencies]
        self.fields["credits"].choices = [("", _("Any credits"))] + [(f"{v:.1f}", f"{v:.1f}") for v in credit_values]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Title, summary or code")})

    def filters(self) -> CatalogueFilters:
        """The valid filters; an invalid one is reported on the form and ignored."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        credits = None
        if data.get("credits"):
            try:
                credits = Decimal(data["credits"])
            except InvalidOperation:
                credits = None
        return CatalogueFilters(
            competency=data.get("competency", ""),
            audience=data.get("audience", ""),
            delivery_mode=data.get("mode", ""),
            credits=credits,
            query=(data.get("q") or "").strip(),
        )


class SessionAddTraineeForm(forms.Form):
    """A registrar adds a trainee to a session by their mobile number."""

    phone = forms.CharField(label=_("Trainee's mobile phone"), max_length=20)

    def clean_phone(self):
        from academy.models import User
        from academy.phone import normalise_phone

        phone = normalise_phone(self.cleaned_data["phone"])
        trainee = User.objects.filter(phone=phone, is_active=True).first()
        if trainee is None:
            raise forms.ValidationError(_("No trainee has this phone number."))
        self.cleaned_data["trainee"] = trainee
        return phone


class AttendanceImportForm(forms.Form):
    """An Excel file of attendance (手机号 and 状态 columns)."""

    file = forms.FileField(
        label=_("Attendance file (.xlsx)"),
        help_text=_("Columns “手机号” and “状态” (“出席” or “迟到”). Download the template if unsure."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class CourseFeedbackForm(forms.Form):
    """课程评价: three ratings from 1 (poor) to 5 (excellent) and an optional comment."""

    content_rating = forms.TypedChoiceField(
        label=_("How good was the content?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    lecturer_rating = forms.TypedChoiceField(
        label=_("How good was the lecturer?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    usefulness_rating = forms.TypedChoiceField(
        label=_("How useful is it for your work?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=pgettext_lazy("feedback", "Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was good, and what should change? Staff read every comment."),
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "content_rating": instance.content_rating,
                    "lecturer_rating": instance.lecturer_rating,
                    "usefulness_rating": instance.usefulness_rating,
                    "comment": instance.comment,
                },
            )
        super().__init__(*args, **kwargs)
