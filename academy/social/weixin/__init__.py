"""allauth's ``weixin`` provider with its endpoints taken from the settings (see ``academy.social``)."""
