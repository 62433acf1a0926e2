"""The notification centre's answers to allauth's social-account signals (connected in NotificationsConfig.ready()):
a WeChat link fills or clears the OpenID messages go to; a staff member's DingTalk link fills their work user ID."""

from django.db import transaction

from . import services
from .selectors import WECHAT_PROVIDER

DINGTALK_PROVIDER = "dingtalk"


def account_linked(sender, *, sociallogin, **kwargs) -> None:
    """A WeChat or DingTalk identity was linked, or logged in again (its profile refreshed)."""
    account = sociallogin.account
    user = account.user
    if account.provider == WECHAT_PROVIDER:
        services.wechat_openid_sync(user=user)
    elif account.provider == DINGTALK_PROVIDER and user.is_staff_member:
        union_id = (account.extra_data or {}).get("unionId", "")
        # After the link commits: the lookup is a call to DingTalk, which no transaction should wait on.
        transaction.on_commit(lambda: services.work_user_id_fill_from_dingtalk(user=user, union_id=union_id))


def account_unlinked(sender, *, socialaccount, **kwargs) -> None:
    """A WeChat identity was unlinked (on the connections page): the OpenID follows."""
    if socialaccount.provider == WECHAT_PROVIDER:
        services.wechat_openid_sync(user=socialaccount.user)
