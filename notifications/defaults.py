"""The text each event has until an editor writes its own in the admin (Notifications › Message templates).

English msgids with Chinese translations in this app's catalogue; a notice is rendered in the site's language
(zh-hans), because it is read later, on a phone, by someone whose language the sender cannot know."""

from django.utils.translation import gettext_lazy as _

from .choices import Event

DEFAULT_TEXTS = {
    Event.CERTIFICATE_ISSUED: (
        _("Certificate issued"),
        _(
            "{name}, your certificate for {programme} has been issued, number {number}. Download it under My certificates."
        ),
    ),
    Event.CERTIFICATE_PENDING_REVIEW: (
        _("Certificate awaiting review"),
        _("{trainee} has met the requirements of {programme}; the certificate awaits your approval."),
    ),
    Event.CERTIFICATE_EXPIRING: (
        _("Certificate expiring"),
        _(
            "{name}, your certificate {number} for {programme} expires on {expires_on} ({days} days left). Earn the continuing credits to renew it."
        ),
    ),
    Event.CERTIFICATE_EXPIRED: (
        _("Certificate expired"),
        _(
            "{name}, your certificate {number} for {programme} expired on {expires_on}. Earn the continuing credits to renew it."
        ),
    ),
    Event.WAITLIST_PROMOTED: (
        _("A place is yours"),
        _("{name}, a place has freed up: you are now registered for {session}, {start} at {venue}."),
    ),
    Event.SESSION_REMINDER: (
        _("Training session tomorrow"),
        _("Reminder: {session} starts tomorrow {start} at {venue} ({address}). Check in with the QR code on site."),
    ),
    Event.SESSION_CANCELLED: (
        _("Training session cancelled"),
        _("{name}, the training session {session} on {start} has been cancelled. We are sorry for the trouble."),
    ),
    Event.SESSION_MOVED: (
        _("Training session moved"),
        _("{name}, the training session {session} has moved: it now starts {start} at {venue} ({address})."),
    ),
    Event.ASSIGNMENT_REVIEWED: (
        _("Assignment reviewed"),
        _("{name}, your assignment {assignment} has been reviewed: {result}."),
    ),
    Event.APPOINTMENT_MADE: (
        _("Appointed to a post"),
        _("{name}, you have been appointed to the post of {post}."),
    ),
    Event.REGISTRATION_CONFIRMED: (
        _("Registration confirmed"),
        _("{name}, you are registered for {session}, {start} at {venue}."),
    ),
    Event.STAFF_NOTICE: ("{title}", "{text}"),  # the staff member writes both
}
