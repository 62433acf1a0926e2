"""A database that has gone away answers 503 "try again shortly", not 500: the request changed nothing (each service
runs in its own transaction, which the error rolled back) and the same request will work once the database is back."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "30"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page (JSON for API clients). Rendered without a request context: the context processors and the
    site header read the database, which is what just failed."""
    if request.path.startswith(("/api/", "/_allauth/")):
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again shortly.")}, status=503
        )
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"retry_url": request.get_full_path()}), status=503
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage raised by a view into the 503 page (errors raised in other middleware reach
    ``server_error`` below instead)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request)
        return None


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """handler500: 503 when the error being handled is a database outage, Django's 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)
