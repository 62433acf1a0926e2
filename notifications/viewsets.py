"""Admin screens of the notification centre: what was sent (deliveries, read only) and the message templates."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from academy.admin_views import ReadableViewSetMixin

from .models import Delivery, MessageTemplate


class DeliveryViewSet(ReadableViewSetMixin, ModelViewSet):
    """发送记录: each notice on each channel, with its state, attempts and the provider's reply."""

    model = Delivery
    icon = "mail"
    menu_label = _("Deliveries")
    url_prefix = "notifications/deliveries"
    url_namespace = "notifications_deliveries"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["notification", "notification__recipient", "channel", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["channel", "status", "notification__event"]
    list_export = [
        "notification__recipient",
        "notification__event",
        "notification__title",
        "channel",
        "status",
        "attempts",
        "due_at",
        "sent_at",
        "provider_reply",
        "note",
    ]
    export_filename = "notification-deliveries"
    search_fields = ["notification__title", "notification__recipient__real_name", "notification__recipient__phone"]
    inspect_view_fields = [
        "notification", "channel", "status", "address", "idempotency_key", "due_at", "attempts", "last_attempt_at",
        "sent_at", "provider_reply", "note",
    ]  # fmt: skip
    form_fields = ["note"]  # never used: add, edit and delete are refused by the permission policy

    def get_queryset(self, request):
        return Delivery.objects.select_related("notification", "notification__recipient")


class MessageTemplateViewSet(ReadableViewSetMixin, ModelViewSet):
    """消息模板: the wording of each event's notice; without one, the built-in Chinese default is used."""

    model = MessageTemplate
    icon = "doc-full"
    menu_label = _("Message templates")
    url_prefix = "notifications/templates"
    url_namespace = "notifications_templates"
    copy_view_enabled = False
    list_display = ["event", "title", "wechat_template_id"]
    form_fields = ["event", "title", "body", "wechat_template_id"]


class NotificationsViewSetGroup(ModelViewSetGroup):
    """消息中心: the notification centre's admin menu."""

    menu_label = _("Notifications")
    menu_icon = "mail"
    menu_order = 210
    items = (DeliveryViewSet, MessageTemplateViewSet)
