import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_item_choice_paper_copy"),
        ("courses", "0007_lecturer_account"),
    ]

    operations = [
        migrations.AlterField(
            model_name="itemchoice",
            name="quiz",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="courses.quiz",
                verbose_name="quiz",
            ),
        ),
        migrations.AddIndex(
            model_name="itemchoice",
            index=models.Index(fields=["quiz", "option", "paper_size", "paper_score"], name="item_choice_option_sums"),
        ),
    ]
