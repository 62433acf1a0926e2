"""The admin's form for a registrar's own notice to a group of trainees, shared by every group that has one (a
session's registrants in courses, a cohort in credits): write, preview it with the number of recipients, confirm.
Each group subclasses it with its recipients, the record the sending is audited on, and where to go back to."""

from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.views.generic import FormView
from wagtail.admin import messages

from academy.admin_titles import TitledAdminViewMixin

from . import services
from .forms import StaffNoticeForm

SEND, EDIT = "send", "edit"


class StaffNoticeView(TitledAdminViewMixin, FormView):
    """Step one writes the notice; step two shows it as trainees will read it, with how many will get it, and sends
    it only when the registrar confirms. The service checks everything again (role, text, a group of nobody)."""

    form_class = StaffNoticeForm
    template_name = "notifications/admin/staff_notice.html"
    header_icon = "mail"
    audience = ""  # who gets it, as a sentence under the title (set by the subclass)

    def get_recipients(self):
        """The people the notice goes to (a queryset or list of users)."""
        raise NotImplementedError

    def get_about(self):
        """The record the sending is audited on (the session, the cohort)."""
        raise NotImplementedError

    def get_link(self) -> str:
        """The path the notice links to in each recipient's inbox (none by default)."""
        return ""

    def get_back_url(self) -> str:
        raise NotImplementedError

    def recipient_count(self) -> int:
        """How many active people the notice would reach (counted in the database when the group is a queryset)."""
        recipients = self.get_recipients()
        if hasattr(recipients, "filter"):
            return recipients.filter(is_active=True).count()
        return sum(1 for person in recipients if person.is_active)

    def get_context_data(self, **kwargs):
        count = self.recipient_count()
        return {
            **super().get_context_data(**kwargs),
            "audience": self.audience,
            "recipient_count": count,
            "back_url": self.get_back_url(),
            "SEND": SEND,
            "EDIT": EDIT,
        }

    def form_valid(self, form):
        step = self.request.POST.get("step")
        if step == EDIT:
            return self.render_to_response(self.get_context_data(form=form))
        if self.recipient_count() == 0:
            form.add_error(None, gettext("Nobody would receive this notice: there are no trainees to send it to."))
            return self.form_invalid(form)
        if step != SEND:
            return self.render_to_response(self.get_context_data(form=form, preview=form.cleaned_data))
        try:
            told = services.staff_notice_send(
                actor=self.request.user,
                recipients=self.get_recipients(),
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                about=self.get_about(),
                link=self.get_link(),
            )
        except services.StaffNoticeError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext("Notice sent to %(count)d trainee.", "Notice sent to %(count)d trainees.", told) % {"count": told},
        )
        return redirect(self.get_back_url())
