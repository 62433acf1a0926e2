"""Signals that courses sends for higher apps (credits) to act on. See STYLE.md point 0."""

from django.dispatch import Signal

course_completed = Signal()
"""Sent once per trainee and course, inside the transaction that records the completion.

Sent by ``courses.services.course_completion_check`` with ``sender=CourseCompletion`` and keyword arguments:

- ``user``: the ``academy.User`` who completed the course;
- ``course``: the ``courses.CoursePage`` (its ``competency``, ``credits`` and ``hours`` say what was earned);
- ``completion``: the new ``courses.CourseCompletion`` row (``completed_at`` is the completion time).

A receiver that raises rolls the completion back with it, so awarding credits and recording the completion
succeed or fail together. It is never sent twice for the same trainee and course: the completion row is
unique and a concurrent second report finds it and sends nothing.
"""
