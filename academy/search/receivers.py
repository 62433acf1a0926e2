"""Keep the segmenter's dictionary in step with the registry and the synonyms (see segment.py).

A new street, community or synonym adds its words to the dictionary; pages indexed before then still hold the
word cut in pieces (和 / 畔 / 里), so they are indexed again, in a task, once the change is committed.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from academy.models import Community, SearchSynonymGroup, Street

from .tasks import search_reindex_pages


@receiver(post_save, sender=Street, dispatch_uid="search-dictionary-street-saved")
@receiver(post_save, sender=Community, dispatch_uid="search-dictionary-community-saved")
@receiver(post_save, sender=SearchSynonymGroup, dispatch_uid="search-dictionary-synonym-saved")
@receiver(post_delete, sender=Street, dispatch_uid="search-dictionary-street-deleted")
@receiver(post_delete, sender=Community, dispatch_uid="search-dictionary-community-deleted")
@receiver(post_delete, sender=SearchSynonymGroup, dispatch_uid="search-dictionary-synonym-deleted")
def dictionary_source_changed(sender, **kwargs):
    transaction.on_commit(_take_up_new_words)


def _take_up_new_words():
    from .segment import dictionary_changed

    if dictionary_changed():
        search_reindex_pages.enqueue()
