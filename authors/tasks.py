"""django-q2 entry points for the profile analysis: take ids, call one service."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from authors import services
from authors.models import Author
from musicrec.core.jobs import job_fail, job_finish, job_progress_fn, job_start

logger = logging.getLogger(__name__)


def author_analyze_task(author_id: int) -> int | None:
    """Recompute one creator's analysis (queued by `author_analysis_enqueue`).

    Returns the AuthorAnalysis id; None when the creator was deleted before the worker ran,
    which is not a failure worth retrying.
    """
    try:
        return services.author_analyze(author_id=author_id).pk
    except Author.DoesNotExist:
        logger.info("profile analysis skipped: author %s no longer exists", author_id)
        return None


def author_analyze_many_task(job_id: int, author_ids: Sequence[int]) -> None:
    """Analyse creators under a Job: progress per creator, problems listed, PARTIAL on some
    failures, FAILED when none succeeded."""
    job_start(job_id, "Analysing profiles")
    try:
        summary = services.author_analyze_many(
            author_ids=list(author_ids), progress=job_progress_fn(job_id)
        )
    except Exception as exc:
        job_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    if summary.done == 0 and summary.problems:
        job_fail(job_id, "\n".join(summary.problems), counts=summary.as_counts())
        return
    job_finish(
        job_id,
        counts=summary.as_counts(),
        message=f"Analysed {summary.done} of {len(author_ids)} profiles",
        problems=summary.problems,
    )
