"""Chosen options carry their response's quiz, score and size (copied once, like the response's own copies), so that
item analysis counts the options from one index without joining a million responses. Filled from the responses;
the next migration makes the quiz required (a separate transaction: PostgreSQL will not alter a table with pending
deferred foreign-key checks from the update)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_responses(apps, schema_editor):
    ItemChoice = apps.get_model("assessments", "ItemChoice")
    ItemResponse = apps.get_model("assessments", "ItemResponse")
    response = ItemResponse.objects.filter(pk=OuterRef("response_id"))
    ItemChoice.objects.update(
        quiz_id=Subquery(response.values("quiz_id")[:1]),
        paper_score=Subquery(response.values("paper_score")[:1]),
        paper_size=Subquery(response.values("paper_size")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_item_analysis_covering_indexes"),
        ("courses", "0007_lecturer_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemchoice",
            name="quiz",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="courses.quiz",
                verbose_name="quiz",
            ),
        ),
        migrations.AddField(
            model_name="itemchoice",
            name="paper_score",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="score of the paper (%)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="itemchoice",
            name="paper_size",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="questions on the paper"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_from_responses, migrations.RunPython.noop),
    ]
