"""A Wagtail search backend that segments Chinese text with jieba when indexing and when querying.

Wagtail's database backend (modelsearch) splits text on spaces and punctuation only, so 矛盾调处实务与案例分析
is one token and a search for 调处 finds nothing. Here every indexed value and every query goes through
``segment()`` first, so both sides hold the same space-separated words.

The database backend picks an implementation per database (SQLite FTS5, PostgreSQL, MySQL, fallback). Each
of them builds its index rows with a module-level ``ObjectIndexer`` class whose ``prepare_value`` turns a
field value into text; that is the one step they share. ``_segmenting()`` builds, for any of them, an index
class whose ``add_items`` runs the library's own code with a segmenting ``ObjectIndexer`` in its place, so
no library code is copied. Queries are segmented in ``_search`` which both ``search()`` and
``autocomplete()`` go through.

The same index class also writes each page's search document (documents.py), which the site search ranks by.
"""

import types

from modelsearch.backends.database import SearchBackend as database_backend_for_connection
from modelsearch.query import PlainText

from .documents import document_delete, documents_reset, documents_store
from .segment import segment, segment_query


def _segmenting_indexer(base_indexer: type) -> type:
    """Subclass a vendor's ObjectIndexer so that every text it indexes is segmented."""

    class SegmentingObjectIndexer(base_indexer):
        def prepare_value(self, value):
            return segment(super().prepare_value(value))

    SegmentingObjectIndexer.__name__ = f"Segmenting{base_indexer.__name__}"
    return SegmentingObjectIndexer


def _segmenting_index(base_index: type) -> type:
    """Subclass a vendor's index: ``add_items`` segments (with that vendor's indexer) and writes search documents."""
    module = __import__(base_index.__module__, fromlist=["ObjectIndexer"]) if base_index else None
    attributes = {
        "delete_item": _deleting_documents(base_index.delete_item),
        "reset": _resetting_documents(base_index.reset),
    }
    add_items = base_index.add_items
    if hasattr(module, "ObjectIndexer"):
        add_items = types.FunctionType(
            add_items.__code__,
            {**add_items.__globals__, "ObjectIndexer": _segmenting_indexer(module.ObjectIndexer)},
            add_items.__name__,
            add_items.__defaults__,
            add_items.__closure__,
        )
    # The fallback backend (no full-text support) keeps no index rows of its own; the documents are still written.
    attributes["add_items"] = _storing_documents(add_items)
    return type(f"Segmenting{base_index.__name__}", (base_index,), attributes)


def _storing_documents(add_items):
    def add_items_and_documents(self, model, objs):
        objs = list(objs)
        add_items(self, model, objs)
        documents_store(objs)

    return add_items_and_documents


def _deleting_documents(delete_item):
    def delete_item_and_document(self, item):
        delete_item(self, item)
        document_delete(item)

    return delete_item_and_document


def _resetting_documents(reset):
    def reset_with_documents(self):
        reset(self)
        documents_reset()

    return reset_with_documents


class SegmentingQueryMixin:
    """Segment plain-text queries (what the search box sends) the same way the index was segmented."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str):
            query = segment_query(query)
        elif isinstance(query, PlainText):
            query = PlainText(segment_query(query.query_string), operator=query.operator, boost=query.boost)
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


def SearchBackend(params):  # noqa: N802  (Wagtail looks the backend up by this name)
    """Return the database backend Wagtail would choose for this database, made to segment Chinese."""
    backend = database_backend_for_connection(params)
    base = type(backend)
    cls = _CLASSES.get(base)
    if cls is None:
        cls = type(
            f"Jieba{base.__name__}",
            (SegmentingQueryMixin, base),
            {"index_class": _segmenting_index(base.index_class)},
        )
        _CLASSES[base] = cls
    return cls(params)


_CLASSES: dict[type, type] = {}
