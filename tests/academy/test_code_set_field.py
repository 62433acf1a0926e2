"""The one field for a set of codes (parties of a course, kinds of file of an assignment)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assignments.models import Assignment
from courses.models import CoursePage


def _field(model, name):
    return model._meta.get_field(name)


@pytest.mark.parametrize(
    ("model", "name", "given", "stored"),
    [
        (CoursePage, "audiences", ["pc", "rc", "pc", " oc "], "rc,oc,pc"),
        (CoursePage, "audiences", "pc,rc", "rc,pc"),
        (Assignment, "file_kinds", ["png", "pdf"], "pdf,png"),
    ],
)
def test_codes_are_stored_once_in_the_order_of_their_choices(model, name, given, stored):
    field = _field(model, name)
    assert field.get_prep_value(given) == stored
    assert field.to_python(stored) == stored.split(",")


def test_an_unknown_code_is_refused_with_the_fields_own_message():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            _field(CoursePage, "audiences").validate(["rc", "xx"], None)
        assert refused.value.messages == ["未知的三方类别：xx"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            _field(Assignment, "file_kinds").validate(["heic"], None)
        assert refused.value.messages == ["Unknown kind of file: heic"]


def test_an_empty_set_is_refused_only_where_the_field_may_not_be_blank():
    with pytest.raises(ValidationError):
        _field(CoursePage, "audiences").validate([], None)
    _field(Assignment, "file_kinds").validate([], None)


def test_the_form_offers_the_choices_as_tick_boxes():
    form_field = _field(Assignment, "file_kinds").formfield()
    assert [code for code, _label in form_field.choices] == ["pdf", "jpeg", "png", "docx"]
    assert form_field.required is False
