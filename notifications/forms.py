"""The person's own notification settings (PIPL: they see and change all of it)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Event
from .rules import ESSENTIAL_EVENTS, STAFF_NOTICE_TEXT_MAX, STAFF_NOTICE_TITLE_MAX

# Channels a person chooses per event; the site inbox always keeps a copy (it reaches no phone).
CHOOSABLE_CHANNELS = (Channel.SMS, Channel.WECHAT)
ESSENTIAL_HINT_ID = "essential-notices-hint"  # the page's sentence that essential notices are always sent


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per event and phone channel (ticked: on), and unsubscribing from all but the essential."""

    essential_only = forms.BooleanField(
        label=_("Only essential notices on my phone"),
        required=False,
        help_text=_(
            "Cancelled or moved sessions, registration confirmations and expired certificates still reach you."
        ),
    )
    unlink_wechat = forms.BooleanField(
        label=_("Unlink WeChat (log-in and messages) and forget my WeChat OpenID"), required=False
    )
    essential_hint_id = ESSENTIAL_HINT_ID

    def __init__(
        self,
        *args,
        switched_off: set[tuple[str, str]],
        wechat_linked: bool,
        wechat_login_linked: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.stored_switched_off = set(switched_off)
        if not (wechat_linked or wechat_login_linked):  # a WeChat linked for log-in only can be unlinked here too
            del self.fields["unlink_wechat"]
        self.rows = []
        for event, label in Event.choices:
            essential = event in ESSENTIAL_EVENTS
            names = []
            for channel in CHOOSABLE_CHANNELS:
                name = field_name(event, channel)
                field_label = f"{label} · {Channel(channel).label}"
                attrs = {"aria-label": field_label}
                # Without a linked WeChat the box cannot be ticked: it would promise messages that reach nobody.
                # An essential notice always goes out on every channel the person has (rules.chosen_channels): its
                # boxes are ticked and cannot be unticked, whatever an older opt-out or "only essential" says.
                unreachable = channel == Channel.WECHAT and not wechat_linked
                if unreachable:
                    attrs["aria-describedby"] = "wechat-not-linked"
                elif essential:
                    attrs["aria-describedby"] = ESSENTIAL_HINT_ID
                self.fields[name] = forms.BooleanField(
                    label=field_label,
                    required=False,
                    # shown unticked while it cannot reach them; their stored choice is kept (switched_off())
                    initial=not unreachable and (essential or (event, channel) not in switched_off),
                    disabled=unreachable or essential,
                    widget=forms.CheckboxInput(attrs=attrs),
                )
                names.append(name)
            self.rows.append({"label": label, "essential": essential, "fields": [self[name] for name in names]})

    def switched_off(self) -> set[tuple[str, str]]:
        """(event, channel) pairs left unticked. An essential notice cannot be switched off; a box that could not be
        ticked (WeChat not linked) keeps what was stored, so linking WeChat later brings back the earlier choices."""
        pairs = set()
        for event in Event.values:
            if event in ESSENTIAL_EVENTS:
                continue
            for channel in CHOOSABLE_CHANNELS:
                if self.fields[field_name(event, channel)].disabled:
                    off = (event, channel) in self.stored_switched_off
                else:
                    off = not self.cleaned_data.get(field_name(event, channel))
                if off:
                    pairs.add((event, channel))
        return pairs


class StaffNoticeForm(forms.Form):
    """A registrar's notice to a group of trainees (a cohort, a session's registrants): its title and text."""

    title = forms.CharField(label=_("Title"), max_length=STAFF_NOTICE_TITLE_MAX)
    text = forms.CharField(
        label=_("Text"),
        max_length=STAFF_NOTICE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": STAFF_NOTICE_TEXT_MAX}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext(
            "Sent as it is written, to the site inbox and by SMS or WeChat: at most %(count)d characters."
        ) % {"count": STAFF_NOTICE_TEXT_MAX}
