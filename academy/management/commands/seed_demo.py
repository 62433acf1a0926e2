"""Load the demo data, app by app; running it again changes nothing."""

from importlib import import_module, util

from django.core.management.base import BaseCommand

# People and places first, then the site's home page (every other section is a page under it), then apps in
# dependency order (STYLE.md point 0). A module may also define finish(), run once everything is seeded: the
# home page uses it to feature courses that did not exist when it was first seeded.
DEMO_MODULES = [
    "academy.demo",
    "home.demo",
    "courses.demo",
    "assessments.demo",
    "scenarios.demo",
    "assignments.demo",
    "credits.demo",
]


class Command(BaseCommand):
    help = "Create the demo data (places, groups, accounts, courses, programmes, content). Idempotent."

    def handle(self, *args, **options):
        accounts = []
        for module_name in DEMO_MODULES:
            if util.find_spec(module_name.split(".")[0]) is None or util.find_spec(module_name) is None:
                continue
            result = import_module(module_name).seed()
            if isinstance(result, list):
                accounts.extend(result)
            self.stdout.write(f"seeded {module_name}")
        for module_name in DEMO_MODULES:
            if util.find_spec(module_name.split(".")[0]) and util.find_spec(module_name):
                finish = getattr(import_module(module_name), "finish", None)
                if finish is not None:
                    finish()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/ with:"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<28} {account.login:<32} {account.password}   ({account.name})")
