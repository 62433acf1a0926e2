"""The admin's user edit form with the staff member's DingTalk (浙政钉) user ID, which staff work notices are sent to.

It is filled when the staff member links DingTalk (``notifications.social``); a superuser sets it here otherwise."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserEditForm
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .models import NotificationProfile


class StaffUserEditForm(UserEditForm):
    """Wagtail's user edit form plus the DingTalk user ID (kept on the person's notification settings)."""

    work_user_id = forms.CharField(
        label=_("DingTalk user ID"),
        max_length=64,
        required=False,
        help_text=_(
            "Staff only: the user ID in the organisation's DingTalk (浙政钉), to which work notices are sent. Filled in "
            "when the staff member links DingTalk; set it here otherwise."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            profile = NotificationProfile.objects.filter(user=self.instance).first()
            self.fields["work_user_id"].initial = profile.work_user_id if profile else ""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and "work_user_id" in self.changed_data:
            services.work_user_id_set(user=user, work_user_id=self.cleaned_data["work_user_id"])
        return user


class UserEditView(WagtailUserEditView):
    """Only a superuser may change where a staff member's work notices go; others see it read-only."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "work_user_id" in form.fields and not self.request.user.is_superuser:
            form.fields["work_user_id"].disabled = True
        return form


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user screens with ``StaffUserEditForm`` on the edit page."""

    edit_view_class = UserEditView
    edit_template_name = "notifications/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else super().get_form_class(for_update)
