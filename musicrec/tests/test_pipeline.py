"""analyze_influencer end to end in sync mode: submit or queue, fetch, store, analyse, outcome."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.exceptions import ValidationError

from authors.models import Author, AuthorAnalysis, AuthorSource
from music.models import Music, MusicFeatures
from musicrec.core.models import Job
from musicrec.ingest import scrape_store
from musicrec.pipeline import analyze_influencer, analyze_influencer_enqueue, scrape_submit
from musicrec.platforms.tiktok import ScrapeError, parse_scrape, parse_scrape_file
from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset
from videos.models import Video, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db


def offline_scrape(videos: int = 4) -> list[dict]:
    """One creator's Apify dataset without media links: analysis reads captions only."""
    items = apify_dataset(authors=1, videos_per_author=videos, sounds=3, seed=11)
    for item in items:
        item["mediaUrls"] = []
        item["videoMeta"].pop("coverUrl")
        item["musicMeta"].pop("playUrl")
    return items


def run(django_capture_on_commit_callbacks, scrape=None, **kwargs) -> Job:
    """Queue (a handle, a creator) or submit (a scrape) and run the task as a worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        if scrape is None:
            job = analyze_influencer_enqueue(**kwargs)
        else:
            job = scrape_submit(parse_scrape(scrape), **kwargs).job
    job.refresh_from_db()
    return job


def test_analyze_influencer_from_a_submitted_scrape_runs_every_step(
    django_capture_on_commit_callbacks, user
):
    job = run(django_capture_on_commit_callbacks, scrape=offline_scrape(), user=user)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress, job.created_by) == (100, user)
    author = Author.objects.get()
    assert (job.target_type, job.target_id, job.target_label) == (
        "author",
        str(author.pk),
        "@creator_0",
    )
    assert job.counts["ingest"]["created"]["video_sources"] == 4
    assert set(job.counts) == {"ingest", "spotify", "music", "trends", "videos", "profile"}
    # No Spotify credentials in tests: identity lookups are skipped, the rest still runs.
    assert job.counts["spotify"]["done"] == 0
    assert job.counts["spotify"]["skipped"] == Music.objects.count()
    assert AuthorAnalysis.objects.filter(author=author).exists()
    assert MusicFeatures.objects.count() == Music.objects.count()


def test_analyze_influencer_by_handle_reads_the_configured_file_source(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    (tmp_path / "creator_0.json").write_text(json.dumps(offline_scrape(3)), encoding="utf-8")
    settings.SCRAPER_SOURCE, settings.SCRAPER_FILE_DIR = "file", tmp_path
    job = run(django_capture_on_commit_callbacks, handle="@Creator_0")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert VideoSource.objects.count() == 3
    assert job.target_label == "@creator_0"


def test_analyze_influencer_of_a_stored_creator_skips_fetch_and_store(
    django_capture_on_commit_callbacks,
):
    summary = scrape_store(result=parse_scrape(offline_scrape(2)))
    job = run(django_capture_on_commit_callbacks, author_id=summary.main_author_id)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert "ingest" not in job.counts
    assert AuthorAnalysis.objects.filter(author_id=summary.main_author_id).exists()


def test_analyze_influencer_unknown_handle_fails_readably_and_writes_nothing(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.SCRAPER_SOURCE, settings.SCRAPER_FILE_DIR = "file", tmp_path
    job = run(django_capture_on_commit_callbacks, handle="nobody.here")
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Could not read the scrape: no scrape for @nobody.here")
    assert job.finished_at is not None
    assert not AuthorSource.objects.exists() and not Video.objects.exists()


def test_analyze_influencer_file_without_the_handle_fails_before_storing(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    (tmp_path / "someone.json").write_text(json.dumps(offline_scrape(2)), encoding="utf-8")
    settings.SCRAPER_SOURCE, settings.SCRAPER_FILE_DIR = "file", tmp_path
    job = run(django_capture_on_commit_callbacks, handle="someone")
    assert job.status == Job.Status.FAILED
    assert "the scrape has no author @someone" in job.error
    assert not Video.objects.exists()


def test_analyze_influencer_a_failing_later_step_keeps_the_ingest(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    """A track whose audio is not audio fails its analysis: the Job is PARTIAL, rows stay."""
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(b"this is not an ogg file" * 100)
    items = offline_scrape(3)
    for item in items:
        item["musicMeta"]["playUrl"] = str(broken)
    job = run(django_capture_on_commit_callbacks, scrape=items)
    assert job.status == Job.Status.PARTIAL, (job.status, job.error)
    assert job.progress == 100
    assert "music: " in job.error
    # Every other step ran: only the broken audio is reported.
    assert {line.split(":", 1)[0] for line in job.error.splitlines()} == {"music"}
    assert {"trends", "profile"} <= set(job.counts)
    assert VideoSource.objects.count() == 3
    assert job.counts["ingest"]["created"]["video_sources"] == 3


@pytest.mark.parametrize("by", ["scrape", "handle"])
def test_analyze_influencer_run_again_from_what_it_queued_stores_no_second_snapshots(
    django_capture_on_commit_callbacks, settings, tmp_path, by
):
    """A retry (or a worker killed mid-task, run again) stores no second set of counts: a
    submitted scrape is stored once, before anything is queued, and a fetched file without a
    time of its own is dated by the file, not by each run."""
    items = offline_scrape(3)
    settings.SCRAPER_SOURCE, settings.SCRAPER_FILE_DIR = "file", tmp_path
    (tmp_path / "creator_0.json").write_text(json.dumps(items), encoding="utf-8")
    job = run(django_capture_on_commit_callbacks, **({"scrape": items} if by == "scrape" else
                                                      {"handle": "creator_0"}))  # fmt: skip
    snapshots = VideoSnapshot.objects.count()

    analyze_influencer(job.pk, **job.task["kwargs"])

    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
    assert snapshots == VideoSource.objects.count() == VideoSnapshot.objects.count() == 3


def test_a_submitted_scrape_reaches_the_worker_as_an_id_not_as_its_rows(
    django_capture_on_commit_callbacks,
):
    """What django-q2 signs and hands the broker (its pre_enqueue signal carries the task) is
    the creator's id: a few hundred bytes for a scrape of 1 MB of JSON."""
    from django_q.signals import pre_enqueue
    from django_q.signing import SignedPackage

    packages: list[bytes] = []

    def sent(sender, task, **kwargs):
        packages.append(SignedPackage.dumps(task))

    items = offline_scrape(1_300)
    assert len(json.dumps(items)) > 1_000_000
    pre_enqueue.connect(sent, dispatch_uid="payload-test")
    try:
        job = run(django_capture_on_commit_callbacks, scrape=items)
    finally:
        pre_enqueue.disconnect(dispatch_uid="payload-test")

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.task["kwargs"] == {"author_id": int(job.target_id)}
    assert len(packages) == 1 and len(packages[0]) < 2_000, [len(p) for p in packages]
    assert job.counts["ingest"]["created"]["video_sources"] == 1_300


def test_analyze_influencer_enqueue_validates_its_input(db):
    with pytest.raises(ValidationError, match="exactly one"):
        analyze_influencer_enqueue(handle="a", author_id=1)
    with pytest.raises(ValidationError, match="exactly one"):
        analyze_influencer_enqueue()
    with pytest.raises(ValidationError) as error:
        analyze_influencer_enqueue(handle="not a handle!")
    assert "handle" in error.value.message_dict
    with pytest.raises(ValidationError) as missing:
        analyze_influencer_enqueue(author_id=987654)
    assert "author_id" in missing.value.message_dict
    assert not Job.objects.exists()


def test_scrape_submit_writes_nothing_when_the_scrape_has_no_author(db):
    with pytest.raises(ScrapeError, match="holds no author"):
        scrape_submit(parse_scrape({"itemList": []}))
    assert not Job.objects.exists() and not AuthorSource.objects.exists()


def test_analyze_influencer_task_reports_a_missing_creator(db):
    job = Job.objects.create(kind=Job.Kind.ANALYZE_INFLUENCER)
    analyze_influencer(job.pk, author_id=424242)
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "No creator with id 424242.")


def test_scrape_submit_labels_the_job_before_it_runs():
    # Nothing is sent before the transaction commits, so the Job waits, already labelled,
    # holding the counts of what was stored.
    job = scrape_submit(parse_scrape(offline_scrape(1))).job
    assert (job.status, job.target_label, job.kind) == (
        Job.Status.QUEUED,
        "@creator_0",
        Job.Kind.ANALYZE_INFLUENCER,
    )
    assert job.counts["ingest"]["created"]["video_sources"] == 1


def test_pipeline_module_names_the_task_it_enqueues():
    from musicrec import pipeline

    module, _, name = pipeline.TASK.rpartition(".")
    assert getattr(importlib.import_module(module), name) is analyze_influencer


def test_analyze_influencer_says_when_its_tracks_have_no_features(
    django_capture_on_commit_callbacks,
):
    # A creators CSV has no audio: "Analysed @duc.runs: 3 videos, 2 tracks" read as analysed.
    result = parse_scrape_file(CREATORS_CSV, max_bytes=10_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        job = scrape_submit(result).job
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.counts["music"]["done"] == 0
    count = Music.objects.filter(videos__author_id=job.target_id).distinct().count()
    assert count and job.message.startswith("Analysed @duc.runs: "), job.message
    assert job.message.endswith(
        f"videos, {count} track{'s' if count != 1 else ''}, none with audio or catalogue features"
    ), job.message
