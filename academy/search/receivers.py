"""Keep the segmenter's dictionary in step with the registry and the synonyms (see segment.py).

A street, community or synonym group saved with words the dictionary did not have adds them; pages indexed before
then hold those words cut in pieces (和 / 畔 / 里), so every page is indexed again, in a task, once the change is
committed. A deletion only refreshes the dictionary: words kept whole in the index do no harm.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from academy.models import Community, SearchSynonymGroup, Street

from .tasks import search_reindex_pages

SOURCES = (Street, Community, SearchSynonymGroup)


def _words_of(instance) -> set[str]:
    from .segment import place_words

    if isinstance(instance, SearchSynonymGroup):
        return set(instance.term_list)
    return place_words([instance.name])


def _take_up(*, reindex: bool) -> None:
    from .segment import dictionary_changed

    dictionary_changed()
    if reindex:
        search_reindex_pages.enqueue()


def remember_words(sender, instance, **kwargs):
    """Note the words the row had before this save (none for a new row)."""
    before = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._search_words_before = _words_of(before) if before is not None else set()


def words_saved(sender, instance, **kwargs):
    added = _words_of(instance) - getattr(instance, "_search_words_before", set())
    transaction.on_commit(lambda: _take_up(reindex=bool(added)))


def words_deleted(sender, instance, **kwargs):
    transaction.on_commit(lambda: _take_up(reindex=False))


for model in SOURCES:
    label = model._meta.label_lower
    receiver(pre_save, sender=model, dispatch_uid=f"search-dictionary-before-{label}")(remember_words)
    receiver(post_save, sender=model, dispatch_uid=f"search-dictionary-saved-{label}")(words_saved)
    receiver(post_delete, sender=model, dispatch_uid=f"search-dictionary-deleted-{label}")(words_deleted)
