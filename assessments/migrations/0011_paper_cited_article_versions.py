"""Papers keep the articles their questions cite as they stood when the paper was drawn (``LegalArticle.snapshot``),
so that a new version of a law does not rewrite the review of an earlier attempt. Papers drawn before this change
get the version in force now: the best that is known of them."""

from django.db import migrations

DIGITS = "零一二三四五六七八九"
UNITS = ("", "十", "百", "千")


def chinese_number(number):
    # A frozen copy of assessments.rules.chinese_number (a migration does not import the app's code).
    if number < 10:
        return DIGITS[number]
    if number < 20:
        return "十" + (DIGITS[number % 10] if number % 10 else "")
    text, parts, pending_zero = str(number), [], False
    for position, character in enumerate(text):
        digit = int(character)
        if digit == 0:
            pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(DIGITS[digit] + UNITS[len(text) - position - 1])
    return "".join(parts)


def snapshot(article):
    return {
        "article": article.pk,
        "law": article.law.name,
        "short_name": article.law.short_name,
        "version": article.law.version,
        "number": article.number,
        "label": f"第{chinese_number(article.number)}条",
        "text": article.text,
        "link": article.law.link,
    }


def backfill(apps, schema_editor):
    Paper = apps.get_model("assessments", "Paper")
    BankQuestion = apps.get_model("assessments", "BankQuestion")
    cited = {}
    for question in BankQuestion.objects.prefetch_related("citations__law"):
        articles = sorted(question.citations.all(), key=lambda article: (article.law.name, article.number))
        if articles:
            cited[question.pk] = [snapshot(article) for article in articles]
    batch = []
    for paper in Paper.objects.only("pk", "key").iterator(chunk_size=2000):
        if all("articles" in entry for entry in paper.key.values()):
            continue
        for entry in paper.key.values():
            entry.setdefault("articles", cited.get(entry["question"], []))
        batch.append(paper)
        if len(batch) >= 2000:
            Paper.objects.bulk_update(batch, ["key"])
            batch = []
    Paper.objects.bulk_update(batch, ["key"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_item_choice_quiz_required_and_index")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
