from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """One notification service for the whole academy: the site inbox, SMS, WeChat and staff work notices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from allauth.socialaccount import signals as social_signals
        from wagtail.permissions import register_permission_policy

        from academy.signals import account_anonymising, personal_data_requested

        from . import privacy, social
        from .models import Delivery, MessageTemplate
        from .permissions import DeliveryPermissionPolicy, MessageTemplatePermissionPolicy

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="notifications-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="notifications-anonymise")
        for signal in (social_signals.social_account_added, social_signals.social_account_updated):
            signal.connect(social.account_linked, dispatch_uid=f"notifications-social-{id(signal)}")
        social_signals.social_account_removed.connect(social.account_unlinked, dispatch_uid="notifications-unlinked")
        register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery), exact_class=True)
        register_permission_policy(MessageTemplate, MessageTemplatePermissionPolicy(MessageTemplate), exact_class=True)
