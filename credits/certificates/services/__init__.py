"""Every write about certificates, one module a topic: ``numbering``, ``issuing`` (one certificate, renewal),
``approval`` (the approval queue and the automatic check), ``bulk``, ``revocation``, ``reminders`` and ``files``
(stored PDFs). Modules call each other through the module (``issuing.after_insert``), so one name is the one
place to look, and to patch in a test."""
