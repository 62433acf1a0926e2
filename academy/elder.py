"""The elder-friendly mode (适老化): remembered on the account for people who are logged in, and in a cookie on
the device otherwise. Templates read ``elder_mode`` from the context processor below."""

ELDER_COOKIE = "elder_mode"
ELDER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def elder_mode_for(request) -> bool:
    """Whether to show this request in the elder-friendly mode: the account's choice, else the device's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def elder_mode(request) -> dict:
    """Context processor: ``elder_mode`` for base.html's <html> class and the switch."""
    return {"elder_mode": elder_mode_for(request)}
