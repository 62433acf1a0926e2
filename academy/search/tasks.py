"""Background work of the site search."""

from django_tasks import task


@task()
def search_reindex_pages():
    """Index every page again (new dictionary words: pages must hold them whole); returns how many pages."""
    from modelsearch.index import insert_or_update_object
    from wagtail.models import Page

    count = 0
    for page in Page.objects.specific():
        insert_or_update_object(page)
        count += 1
    return count
