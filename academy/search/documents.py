"""The search documents: each page's words, title, summary and body apart, for the site search's ranking.

The search backend (backend.py) writes a page's document whenever it indexes the page (publishing, saving, the
``update_index`` command) and deletes it with the page's index entry, so the documents follow the index exactly.
Which field goes where comes from the page model's ``search_fields``: ``title`` is the title, a ``SearchField``
with a boost above 1 is summary, everything else (including related fields such as tags or a venue) is body.
Each document's words are also kept one per row with their hits per field (SearchWord, written and deleted with the
document): a new query reads the rows of its own words only.
"""

from django.db import transaction
from django.db.models import Manager
from django.utils.encoding import force_str
from modelsearch.index import RelatedFields, SearchField
from wagtail.models import Page

from academy.page_cache import content_changed

from .rules import word_counts
from .segment import segment


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_text(item) for item in value.values())
    return force_str(value)


def _collect(obj, fields, texts: dict[str, list[str]]) -> None:
    for field in fields:
        if isinstance(field, SearchField):
            if field.field_name == "title" and isinstance(obj, Page):
                bucket = "title"
            elif (field.boost or 1) > 1:
                bucket = "summary"
            else:
                bucket = "body"
            texts[bucket].append(_text(field.get_value(obj)))
        elif isinstance(field, RelatedFields):
            related = field.get_value(obj)
            if related is None:
                continue
            if isinstance(related, Manager):
                related = related.all()
            elif callable(related):
                related = [related()]
            else:
                related = [related]
            for item in related:
                _collect(item, field.fields, texts)


def document_fields(page: Page) -> dict[str, str]:
    """The page's title, summary and body as space-padded segmented words (" 联席 会议 "), ready to store."""
    texts = {"title": [], "summary": [], "body": []}
    _collect(page, page.get_search_fields(), texts)
    return {bucket: f" {segment(' '.join(parts))} " for bucket, parts in texts.items()}


def document_words(document) -> list:
    """The word-index rows (SearchWord) of a search document: each of its words with its hits per field."""
    from academy.models import SearchWord

    fields = {"title": document.title, "summary": document.summary, "body": document.body}
    return [
        SearchWord(document_id=document.page_id, word=word, title=title, summary=summary, body=body)
        for word, (title, summary, body) in word_counts(fields).items()
    ]


@transaction.atomic
def documents_store(objs) -> None:
    """Write the search documents of the pages among ``objs`` (other indexed models have none), and their words."""
    from academy.models import SearchDocument, SearchWord

    documents = [
        SearchDocument(page_id=obj.pk, **document_fields(obj))
        for obj in objs
        # A page indexed through a parent class (update_index walks Page as well as CoursePage) is skipped: its own
        # class, with all its fields, writes its document.
        if isinstance(obj, Page) and obj.pk and type(obj) is obj.specific_class
    ]
    if documents:
        SearchDocument.objects.bulk_create(
            documents, update_conflicts=True, unique_fields=["page"], update_fields=["title", "summary", "body"]
        )
        SearchWord.objects.filter(document_id__in=[document.page_id for document in documents]).delete()
        SearchWord.objects.bulk_create([word for document in documents for word in document_words(document)])
        content_changed()  # the site search's cached results (academy.page_cache) read these rows


def document_delete(obj) -> None:
    """Delete the search document of a page leaving the index (its words go with it)."""
    from academy.models import SearchDocument

    if isinstance(obj, Page) and obj.pk:
        SearchDocument.objects.filter(page_id=obj.pk).delete()
        content_changed()


def documents_reset() -> None:
    """Delete every search document and word (the index is being rebuilt from nothing)."""
    from academy.models import SearchDocument, SearchWord

    SearchWord.objects.all().delete()
    SearchDocument.objects.all().delete()
    content_changed()
