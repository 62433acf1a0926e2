"""allauth's ``dingtalk`` provider with its endpoints taken from the settings (see ``academy.social``)."""
