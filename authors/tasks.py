"""django-q2 entry points for the profile analysis: take ids, call one service."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from authors import services
from authors.models import Author
from musicrec.core.jobs import job_run_batch

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


def author_analyze_many_task(job_id: int, author_ids: Sequence[int]) -> dict[str, int]:
    """Analyze creators under a Job: progress per creator, problems listed, the Job ended by
    the batch rule (`musicrec.core.jobs.batch_status`)."""
    return job_run_batch(
        job_id,
        services.author_analyze_many,
        label="Profiles",
        start="Analysing profiles",
        author_ids=list(author_ids),
    )
