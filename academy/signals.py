"""Signals academy sends so that the apps above it can act on people's personal data without academy importing them.

Both are sent with ``sender=User``; receivers are connected in each higher app's ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Someone asked for a copy of their data. Keyword ``user``. Each receiver returns an ``academy.privacy.PersonalDataPart``
# holding its app's records of that person (and any files, such as the transcript PDF).
personal_data_requested = Signal()

# An account is being deleted (anonymised), inside the deletion's transaction. Keywords ``user``, ``phone`` and
# ``email`` (as they were before they were cleared). Each receiver removes or masks its app's personal data and
# returns a dict of counts for the audit log; raising rolls the whole deletion back.
account_anonymising = Signal()
