"""Log-in with WeChat and DingTalk (django-allauth's socialaccount), configured only from the environment.

- ``config``: which apps exist here (none unless their ID and secret are set; apps in the database are ignored);
- ``adapter``: no account is ever created from WeChat or DingTalk, an identity linked to one person cannot be linked
  to another, and DingTalk is for staff only;
- ``services``: an unknown identity waits in the session while the visitor logs in with their phone, then is linked;
- ``views``: the page where it waits (关联账号);
- ``weixin`` / ``dingtalk``: allauth's providers with their endpoints taken from the settings.
"""
