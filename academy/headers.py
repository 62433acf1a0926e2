"""The Content-Security-Policy beyond django-csp's own: one policy for the public site and a looser one scoped to the
Wagtail admin. (The Permissions-Policy comes from django-permissions-policy's middleware and ``PERMISSIONS_POLICY``.)

The public site runs no inline script or style at all (per-element colours and widths are set from data-
attributes by academy/static/js/site.js through the CSSOM, which a CSP allows). Wagtail's admin still writes
inline <script> blocks (inline panels, date pickers) and inline styles, so only paths under the admin prefix get
``ACADEMY_ADMIN_CONTENT_SECURITY_POLICY``; a view that sets its own policy (django-csp's decorators, Wagtail's
image and document serving) keeps it.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


def is_admin_path(path: str) -> bool:
    """True for the Wagtail admin (where previews, the projector and editors' widgets live)."""
    return path.startswith(settings.ACADEMY_ADMIN_PATH_PREFIX)


class AcademyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy swapped in for admin paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.ACADEMY_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts
