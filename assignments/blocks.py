"""The rubric (评分量规) as editors build it: criteria, each with two or more levels worth points."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class LevelBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("level"), max_length=40, help_text=_("For example “优秀”, “合格”, “需改进”."))
    points = blocks.IntegerBlock(label=_("points"), min_value=0, max_value=100)
    description = blocks.TextBlock(label=_("what it looks like"), required=False, max_length=500)

    class Meta:
        icon = "list-ol"
        label = _("Level")


class CriterionBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("criterion"), max_length=80)
    description = blocks.TextBlock(label=_("description"), required=False, max_length=500)
    levels = blocks.ListBlock(LevelBlock(), label=_("levels"), min_num=2, max_num=6)

    class Meta:
        icon = "tick"
        label = _("Criterion")

    def clean(self, value):
        value = super().clean(value)
        labels = [level["label"].strip() for level in value["levels"]]
        if len(set(labels)) != len(labels):
            raise StructBlockValidationError(
                block_errors={"levels": ValidationError(_("Give each level of a criterion its own name."))}
            )
        return value


class RubricBlock(blocks.StreamBlock):
    criterion = CriterionBlock()

    class Meta:
        min_num = 1
        max_num = 10
        block_counts = {}
