"""The question bank's answer to academy's personal-data signal: a trainee's papers (each question as shown, the
answers saved and given, and the score) for their download (connected in AssessmentsConfig.ready()). Papers stay
with an anonymised account, as quiz attempts do: item analysis counts them."""

from academy.privacy import PersonalDataPart

from .models import Paper


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """Every paper drawn for the trainee, open or submitted, as they were shown it, with their answers. The answer
    key is left out of an open paper: the download must not become a way to read the answers before submitting."""
    rows = []
    for paper in Paper.objects.filter(user=user).select_related("quiz__course", "attempt").order_by("drawn_at"):
        attempt = paper.attempt
        rows.append(
            {
                "course": {"code": paper.quiz.course.code, "title": paper.quiz.course.title},
                "quiz": paper.quiz.title,
                "attempt_number": paper.number,
                "drawn_at": paper.drawn_at,
                "deadline": paper.deadline,
                "submitted": attempt is not None,
                "questions": [
                    {
                        "id": question["id"],
                        "number": question["number"],
                        "text": question["text"],
                        "options": [{"id": option["id"], "text": option["text"]} for option in question["options"]],
                    }
                    for question in paper.questions
                ],
                "saved_answers": paper.saved_answers,
                "answers": attempt.answers if attempt else None,
                "score": attempt.score if attempt else None,
                "passed": attempt.passed if attempt else None,
                "wrong_questions": attempt.wrong_questions if attempt else None,
                "submitted_at": attempt.submitted_at if attempt else None,
            }
        )
    return PersonalDataPart(sections={"quiz_papers": rows})
