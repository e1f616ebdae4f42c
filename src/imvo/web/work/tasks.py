"""The one django-tasks task: run a recorded piece of work by its kind."""

from __future__ import annotations

from django_tasks import TaskContext, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from imvo.web.work.services import work_run


@task(takes_context=True)
def work_task(context: TaskContext, work_id: int) -> str:
    """Run the work `work_id` (a worker of `imvo worker`, or the request with the immediate
    backend); returns its status at the end."""
    result = context.task_result
    worker_id = result.worker_ids[-1] if result.worker_ids else ""
    # A heartbeat thread only in a worker: the immediate backend runs the work in the request.
    in_worker = not isinstance(task_backends[result.backend], ImmediateBackend)
    return str(work_run(work_id=work_id, worker_id=worker_id, heartbeat=in_worker))
