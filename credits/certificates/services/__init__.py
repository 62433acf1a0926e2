"""Every write about certificates, one module a topic: ``numbering``, ``issuing`` (one certificate, renewal),
``approval`` (the approval queue and the automatic check), ``bulk``, ``revocation``, ``reminders`` and ``files``
(stored PDFs). Import the module, not its names: ``from credits.certificates.services import issuing``."""
