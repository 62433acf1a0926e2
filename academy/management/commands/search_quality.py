"""Measure the site search against the query set: recall, top-3 accuracy and false matches (docs/search.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import setup_test_environment, teardown_test_environment

from academy.search.quality import QUERIES_FILE, load_queries, measure, unknown_titles


class Command(BaseCommand):
    help = "Run every query of tests/search/queries.json through the search page on this database and report."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=QUERIES_FILE, help="The query set (JSON).")
        parser.add_argument("--verbose-misses", action="store_true", help="List each query that misses.")

    def handle(self, *args, file, verbose_misses, **options):
        queries = load_queries(file)
        unknown = unknown_titles(queries)
        if unknown:
            raise CommandError(f"No live page has these titles (seed the demo data first): {sorted(unknown)}")
        # The test client records the template context only in a test environment (and allows its host there).
        setup_test_environment()
        try:
            quality = measure(queries)
        finally:
            teardown_test_environment()
        if verbose_misses:
            for outcome in quality.outcomes:
                if (outcome.expected and (outcome.recall < 1 or not outcome.top_hit)) or not outcome.clean:
                    self.stdout.write(f"{outcome.query}: recall {outcome.recall if outcome.expected else '-'}")
                    self.stdout.write(f"    expected {outcome.expected}")
                    self.stdout.write(f"    found    {outcome.found[:5]}")
        self.stdout.write(
            f"queries {len(quality.outcomes)} (judged {len(quality.judged)}): recall {quality.recall:.1%}, "
            f"top-3 {quality.top3:.1%}, free of false matches {quality.clean:.1%}"
        )
