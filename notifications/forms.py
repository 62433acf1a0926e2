"""The person's own notification settings (PIPL: they see and change all of it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Event
from .rules import ESSENTIAL_EVENTS

# Channels a person chooses per event; the site inbox always keeps a copy (it reaches no phone).
CHOOSABLE_CHANNELS = (Channel.SMS, Channel.WECHAT)


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
            names = []
            for channel in CHOOSABLE_CHANNELS:
                name = field_name(event, channel)
                field_label = f"{label} · {Channel(channel).label}"
                attrs = {"aria-label": field_label}
                # Without a linked WeChat the box cannot be ticked: it would promise messages that reach nobody.
                unreachable = channel == Channel.WECHAT and not wechat_linked
                if unreachable:
                    attrs["aria-describedby"] = "wechat-not-linked"
                self.fields[name] = forms.BooleanField(
                    label=field_label,
                    required=False,
                    # shown unticked while it cannot reach them; their stored choice is kept (switched_off())
                    initial=(event, channel) not in switched_off and not unreachable,
                    disabled=unreachable,
                    widget=forms.CheckboxInput(attrs=attrs),
                )
                names.append(name)
            self.rows.append(
                {"label": label, "essential": event in ESSENTIAL_EVENTS, "fields": [self[name] for name in names]}
            )

    def switched_off(self) -> set[tuple[str, str]]:
        """(event, channel) pairs left unticked; a box that could not be ticked (WeChat not linked) keeps what was
        stored, so linking WeChat later brings back the person's earlier choices."""
        pairs = set()
        for event in Event.values:
            for channel in CHOOSABLE_CHANNELS:
                if self.fields[field_name(event, channel)].disabled:
                    off = (event, channel) in self.stored_switched_off
                else:
                    off = not self.cleaned_data.get(field_name(event, channel))
                if off:
                    pairs.add((event, channel))
        return pairs
