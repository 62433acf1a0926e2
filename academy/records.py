"""Records of what one person did, as opposed to content that editors publish."""


class PersonalRecord:
    """Mixin for a model whose rows record one person's activity (an enrolment, a lesson done, a quiz attempt, a
    ledger row, a certificate, a sign-up, a notice): not content, so Wagtail's reference index leaves it out.

    Wagtail indexes every model it has an admin view for (and any model registered with it) as soon as the model has
    a foreign key, and queues an ``update_reference_index_task`` on every save. Trainee records are saved all day
    long: three quarters of the tasks in the two-host rehearsal were these (docs/performance.md). The index exists
    for an object's "usage" in the admin, which lists the content that uses a page, an image or a snippet; a
    trainee's enrolment is not a use of a course page. Content models (pages, snippets, venues, lecturers, sessions,
    questions, cohorts, settings with an image) stay indexed. tests/test_reference_index.py checks that every model
    of ours with a foreign key to the user model is either this or named there as content.
    """

    wagtail_reference_index_ignore = True
