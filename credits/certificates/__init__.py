"""Certificates: issuing, numbering, the PDF, verification, revocation and expiry (part of the ``credits`` app;
the models live in ``credits/models.py``)."""
