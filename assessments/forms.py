"""The bank question's admin form: options and accepted answers checked against the question's type."""

from wagtail.admin.forms import WagtailAdminModelForm

from . import rules


class BankQuestionForm(WagtailAdminModelForm):
    """Checks the question together with its options, which live in an inline formset the model cannot see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "citations" in self.fields:  # each article names its law: one query, not one per article
            self.fields["citations"].queryset = self.fields["citations"].queryset.select_related("law")

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        formset = self.formsets.get("options")
        options = []
        if formset is not None:
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if not data or data.get("DELETE"):
                    continue
                options.append((data.get("text") or "", bool(data.get("correct"))))
        problems = rules.question_problems(
            kind=self.cleaned_data.get("kind", ""),
            options=options,
            answers=rules.accepted_answers(self.cleaned_data.get("accepted_answers", "")),
            match=self.cleaned_data.get("blank_match", ""),
        )
        # Wagtail shows an inline panel's formset errors above its options, and field errors next to the field.
        for problem in problems:
            if problem.part == "options" and formset is not None:
                formset._non_form_errors.append(problem.message)
            else:
                self.add_error("accepted_answers", problem.message)
        return not problems


class BlueprintForm(WagtailAdminModelForm):
    """Quizzes are listed by their course, since every quiz is called 结业测验 or the like."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("quiz")
        if field is not None:
            field.queryset = field.queryset.select_related("course").order_by("course__title")
            field.label_from_instance = lambda quiz: f"{quiz.course.title} · {quiz.title}"
