"""Wagtail's read-only content API (v2) at /api/v2/. Pages expose only their ``api_fields``: course facts and
lesson content, never a quiz (quizzes are not an API field of any page).

Two endpoints answer for the signed-in trainee only (session cookie; anyone else gets 403, someone else's quiz or
attempt 404): ``quizzes/`` the quizzes of the courses they are enrolled in, and for one quiz the paper they may see
now (questions and option ids, never which option is correct nor an explanation before submission; the time left by
the server's clock; the answers saved so far), and ``quiz-attempts/`` their submitted attempts, each with the review
(answers given and correct, explanation, articles, lesson). The learner API (``courses/api.py``) is where a trainee
acts (start, save, submit); these read the same selectors, so the two APIs show the same thing."""

from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from . import selectors, services
from .models import Quiz, QuizAttempt


class _TraineeEndpoint(BaseAPIViewSet):
    """A trainee's own records: signed in by session, listing and detail only, no caching by anyone between."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


class TraineeQuizzesAPIViewSet(_TraineeEndpoint):
    """The quizzes of the courses the trainee is enrolled in; one quiz's detail is what they may see of it now."""

    model = Quiz

    def get_queryset(self):
        courses = selectors.courses_live().filter(enrolments__user=self.request.user)
        return Quiz.objects.filter(course__in=courses).select_related("course").order_by("pk")

    def listing_view(self, request):
        items = [
            {"id": quiz.pk, "course": quiz.course_id, "course_title": quiz.course.title, "title": quiz.title}
            for quiz in self.get_queryset()
        ]
        return Response({"meta": {"total_count": len(items)}, "items": items})

    def detail_view(self, request, pk):
        quiz = get_object_or_404(self.get_queryset(), pk=pk)
        closed = services.quiz_expired_close(user=request.user, course=quiz.course)  # time ran out while away
        return Response(
            {
                "id": quiz.pk,
                "course": quiz.course_id,
                **selectors.quiz_for_trainee(quiz=quiz, user=request.user),
                "closed_attempt": closed.pk if closed is not None else None,
            }
        )


class TraineeAttemptsAPIViewSet(_TraineeEndpoint):
    """The trainee's submitted attempts; one attempt's detail is its review (only ever their own)."""

    model = QuizAttempt

    def get_queryset(self):
        return QuizAttempt.objects.filter(user=self.request.user).select_related("quiz").order_by("pk")

    def listing_view(self, request):
        items = [
            {
                "id": attempt.pk,
                "course": attempt.course_id,
                "number": attempt.number,
                "score": attempt.score,
                "passed": attempt.passed,
                "submitted_at": attempt.submitted_at,
            }
            for attempt in self.get_queryset()
        ]
        return Response({"meta": {"total_count": len(items)}, "items": items})

    def detail_view(self, request, pk):
        attempt = get_object_or_404(self.get_queryset(), pk=pk)
        return Response({"course": attempt.course_id, **selectors.quiz_attempt_review(attempt)})


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
api_router.register_endpoint("quizzes", TraineeQuizzesAPIViewSet)
api_router.register_endpoint("quiz-attempts", TraineeAttemptsAPIViewSet)
