"""The alerts job as a django-tasks task, for installations that run a task worker
(``python manage.py db_worker``). It does exactly what ``send_alerts`` does."""

from django_tasks import task

from .outbox import run_alerts


@task()
def send_alerts():
    return run_alerts()
