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

session_attended = Signal()
"""Sent once per trainee and training session, inside the transaction that records the attendance.

Sent by ``courses.services.attendance_record`` with ``sender=SessionAttendance`` and keyword arguments:

- ``user``: the ``academy.User`` who attended;
- ``session``: the ``courses.TrainingSession`` (its ``hours`` are the offline hours earned, its ``course`` the
  offline or blended course);
- ``attendance``: the new ``courses.SessionAttendance`` row.

Credits records the offline hours from it. The course's credits do not come from here: attending completes an
offline course (or the offline part of a blended one) through ``course_completion_check``, which sends
``course_completed`` once, as for any course.
"""
