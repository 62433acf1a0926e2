"""Chosen options carry their response's quiz, score and size (copied once, like the response's own copies), so that
item analysis counts the options from one index without joining a million responses. Filled from the responses;
the next migration makes the quiz required (a separate transaction: PostgreSQL will not alter a table with pending
deferred foreign-key checks from the update)."""

import sqlite3

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_responses(apps, schema_editor):
    """One set-based ``UPDATE … FROM`` (PostgreSQL, SQLite from 3.33): the choices joined to their responses once,
    rather than three correlated look-ups per choice (see docs/performance.md, question bank)."""
    ItemChoice = apps.get_model("assessments", "ItemChoice")
    ItemResponse = apps.get_model("assessments", "ItemResponse")
    connection = schema_editor.connection
    if connection.vendor == "postgresql" or (connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33)):
        quote = connection.ops.quote_name
        choice, response = ItemChoice._meta, ItemResponse._meta

        def column(meta, name):
            return quote(meta.get_field(name).column)

        choices = quote(choice.db_table)
        copied = ", ".join(
            f"{column(choice, name)} = response.{column(response, name)}" for name in ("quiz", "paper_score", "paper_size")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {choices} SET {copied} FROM {quote(response.db_table)} AS response "  # noqa: S608 (names only)
                f"WHERE response.{column(response, 'id')} = {choices}.{column(choice, 'response')}"
            )
        return
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
