"""Pure calculations for courses: no ORM, unit-testable without a database."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.utils.translation import gettext, gettext_noop

from .choices import DeliveryMode, QuestionKind, RegistrationStatus, SessionPhase, SessionStatus


@dataclass(frozen=True)
class QuestionSpec:
    """What scoring needs to know about one question."""

    id: str
    kind: str
    option_ids: tuple[str, ...]
    correct_option_ids: frozenset[str]


@dataclass(frozen=True)
class QuizScore:
    """The outcome of scoring one attempt."""

    question_count: int
    correct_count: int
    score: int  # per cent, rounded down so that a pass is never granted by rounding
    passed: bool
    wrong_question_ids: tuple[str, ...]


class AnswerError(ValueError):
    """The answers do not fit the quiz; ``message`` is for the trainee, ``question_id`` names the question."""

    def __init__(self, message: str, question_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.question_id = question_id


def answers_problem(questions: Sequence[QuestionSpec], answers: Mapping[str, Iterable[str]]) -> AnswerError | None:
    """The first thing wrong with a set of answers, or None when every question has a well-formed answer.

    Messages are English msgids marked with gettext_noop; the caller translates them with gettext.
    """
    by_id = {question.id: question for question in questions}
    unknown = [question_id for question_id in answers if question_id not in by_id]
    if unknown:
        return AnswerError(gettext_noop("The answers name a question that is not in this quiz."), unknown[0])
    for question in questions:
        chosen = list(answers.get(question.id, ()))
        if not chosen:
            return AnswerError(gettext_noop("Answer every question before submitting."), question.id)
        if len(set(chosen)) != len(chosen):
            return AnswerError(gettext_noop("An option was chosen twice."), question.id)
        if any(option_id not in question.option_ids for option_id in chosen):
            return AnswerError(gettext_noop("The answers name an option that is not in this question."), question.id)
        if question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
            return AnswerError(gettext_noop("Choose exactly one option for this question."), question.id)
    return None


def quiz_score(questions: Sequence[QuestionSpec], answers: Mapping[str, Iterable[str]], *, pass_mark: int) -> QuizScore:
    """Score answers that ``answers_problem`` accepted: a question is right when exactly its correct options are chosen."""
    wrong = tuple(
        question.id for question in questions if frozenset(answers.get(question.id, ())) != question.correct_option_ids
    )
    total = len(questions)
    correct = total - len(wrong)
    score = (correct * 100) // total if total else 0
    return QuizScore(total, correct, score, score >= pass_mark, wrong)


Item = TypeVar("Item")


def quiz_option_token(digest: str) -> str:
    """The token a trainee sees for an option, from its HMAC digest (hex): short enough for a form, long enough
    (80 bits) that nobody guesses one."""
    return digest[:20]


def shuffled_by_token(items: Sequence[Item], token: Callable[[Item], str]) -> list[Item]:
    """Items in the order of their tokens: as good as a random shuffle when the tokens are HMACs, and the same
    every time for the same tokens (so the page and the API show one order, and a reload does not reshuffle)."""
    return sorted(items, key=token)


def attempts_left(*, max_attempts: int, used: int, passed: bool) -> int:
    """How many more attempts a trainee may make; none once the quiz is passed."""
    if passed:
        return 0
    return max(max_attempts - used, 0)


def course_is_complete(
    *,
    delivery_mode: str,
    required_lesson_ids: Iterable[int],
    done_lesson_ids: Iterable[int],
    has_quiz: bool,
    quiz_passed: bool,
    attended_session: bool = False,
    conditions_met: bool = True,
) -> bool:
    """A course is complete when every required lesson is done and its quiz, if any, is passed, and every condition
    the apps above add (``extensions.py``: a written assignment passed by a lecturer) is met.

    Offline courses complete by attending one of their sessions, never online. A blended course needs both
    parts: its online part done (every required lesson, the quiz if any; a blended course with nothing online
    has only the offline part) AND attendance at one of its sessions. An online course with nothing to do
    online (no required lesson and no quiz) is not completed by enrolling.
    """
    if not conditions_met:
        return False
    if delivery_mode == DeliveryMode.OFFLINE:
        return attended_session
    required = set(required_lesson_ids)
    online_done = required <= set(done_lesson_ids) and (quiz_passed or not has_quiz)
    if delivery_mode == DeliveryMode.BLENDED:
        return attended_session and online_done
    if not required and not has_quiz:
        return False
    return online_done


def progress_percent(*, done: int, total: int) -> int:
    """Share of lessons done, as a whole per cent for a progress bar: rounded to the nearest (1 of 6 is 17 %, as a
    person would say it), but never 100 before every lesson is done nor 0 once one is."""
    if total <= 0 or done <= 0:
        return 0
    if done >= total:
        return 100
    return min(99, max(1, (done * 200 + total) // (total * 2)))


def free_preview_allowed(*, free_preview: bool, is_first_lesson: bool) -> bool:
    """Only the first lesson of a course may be read without enrolling."""
    return free_preview and is_first_lesson


# Offline training ------------------------------------------------------------------------------------------

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=15)


def check_in_problem(*, now: datetime, start: datetime, end: datetime) -> str | None:
    """Why a trainee cannot check in right now (an untranslated msgid), or None: check-in opens 30 minutes
    before the start and closes at the end."""
    if now < start - CHECK_IN_OPENS_BEFORE:
        return gettext_noop("Check-in opens 30 minutes before the session starts.")
    if now > end:
        return gettext_noop("This session has ended; check-in is closed.")
    return None


def is_late(*, checked_in_at: datetime, start: datetime) -> bool:
    """Arriving more than 15 minutes after the start counts as late."""
    return checked_in_at > start + LATE_AFTER


def registration_problem(*, now: datetime, opens: datetime, closes: datetime, status: str) -> str | None:
    """Why a trainee may not register or cancel now (an untranslated msgid), or None."""
    if status == SessionStatus.CANCELLED:
        return gettext_noop("This session has been cancelled.")
    if status != SessionStatus.SCHEDULED:
        return gettext_noop("This session is not open for registration.")
    if now < opens:
        return gettext_noop("Registration for this session has not opened yet.")
    if now > closes:
        return gettext_noop("Registration for this session has closed.")
    return None


def session_phase(*, status: str, start: datetime, end: datetime, now: datetime) -> str:
    """A session's phase now: a scheduled session is in progress from its start and ended from its end; a draft or
    cancelled one stays so (a cancelled session never "ended")."""
    if status != SessionStatus.SCHEDULED:
        return SessionPhase(status)
    if now >= end:
        return SessionPhase.ENDED
    if now >= start:
        return SessionPhase.IN_PROGRESS
    return SessionPhase.SCHEDULED


def waiting_list_moves(*, now: datetime, start: datetime, status: str) -> bool:
    """Whether freed seats still go to the waiting list: only for a scheduled session that has not started (nobody
    is texted a place in a class already under way; after the start a walk-in may take an empty seat)."""
    return status == SessionStatus.SCHEDULED and now < start


def place_for_new_registration(*, registered: int, capacity: int, waiting: int, queue_moves: bool = True) -> str:
    """A new registration gets a seat while seats remain and nobody is waiting for one; otherwise it joins the
    back of the waiting list, so a newcomer never takes a place ahead of someone already waiting."""
    if registered < capacity and (waiting == 0 or not queue_moves):
        return RegistrationStatus.REGISTERED
    return RegistrationStatus.WAITLISTED


def seats_to_fill(*, registered: int, capacity: int, waiting: int, queue_moves: bool) -> int:
    """How many trainees move up from the waiting list now: as many as there are free seats and people waiting."""
    if not queue_moves:
        return 0
    return max(min(capacity - registered, waiting), 0)


# Time on task ------------------------------------------------------------------------------------------------

HEARTBEAT_SECONDS = 15  # the page reports every 15 s while it is visible
HEARTBEAT_SLACK_SECONDS = 5  # network and timer jitter allowed either side of the interval


def required_reading_seconds(*, min_reading_seconds: int | None, estimated_minutes: int) -> int:
    """A lesson's minimum time on task: the editor's figure, or half the estimated minutes when left blank.

    Half, because the estimate is written for a careful first reading; a trainee who reads faster should not
    be held back, but a two-minute click-through of a fifteen-minute lesson is refused.
    """
    if min_reading_seconds is not None:
        return max(0, min_reading_seconds)
    return max(0, estimated_minutes) * 60 // 2


@dataclass(frozen=True)
class HeartbeatDecision:
    """What to do with one heartbeat: accept it (crediting ``credit`` seconds) or refuse it."""

    accepted: bool
    credit: int = 0
    reason: str = ""


def heartbeat_decision(
    *,
    seconds_since_last: float | None,
    interval: int = HEARTBEAT_SECONDS,
    slack: int = HEARTBEAT_SLACK_SECONDS,
) -> HeartbeatDecision:
    """Credit a heartbeat with the wall-clock time since the previous accepted one, measured by the server.

    * The first heartbeat of a visit, or one after a gap longer than interval + slack (the page was hidden
      or closed), starts the clock and credits nothing: hidden time is not time on task.
    * One that arrives sooner than interval − slack after the last is faster than real time (a tampered
      timer, or two tabs on the same lesson) and is refused.
    * Otherwise the elapsed time is credited, never more than interval + slack.
    The browser never says how long it was open; only the server's clock counts.
    """
    if seconds_since_last is None or seconds_since_last > interval + slack:
        return HeartbeatDecision(accepted=True, credit=0)
    if seconds_since_last < interval - slack:
        return HeartbeatDecision(accepted=False, reason="faster_than_real_time")
    return HeartbeatDecision(accepted=True, credit=int(min(seconds_since_last, interval + slack)))


def seconds_remaining(*, required: int, spent: int) -> int:
    return max(0, required - spent)


def duration_words(seconds: int) -> str:
    """A time as a trainee reads it, e.g. "3 分 20 秒" / "3 min 20 s" (translated when called)."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    if minutes and rest:
        return gettext("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}
    if minutes:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    return gettext("%(seconds)d s") % {"seconds": rest}


def countdown_clock(seconds: int) -> str:
    """The time still needed as a counting clock, "02:45" (or "1:02:45" from an hour): the lesson page shows it
    and progress.js counts it down every second in the same form."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


# Video progress ------------------------------------------------------------------------------------------------

MAX_PLAYBACK_RATE = 2.0  # the player offers up to 2× speed; played seconds may run that much faster than the clock
VIDEO_TOLERANCE_SECONDS = 2.0  # rounding of currentTime, timer jitter and a report crossing a network delay
MAX_VIDEO_SECONDS = 6 * 60 * 60

Interval = tuple[float, float]


def merge_intervals(intervals: Iterable[Sequence[float]]) -> list[Interval]:
    """Sort and merge overlapping or touching [start, end] intervals; empty ones are dropped."""
    ordered = sorted((float(start), float(end)) for start, end in intervals if end > start)
    merged: list[Interval] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covered_seconds(intervals: Iterable[Sequence[float]]) -> float:
    """Total length covered by the intervals, each second counted once."""
    return sum(end - start for start, end in merge_intervals(intervals))


def watched_percent(*, watched: float, duration: float) -> int:
    """Share of a video played, as a whole per cent rounded down (so 89.9 % never passes a 90 % rule)."""
    if duration <= 0:
        return 0
    return max(0, min(100, int(watched * 100 // duration)))


@dataclass(frozen=True)
class VideoState:
    """What the server already holds for one trainee and video."""

    duration: float
    intervals: tuple[Interval, ...] = ()
    furthest: float = 0.0


@dataclass(frozen=True)
class VideoUpdate:
    """An accepted report's result: the merged intervals, seconds watched, furthest point and resume position."""

    intervals: tuple[Interval, ...]
    watched: float
    furthest: float
    position: float


class VideoReportError(ValueError):
    """A video report that cannot be true; ``message`` is an English msgid (gettext_noop) for the log and the reply."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def video_report_apply(
    state: VideoState,
    *,
    played: Sequence[Sequence[float]],
    position: float,
    seconds_since_last: float,
    no_skip_ahead: bool,
    tolerance: float = VIDEO_TOLERANCE_SECONDS,
    max_rate: float = MAX_PLAYBACK_RATE,
) -> VideoUpdate:
    """Check a report of intervals played since the last report and fold it into the state, or raise.

    Refused: a negative, reversed or out-of-video interval; more seconds played than could have been played in
    the wall-clock time since the last report; and, when skipping ahead is forbidden, an interval that starts
    beyond the furthest point reached so far (plus tolerance).
    """
    duration = state.duration
    cleaned: list[Interval] = []
    for item in played:
        if len(item) != 2:
            raise VideoReportError(gettext_noop("The progress report is not in the expected form."), "bad_form")
        start, end = float(item[0]), float(item[1])
        if start != start or end != end:  # NaN
            raise VideoReportError(gettext_noop("The progress report is not in the expected form."), "bad_form")
        if start < 0 or end < 0:
            raise VideoReportError(gettext_noop("A played interval cannot be negative."), "negative")
        if end < start:
            raise VideoReportError(gettext_noop("A played interval cannot end before it starts."), "reversed")
        if end > duration + tolerance:
            raise VideoReportError(gettext_noop("A played interval lies outside the video."), "outside")
        cleaned.append((start, min(end, duration)))
    if not 0 <= position <= duration + tolerance:
        raise VideoReportError(gettext_noop("The playing position lies outside the video."), "outside")
    reported = sum(end - start for start, end in cleaned)
    if reported > max(0.0, seconds_since_last) * max_rate + tolerance:
        raise VideoReportError(
            gettext_noop("More of the video was reported played than time has passed."), "faster_than_real_time"
        )
    furthest = state.furthest
    for start, end in sorted(cleaned):
        if no_skip_ahead and start > furthest + tolerance:
            raise VideoReportError(gettext_noop("Skipping ahead in this video is not allowed."), "skipped_ahead")
        furthest = max(furthest, end)
    merged = merge_intervals([*state.intervals, *cleaned])
    watched = min(duration, sum(end - start for start, end in merged))
    return VideoUpdate(
        intervals=tuple(merged), watched=watched, furthest=min(furthest, duration), position=min(position, duration)
    )


# Course feedback ---------------------------------------------------------------------------------------------

FEEDBACK_EDIT_DAYS = 7
FEEDBACK_MIN_RESPONSES = 5  # averages are shown from this many responses, so one trainee's rating is not exposed


def feedback_problem(*, ratings: Mapping[str, object], completed: bool, existing_age_days: float | None) -> str | None:
    """Why a feedback answer may not be saved (an English msgid), or None when it may.

    ``existing_age_days`` is the age of the trainee's earlier answer, or None when this is their first.
    """
    if not completed:
        return gettext_noop("Complete the course before giving feedback.")
    if existing_age_days is not None and existing_age_days > FEEDBACK_EDIT_DAYS:
        return gettext_noop("Your feedback can only be changed within 7 days of giving it.")
    for value in ratings.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return gettext_noop("Each rating must be a whole number from 1 to 5.")
    return None


def feedback_summary_visible(count: int) -> bool:
    return count >= FEEDBACK_MIN_RESPONSES
