"""manage.py load_demo: the shipped demo set loads completely, twice changes nothing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from authors.models import Author, AuthorAnalysis, AuthorSnapshot, AuthorSource
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.models import Job, Platform
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
MANIFEST = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
T1 = datetime(2026, 11, 10, 9, tzinfo=UTC)
MODELS = (
    Author, AuthorSource, AuthorSnapshot, Video, VideoSource, VideoSnapshot, VideoMusic, Music,
    MusicSource, MusicSnapshot, MusicFeatures, Job,
)  # fmt: skip


def db_state() -> dict[str, tuple]:
    """Every row of every table the demo writes, minus timestamps that say when it ran."""
    state = {}
    for model in MODELS:
        skip = {"created_at", "updated_at", "first_seen_at", "analyzed_at"}
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        state[model.__name__] = tuple(model.objects.order_by("pk").values_list(*names))
    return state


def test_load_demo_loads_catalogue_and_both_scrape_dates(capsys):
    call_command("load_demo", "--no-analysis")
    out = capsys.readouterr().out
    handles = {entry["handle"] for entry in MANIFEST["scrapes"]}
    assert set(AuthorSource.objects.values_list("handle", flat=True)) == handles
    assert Author.objects.filter(is_creator=True).count() == 10
    # Two dated snapshots per creator, and the latest counts are the later scrape's.
    assert AuthorSnapshot.objects.count() == 20
    assert set(AuthorSource.objects.values_list("last_scraped_at", flat=True)) == {
        datetime.fromisoformat(e["scraped_at"])
        for e in MANIFEST["scrapes"]
        if e["path"].startswith("scrapes/2026-11-24/")
    }
    latest_videos = sum(e["videos"] for e in MANIFEST["scrapes"] if "2026-11-24" in e["path"])
    assert VideoSource.objects.count() >= latest_videos
    # The catalogue: every track with features, a popularity snapshot dated at the first scrape.
    spotify = MusicSource.objects.filter(platform=Platform.SPOTIFY)
    assert spotify.count() == 120
    assert set(MusicSnapshot.objects.values_list("taken_at", flat=True)) == {T1}
    assert MusicFeatures.objects.count() == 120
    assert Music.objects.filter(commercial_ok__isnull=False).count() == 120
    # Licensed sounds are the catalogue tracks; only creators' own sounds are new Music.
    assert (
        not Music.objects.filter(is_original_sound=False)
        .exclude(sources__platform=Platform.SPOTIFY)
        .exists()
    )
    assert not Music.objects.filter(is_original_sound=True, artist__isnull=True).exists()
    # Media paths point at the demo's own files.
    media = VideoSource.objects.exclude(media_url="").values_list("media_url", flat=True)
    assert len(media) == len(MANIFEST["media"]["videos"])
    assert all(Path(path).is_file() for path in media)
    audio = MusicSource.objects.exclude(audio_url="").values_list("audio_url", flat=True)
    assert audio and all(Path(path).is_file() for path in audio)
    assert not Job.objects.exists()
    assert "Scrapes: 20 stored, 0 already there" in out


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo", "--no-analysis")
    before = db_state()
    capsys.readouterr()
    call_command("load_demo", "--no-analysis")
    assert db_state() == before
    out = capsys.readouterr().out
    assert "Catalogue: 120 tracks already there" in out
    assert "Scrapes: 0 stored, 20 already there" in out


def test_load_demo_queues_one_analysis_per_creator_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("load_demo", "--only", "lunamoves", "pixelraptor")
    jobs = Job.objects.filter(kind=Job.Kind.ANALYZE_INFLUENCER)
    assert sorted(jobs.values_list("target_label", flat=True)) == ["@lunamoves", "@pixelraptor"]
    assert set(jobs.values_list("status", flat=True)) == {Job.Status.QUEUED}
    # Nothing new and the jobs still waiting: a second run queues nothing more.
    with django_capture_on_commit_callbacks(execute=False):
        call_command("load_demo", "--only", "lunamoves", "pixelraptor")
    assert jobs.count() == 2


def test_load_demo_with_analysis_of_one_creator(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--only", "lea.au.piano")
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    author = Author.objects.get(sources__handle="lea.au.piano")
    assert AuthorAnalysis.objects.get(author=author).videos_analysed > 0


def test_load_demo_bad_seed_dir(tmp_path):
    with pytest.raises(CommandError, match="manifest.json: no such file"):
        call_command("load_demo", "--seed-dir", str(tmp_path), "--no-analysis")
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns("media"))
    (copy / "scrapes" / "2026-11-10" / "lunamoves.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"lunamoves.json: not JSON"):
        call_command("load_demo", "--seed-dir", str(copy), "--no-analysis")
    assert not AuthorSource.objects.exists() and not Music.objects.exists()
    with pytest.raises(CommandError, match="no scrapes for nobody"):
        call_command("load_demo", "--only", "nobody", "--no-analysis")
