"""Every admin URL, as every role: the answer must match the expectation table below.

URLs are discovered from the URL resolver under /admin/, so a new admin screen without an expectation here fails
``test_every_admin_url_has_an_expectation``. Primary keys in URLs are filled with real objects of street B; the
street administrator administers street A, so for them every object URL is another street's record.

Outcomes: OK = 200; NO = refused or hidden (redirect away from the page or to the login, 403, 404 or 405);
LOGIN = redirect to the admin login; ANY = not asserted (but never a server error). Anonymous visitors get LOGIN and trainees NO
on every admin URL except the public ones (login, password reset, scripts).
"""

import re
import uuid

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from academy.models import District, SearchSynonymGroup, Venue
from notifications.choices import Event
from notifications.models import MessageTemplate
from notifications.services import notify
from tests.credits.factories import make_two_streets_world

pytestmark = pytest.mark.django_db

OK, NO, LOGIN, ANY, SKIP = "ok", "no", "login", "any", "skip"
ROLES = ("anonymous", "trainee", "editor", "registrar", "street_admin")


def staff(editor, registrar, street_admin):
    """Expectation for the three staff roles; anonymous → LOGIN and trainee → NO always."""
    return {"anonymous": LOGIN, "trainee": NO, "editor": editor, "registrar": registrar, "street_admin": street_admin}


# Academy records: registrars all; street administrators lists of their own street (so 200, showing nobody of
# street B) and never another street's record; editors nothing.
LIST_SCOPED = staff(NO, OK, OK)
RECORD_SCOPED = staff(NO, OK, NO)
NOBODY = staff(NO, NO, NO)
REGISTRAR_ONLY = staff(NO, OK, NO)
READ_ONLY_RECORDS = {
    "index": LIST_SCOPED,
    "index_results": LIST_SCOPED,
    "inspect": RECORD_SCOPED,
    "add": NOBODY,
    "edit": NOBODY,
    "delete": NOBODY,
    "history": NOBODY,
    "history_results": NOBODY,
    "usage": NOBODY,
}

EXPECTATIONS: dict[str, dict[str, str]] = {
    # 三方学院 › trainees
    "academy_trainees:index": LIST_SCOPED,
    "academy_trainees:index_results": LIST_SCOPED,
    "academy_trainees:inspect": RECORD_SCOPED,
    "academy_trainees:add": REGISTRAR_ONLY,
    "academy_trainees:edit": REGISTRAR_ONLY,
    "academy_trainees:history": REGISTRAR_ONLY,
    "academy_trainees:history_results": REGISTRAR_ONLY,
    "academy_trainees:delete": NOBODY,  # trainees are deactivated, never deleted: the ledger points at them
    "academy_trainees:usage": RECORD_SCOPED,
    # enrolments, completions: read only, scoped
    **{f"courses_enrolments:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    **{f"courses_completions:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    # the credit ledger: read only, scoped; registrars adjust
    **{f"credits_ledger:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    "credits_ledger:adjust": REGISTRAR_ONLY,
    # post holders: both appoint (the street administrator in their street), nobody edits or deletes
    **{f"credits_appointments:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    "credits_appointments:add": staff(NO, OK, OK),
    "credits_appointments:history": RECORD_SCOPED,
    "credits_appointments:history_results": RECORD_SCOPED,
    # API clients: registrars only
    "credits_api_clients:index": REGISTRAR_ONLY,
    "credits_api_clients:index_results": REGISTRAR_ONLY,
    "credits_api_clients:add": REGISTRAR_ONLY,
    "credits_api_clients:inspect": REGISTRAR_ONLY,
    "credits_api_clients:revoke": REGISTRAR_ONLY,
    "credits_api_clients:edit": NOBODY,
    "credits_api_clients:delete": NOBODY,
    "credits_api_clients:history": REGISTRAR_ONLY,
    "credits_api_clients:history_results": REGISTRAR_ONLY,
    "credits_api_clients:usage": NOBODY,
    # posts (snippet): registrars manage them; street administrators may read the list (they appoint to posts)
    "wagtailsnippets_credits_post:list": staff(NO, OK, OK),
    "wagtailsnippets_credits_post:list_results": staff(NO, OK, OK),
    "wagtailsnippets_credits_post:add": REGISTRAR_ONLY,
    "wagtailsnippets_credits_post:edit": REGISTRAR_ONLY,
    "wagtailsnippets_credits_post:history": REGISTRAR_ONLY,
    "wagtailsnippets_credits_post:history_results": REGISTRAR_ONLY,
    "wagtailsnippets_credits_post:usage": REGISTRAR_ONLY,
    "wagtailsnippets_credits_post:delete": NOBODY,
    # roster import: registrars only (the preview of an unknown token sends them back to the upload)
    "academy_roster:upload": REGISTRAR_ONLY,
    "academy_roster:template": REGISTRAR_ONLY,
    "academy_roster:preview": NOBODY,
    # question import: editors (who write the bank) only
    "assessments_import:upload": staff(OK, NO, NO),
    "assessments_import:template": staff(OK, NO, NO),
    "assessments_import:preview": NOBODY,
    # questions flagged by a new version of a law: editors; confirming is a POST (a GET is refused for everyone)
    "assessments_review:index": staff(OK, NO, NO),
    "assessments_review:confirm": NOBODY,
    # item analysis (it shows the answer keys): editors of the bank only
    "assessments_item_analysis:index": staff(OK, NO, NO),
    # reports: registrars and street administrators (their street's figures)
    **{
        f"academy_reports:{name}": staff(NO, OK, OK)
        for report in (
            "qualification_by_street",
            "completion_by_course",
            "credits_by_competency",
            "certificates_expiring",
            "attendance_by_session",
            "unqualified_post_holders",
        )
        for name in (report, f"{report}_results")
    },
    "academy_reports:index": staff(NO, OK, OK),
    # places: registrars keep the registry; nobody deletes (people point at it)
    **{
        f"{model}:{view}": expectation
        for model in ("district", "street", "community")
        for view, expectation in {
            "index": REGISTRAR_ONLY,
            "index_results": REGISTRAR_ONLY,
            "add": REGISTRAR_ONLY,
            "edit": REGISTRAR_ONLY,
            "history": REGISTRAR_ONLY,
            "history_results": REGISTRAR_ONLY,
            "usage": REGISTRAR_ONLY,
            "delete": NOBODY,
        }.items()
    },
    # people admin of Wagtail itself: superusers only, never registrars or street administrators
    **{f"wagtailusers_users:{view}": NOBODY for view in ("index", "index_results", "add", "edit", "delete")},
    # training sessions: shared by every street, so street administrators see each one (read only) and its roster,
    # attendance sheet and sign-in sheet, which list only their own street's trainees; registrars run them
    "courses_sessions:index": staff(NO, OK, OK),
    "courses_sessions:index_results": staff(NO, OK, OK),
    "courses_sessions:inspect": staff(NO, OK, OK),
    "courses_sessions:add": REGISTRAR_ONLY,
    "courses_sessions:edit": REGISTRAR_ONLY,
    "courses_sessions:copy": REGISTRAR_ONLY,
    "courses_sessions:delete": REGISTRAR_ONLY,
    "courses_sessions:history": REGISTRAR_ONLY,
    "courses_sessions:history_results": REGISTRAR_ONLY,
    "courses_sessions:usage": REGISTRAR_ONLY,
    "courses_sessions:roster": staff(NO, OK, OK),
    "courses_sessions:notice": REGISTRAR_ONLY,
    "courses_sessions:attendance_export": staff(NO, OK, OK),
    "courses_sessions:sign_in_sheet": staff(NO, OK, OK),
    "courses_sessions:projector": REGISTRAR_ONLY,
    "courses_sessions:projector_code": REGISTRAR_ONLY,
    "courses_sessions:attendance_template": REGISTRAR_ONLY,
    # registrations and attendance: people's records, read only here (they change through the roster), scoped
    **{f"courses_session_registrations:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    **{f"courses_attendance:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    # cohorts: registrars manage them; street administrators may read the list and a cohort, whose roster shows
    # only their own street's trainees
    "credits_cohorts:index": staff(NO, OK, OK),
    "credits_cohorts:index_results": staff(NO, OK, OK),
    "credits_cohorts:inspect": staff(NO, OK, OK),
    "credits_cohorts:add": REGISTRAR_ONLY,
    "credits_cohorts:edit": REGISTRAR_ONLY,
    "credits_cohorts:delete": REGISTRAR_ONLY,
    "credits_cohorts:history": REGISTRAR_ONLY,
    "credits_cohorts:history_results": REGISTRAR_ONLY,
    "credits_cohorts:usage": REGISTRAR_ONLY,
    "credits_cohorts:register": REGISTRAR_ONLY,
    "credits_cohorts:notice": REGISTRAR_ONLY,
    # certificates: scoped reading; issued by services, never added, edited or deleted by hand
    **{f"credits_certificates:{view}": e for view, e in READ_ONLY_RECORDS.items()},
    "credits_certificates:issue": REGISTRAR_ONLY,
    "credits_certificates:revoke": REGISTRAR_ONLY,
    "credits_certificates:reinstate": REGISTRAR_ONLY,
    "credits_certificates:render": REGISTRAR_ONLY,
    # the approval queue and bulk issues: registrars only
    **{
        f"credits_certificate_requests:{view}": e
        for view, e in {
            **dict.fromkeys(READ_ONLY_RECORDS, NOBODY),
            "index": REGISTRAR_ONLY,
            "index_results": REGISTRAR_ONLY,
            "inspect": REGISTRAR_ONLY,
        }.items()
    },  # fmt: skip
    "credits_certificate_requests:approve": REGISTRAR_ONLY,
    "credits_certificate_requests:decline": REGISTRAR_ONLY,
    **{
        f"credits_bulk_issues:{view}": e
        for view, e in {
            **dict.fromkeys(READ_ONLY_RECORDS, NOBODY),
            "index": REGISTRAR_ONLY,
            "index_results": REGISTRAR_ONLY,
            "inspect": REGISTRAR_ONLY,
            "add": REGISTRAR_ONLY,
            "history": REGISTRAR_ONLY,
            "history_results": REGISTRAR_ONLY,
        }.items()
    },  # fmt: skip
    # notification centre: what was sent to whom (read only) and the wording of each event, registrars only
    **{f"notifications_deliveries:{view}": NOBODY for view in READ_ONLY_RECORDS},
    "notifications_deliveries:index": REGISTRAR_ONLY,
    "notifications_deliveries:index_results": REGISTRAR_ONLY,
    "notifications_deliveries:inspect": REGISTRAR_ONLY,
    **{f"notifications_templates:{view}": REGISTRAR_ONLY for view in READ_ONLY_RECORDS if view != "inspect"},
    "notifications_templates:history": REGISTRAR_ONLY,
    # course feedback names the trainee who wrote it: registrars only
    "courses_feedback": REGISTRAR_ONLY,
    # written assignments: editors and registrars write them; lecturers (their courses) and registrars review
    **{
        f"assignments:{view}": staff(OK, OK, NO)
        for view in ("index", "index_results", "add", "edit", "delete", "history", "history_results", "usage")
    },
    "assignments_queue": REGISTRAR_ONLY,
    "assignments_review": REGISTRAR_ONLY,
    "courses_feedback_export_course": REGISTRAR_ONLY,
    "courses_feedback_export_lecturer": REGISTRAR_ONLY,
    # Wagtail's deliberate server error, for trying the error page: only that outsiders never reach it
    "wagtailadmin_error_test": {
        "anonymous": LOGIN,
        "trainee": NO,
        "editor": SKIP,
        "registrar": SKIP,
        "street_admin": SKIP,
    },
    # a scenario's graph and funnel: whoever may edit the page (Wagtail's page permissions; page 1 is no scenario)
    "scenarios_graph": staff(ANY, ANY, ANY),
    "scenarios_funnel": staff(ANY, ANY, ANY),
    "scenarios_funnel_export": staff(ANY, ANY, ANY),
    # the scenario a session asks for beforehand: run by registrars with the sessions (no such record in the world)
    "session_preparations:index": staff(NO, OK, OK),
    "session_preparations:index_results": staff(NO, OK, OK),
    "session_preparations:add": REGISTRAR_ONLY,
    **{
        f"session_preparations:{view}": staff(NO, ANY, NO)
        for view in ("edit", "delete", "copy", "history", "history_results", "usage")
    },
    # the admin home: every member of staff
    "wagtailadmin_home": staff(OK, OK, OK),
}

# Content and Wagtail's own tools: only that outsiders are kept out is asserted; Wagtail's permissions decide
# the rest (these screens hold no trainee data).
CONTENT_NAMESPACES = (
    "wagtailadmin_pages", "wagtailadmin_workflows", "wagtailimages", "wagtailimages_chooser", "wagtaildocs",
    "wagtaildocs_chooser", "wagtailadmin_reports", "wagtailadmin_api", "wagtailsearchpromotions", "wagtailsites",
    "wagtailusers_groups", "wagtailredirects", "wagtailadmin_collections", "wagtailforms", "wagtailsettings",
    "wagtailadmin_editing_sessions", "wagtailembeds", "wagtailsnippets", "wagtailsnippets_courses_competency",
    "wagtailsnippets_courses_lecturer", "wagtailsnippets_academy_venue", "wagtailsnippetchoosers_academy_venue",
    "wagtailsnippetchoosers_courses_competency", "wagtailsnippetchoosers_courses_lecturer",
    "wagtailsnippetchoosers_credits_post", "wagtailusers_users", "wagtailsnippets_academy_searchsynonymgroup",
    "wagtailsnippetchoosers_academy_searchsynonymgroup",
    "wagtailsnippetchoosers_credits_post", "wagtailusers_users", "wagtailsnippets_assessments_bankquestion",
    "wagtailsnippets_assessments_case", "wagtailsnippetchoosers_assessments_bankquestion",
    "wagtailsnippetchoosers_assessments_case", "wagtailsnippets_assessments_legalreference",
    "wagtailsnippetchoosers_assessments_legalreference", "wagtailsnippets_assessments_blueprint",
    "wagtailsnippetchoosers_assessments_blueprint",
)  # fmt: skip
OUTSIDERS_KEPT_OUT = {"anonymous": LOGIN, "trainee": NO, "editor": ANY, "registrar": ANY, "street_admin": ANY}

CONTENT_NAMES = {
    "wagtailadmin_explore_root", "wagtailadmin_explore", "wagtailadmin_explore_results", "wagtail_bulk_action",
    "wagtailadmin_choose_page", "wagtailadmin_choose_page_child", "wagtailadmin_choose_page_search",
    "wagtailadmin_choose_page_chosen_multiple", "wagtailadmin_choose_page_external_link",
    "wagtailadmin_choose_page_email_link", "wagtailadmin_choose_page_phone_link",
    "wagtailadmin_choose_page_anchor_link", "wagtailadmin_tag_autocomplete", "wagtailadmin_tag_model_autocomplete",
    "wagtailadmin_account", "wagtailadmin_dismissibles", "wagtailadmin_block_preview", "wagtailadmin_logout",
}  # fmt: skip
PUBLIC = {
    "wagtailadmin_login", "wagtailadmin_password_reset", "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm", "wagtailadmin_password_reset_complete", "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}  # fmt: skip
UNNAMED_ROUTES = {"admin/test404/", r"admin/^.*/$"}


def expectation_for(name: str, route: str) -> dict[str, str] | None:
    if name in EXPECTATIONS:
        return EXPECTATIONS[name]
    if not name:
        return dict.fromkeys(ROLES, ANY) if route in UNNAMED_ROUTES else None
    if name in PUBLIC:
        return dict.fromkeys(ROLES, ANY)
    if name in CONTENT_NAMES or name.split(":")[0] in CONTENT_NAMESPACES:
        return OUTSIDERS_KEPT_OUT
    return None


def admin_patterns():
    """(route, namespaced name, leaf pattern) for every URL under admin/."""

    def walk(patterns, prefix="", namespaces=()):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                extra = (pattern.namespace,) if pattern.namespace else ()
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), namespaces + extra)
            elif isinstance(pattern, URLPattern):
                name = ":".join((*namespaces, pattern.name)) if pattern.name else ""
                yield prefix + str(pattern.pattern), name, pattern

    return [row for row in walk(get_resolver().url_patterns) if row[0].startswith("admin/")]


def test_every_admin_url_has_an_expectation():
    missing = [
        f"{name or '(unnamed)'} {route}" for route, name, _p in admin_patterns() if expectation_for(name, route) is None
    ]
    assert not missing, "Admin URLs without an expectation in tests/test_admin_matrix.py:\n" + "\n".join(missing)


def _kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def concrete_url(name: str, route: str, ids: dict[str, int]) -> str | None:
    if not name:
        return "/admin/test404/" if route == "admin/test404/" else "/admin/no-such-screen/"
    namespace = name.split(":")[0] if ":" in name else ""
    kwargs = {}
    for kwarg in _kwarg_names(route):
        if kwarg in {"pk", "object_id", "id"}:
            kwargs[kwarg] = ids.get(namespace, 1)
        elif kwarg in ids:
            kwargs[kwarg] = ids[kwarg]
        elif kwarg.endswith("_id") or kwarg in {"page_id", "parent_page_id"}:
            kwargs[kwarg] = 1
        elif kwarg == "token":
            kwargs[kwarg] = "not-a-pending-import"
        elif kwarg == "app_label":
            kwargs[kwarg] = "wagtailcore"
        elif kwarg in {"model_name", "app_name"}:
            kwargs[kwarg] = "page"
        else:
            kwargs[kwarg] = "x"
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        for value in (1, str(uuid.uuid4()), "1"):
            try:
                return reverse(name, kwargs=dict.fromkeys(kwargs, value))
            except NoReverseMatch:
                continue
    return None


def outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code in (301, 302) and "/admin/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (302, 403, 404, 405):
        return NO
    return f"status {response.status_code}"


def leaks_street_b(response, world) -> bool:
    """Whether a page (HTML, JSON, CSV or XLSX) shown to street A's administrator names street B's trainee."""
    trainee = world["trainee_b"]
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        import io

        from openpyxl import load_workbook

        sheet_cells = load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True)
        text = " ".join(str(cell) for row in sheet_cells for cell in row if cell is not None)
    elif content_type.startswith(("text/", "application/json")):
        text = body.decode("utf-8", errors="replace")
    else:
        return False  # PDFs: the sign-in sheet is checked by tests/courses for its rows
    return trainee.real_name in text or trainee.phone[-8:] in text


@pytest.fixture
def world(staff_groups):
    from assessments.demo import seed_permissions as seed_bank_permissions
    from assignments.demo import seed_permissions as seed_assignment_permissions
    from assignments.services import submission_submit
    from credits.demo import seed_permissions
    from tests.assignments.factories import make_assignment

    seed_permissions()  # registrars manage posts, as after seed_demo
    seed_bank_permissions()  # editors write the question bank
    seed_assignment_permissions()  # editors and registrars write assignments
    world = make_two_streets_world()
    world["assignment"] = make_assignment(world["course"])
    world["submission"] = submission_submit(user=world["trainee_b"], assignment=world["assignment"], text="方案")
    district = District.objects.first()
    world["venue"] = Venue.objects.create(name="丰享家文化驿站", district=district, address="湖墅南路1号")
    world["synonyms"] = SearchSynonymGroup.objects.create(terms="业委会、业主委员会")
    notice = notify(
        event=Event.STAFF_NOTICE, recipients=[world["trainee_b"]], context={"title": "通知", "text": "停课"}
    )
    world["delivery"] = notice[0].deliveries.order_by("pk").last()
    world["message_template"] = MessageTemplate.objects.create(
        event=Event.APPOINTMENT_MADE, title="任职", body="{post}"
    )
    return world


def test_every_admin_url_answers_each_role_as_expected(client, world):
    ids = {
        "academy_trainees": world["trainee_b"].pk,
        "courses_enrolments": world["enrolment"].pk,
        "courses_completions": world["completion"].pk,
        "credits_ledger": world["entry"].pk,
        "credits_appointments": world["appointment"].pk,
        "credits_api_clients": world["api_client"].pk,
        "wagtailsnippets_credits_post": world["post"].pk,
        "courses_sessions": world["session"].pk,
        "courses_session_registrations": world["registration"].pk,
        "courses_attendance": world["attendance"].pk,
        "credits_cohorts": world["cohort"].pk,
        "credits_certificates": world["certificate"].pk,
        "credits_certificate_requests": world["certificate_request"].pk,
        "credits_bulk_issues": world["bulk_issue"].pk,
        "notifications_deliveries": world["delivery"].pk,
        "notifications_templates": world["message_template"].pk,
        "course_id": world["course"].pk,
        "assignments": world["assignment"].pk,
        "submission_id": world["submission"].pk,
        "lecturer_id": world["lecturer"].pk,
        "wagtailsnippets_courses_competency": world["competency"].pk,
        "wagtailsnippets_courses_lecturer": world["lecturer"].pk,
        "wagtailsnippets_academy_venue": world["venue"].pk,
        "wagtailsnippets_academy_searchsynonymgroup": world["synonyms"].pk,
        "district": world["street_b"].district_id,
        "street": world["street_b"].pk,
        "community": world["community_b"].pk,
    }
    users = {
        "anonymous": None,
        "trainee": world["trainee_a"],
        "editor": world["editor"],
        "registrar": world["registrar"],
        "street_admin": world["street_admin_a"],
    }
    failures = []
    checked = 0
    for route, name, _pattern in admin_patterns():
        expected = expectation_for(name, route)
        url = concrete_url(name, route, ids)
        if url is None:
            if name in EXPECTATIONS:
                failures.append(f"{name}: could not build a URL for {route}")
            continue
        for role, user in users.items():
            want = expected[role]
            if want == SKIP or (want == ANY and role != "registrar"):
                continue  # Wagtail's own screens for staff: Wagtail's permissions decide
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            got = outcome(response)
            checked += 1
            refused_by_login = want == NO and got == LOGIN  # Wagtail sends non-staff back to its login page
            if response.status_code >= 500 or (want != ANY and got != want and not refused_by_login):
                failures.append(f"{role:12} {name or route:55} {url}: expected {want}, got {got}")
            elif role == "street_admin" and got == OK and leaks_street_b(response, world):
                failures.append(f"{role:12} {name or route:55} {url}: shows street B's trainee")
    assert checked > 500
    assert not failures, "\n".join(failures)


def test_street_administrator_sees_own_streets_records_but_not_another_streets(client, world):
    """The other half of the matrix: street A's administrator opens street A's records."""
    from courses.models import Enrolment

    own = world["trainee_a"]
    enrolment = Enrolment.objects.create(user=own, course=world["course"])
    client.force_login(world["street_admin_a"])
    assert client.get(reverse("academy_trainees:inspect", args=[own.pk])).status_code == 200
    assert client.get(reverse("courses_enrolments:inspect", args=[enrolment.pk])).status_code == 200
    listing = client.get(reverse("academy_trainees:index")).content.decode()
    assert "湖墅学员" in listing and "米市巷学员" not in listing


def test_street_administrator_opens_own_streets_session_records_and_certificates(client, world):
    from courses.models import SessionAttendance, SessionRegistration
    from tests.credits.factories import make_certificate

    own, session = world["trainee_a"], world["session"]
    registration = SessionRegistration.objects.create(session=session, user=own, status="registered")
    attendance = SessionAttendance.objects.create(
        session=session, user=own, status="late", checked_in_at=session.start, method="manual"
    )
    certificate = make_certificate(own, world["programme"], number="拱三方证〔2026〕第000002号")
    world["cohort"].roster.add(own)
    client.force_login(world["street_admin_a"])
    for name, pk in (
        ("courses_session_registrations:inspect", registration.pk),
        ("courses_attendance:inspect", attendance.pk),
        ("credits_certificates:inspect", certificate.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
    roster = client.get(reverse("courses_sessions:roster", args=[session.pk])).content.decode()
    assert "湖墅学员" in roster and "米市巷学员" not in roster
    cohort = client.get(reverse("credits_cohorts:inspect", args=[world["cohort"].pk])).content.decode()
    assert "湖墅学员" in cohort and "米市巷学员" not in cohort
    assert "1 名其他街道学员" in cohort
    client.force_login(world["registrar"])
    cohort = client.get(reverse("credits_cohorts:inspect", args=[world["cohort"].pk])).content.decode()
    assert "湖墅学员" in cohort and "米市巷学员" in cohort
