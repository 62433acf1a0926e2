from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """One notification service for the whole academy: the site inbox, SMS, WeChat and staff work notices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from .models import Delivery, MessageTemplate
        from .permissions import DeliveryPermissionPolicy, MessageTemplatePermissionPolicy

        register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery), exact_class=True)
        register_permission_policy(MessageTemplate, MessageTemplatePermissionPolicy(MessageTemplate), exact_class=True)
