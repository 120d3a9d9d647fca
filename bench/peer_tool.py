"""Runs inside the peer's virtual environment (django-survey-and-report), from the peer
project folder, for bench/peer.py. Each command prints one JSON object.

    python peer_tool.py setup questions.json   # the survey with our 20 questions
    python peer_tool.py bulk N SEED            # N responses through the ORM (bulk_create)
    python peer_tool.py export                 # time the admin's "Export to CSV" action
    python peer_tool.py count                  # stored responses and answers
    python peer_tool.py queries                # SQL statements of one GET and one POST
"""

import json
import os
import random
import sys
import time
import uuid
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from survey.exporter.csv import Survey2Csv  # noqa: E402

from survey.models import Answer, Category, Question, Response, Survey  # noqa: E402

COMMENTS = ["Fler kollegor och mindre administration.", "Bättre introduktion för nyanställda."]


def _survey():
    return Survey.objects.order_by("id").first()


def setup(path):
    """Create an anonymous, all-on-one-page survey with the given sections and questions:
    agreement scales and yes/no as radio buttons, whole numbers as integers, free text."""
    with open(path, encoding="utf-8") as handle:
        definition = json.load(handle)
    today = timezone.now().date()
    survey = Survey.objects.create(
        name=definition["title"], description=definition["intro"], is_published=True,
        need_logged_user=False, editable_answers=True, display_method=Survey.ALL_IN_ONE_PAGE,
        publish_date=today - timedelta(days=1), expire_date=today + timedelta(days=30),
    )
    order = 0
    for position, section in enumerate(definition["sections"]):
        category = Category.objects.create(name=section["title"], survey=survey,
                                           order=position)
        for item in section["questions"]:
            order += 1
            choices = item.get("choices")
            Question.objects.create(
                text=item["text"], order=order, required=item["required"], survey=survey,
                category=category, type=item["type"],
                choices=",".join(choices) if choices else None,
            )
    print(json.dumps({"survey_id": survey.id, "questions": describe(survey)}))


def describe(survey):
    return [
        {"field": f"question_{q.pk}", "type": q.type, "required": q.required,
         "values": [value for value, _label in q.get_choices()] if q.choices else None}
        for q in survey.questions.order_by("order")
    ]


def random_body(question, rng):
    if question.type == Question.RADIO:
        return slugify(rng.choice(question.get_clean_choices()), allow_unicode=True)
    if question.type == Question.INTEGER:
        return str(rng.randint(0, 60))
    return rng.choice(COMMENTS) if rng.random() < 0.33 else ""


def bulk(count, seed):
    """``count`` responses with an answer to every question, as the web form stores them
    (the answer body set after construction, like ``ResponseForm.save``)."""
    rng = random.Random(seed)
    survey = _survey()
    questions = list(survey.questions.order_by("order"))
    started = time.perf_counter()
    made = answers = 0
    while made < count:
        size = min(2000, count - made)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                [Response(survey=survey, interview_uuid=uuid.uuid4().hex) for _ in range(size)]
            )
            rows = []
            for response in responses:
                for question in questions:
                    answer = Answer(response=response, body=random_body(question, rng))
                    answer.question = question
                    rows.append(answer)
            Answer.objects.bulk_create(rows, batch_size=5000)
        made += size
        answers += len(rows)
    print(json.dumps({"responses": made, "answers": answers,
                      "seconds": time.perf_counter() - started}))


def export():
    """The admin action "Export to CSV" on the survey, timed (the CSV is built in memory
    and written to the HTTP response, as the admin does)."""
    queryset = Survey.objects.filter(pk=_survey().pk)
    request = RequestFactory().get("/admin/survey/survey/")
    started = time.perf_counter()
    response = Survey2Csv.export_as_csv(None, request, queryset)
    seconds = time.perf_counter() - started
    content = response.content.decode("utf-8-sig")
    print(json.dumps({"seconds": seconds, "rows": content.count("\n"),
                      "bytes": len(response.content)}))


def count():
    survey = _survey()
    print(json.dumps({"responses": Response.objects.filter(survey=survey).count(),
                      "answers": Answer.objects.filter(response__survey=survey).count()}))


def queries():
    """SQL statements of one form page and one storing POST, after a warm-up submission
    (Django's test client in this process; CSRF is not checked by it, which adds no
    statement), and of a CSV export of the responses stored so far."""
    survey = _survey()
    rng = random.Random(1)
    path = f"/survey/{survey.pk}/"
    data = {f"question_{q.pk}": random_body(q, rng) for q in survey.questions.all()}
    client = Client()
    client.get(path)
    client.post(path, data)
    with CaptureQueriesContext(connection) as on_get:
        client.get(path)
    with CaptureQueriesContext(connection) as on_post:
        reply = client.post(path, data)
    responses = Response.objects.filter(survey=survey).count()
    with CaptureQueriesContext(connection) as on_export:
        queryset = Survey.objects.filter(pk=survey.pk)
        Survey2Csv.export_as_csv(None, RequestFactory().get("/"), queryset)
    print(json.dumps({"get": len(on_get), "post": len(on_post), "status": reply.status_code,
                      "export": len(on_export), "export_responses": responses}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "setup":
        setup(args[0])
    elif command == "bulk":
        bulk(int(args[0]), int(args[1]))
    elif command == "export":
        export()
    elif command == "count":
        count()
    elif command == "queries":
        queries()
    else:
        sys.exit(f"unknown command {command!r}")
