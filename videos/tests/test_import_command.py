"""manage.py import_tiktok: files and folders, dates, summaries, and bad input writing nothing."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from authors.models import Author, AuthorSnapshot, AuthorSource
from music.models import Music, MusicSource
from musicrec.core.models import Job
from musicrec.core.sizes import human_size
from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset, creators_csv
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SAMPLES = ROOT / "musicrec" / "platforms" / "tests" / "fixtures" / "samples"
DEMO = ROOT / "sample_data" / "demo"


def db_state() -> dict[str, int]:
    models = (Author, AuthorSource, AuthorSnapshot, Video, VideoSource, VideoSnapshot)
    return {m.__name__: m.objects.count() for m in (*models, VideoMusic, Music, MusicSource, Job)}


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def items(videos: int = 2) -> list[dict]:
    return [copy.deepcopy(i) for i in apify_dataset(authors=1, videos_per_author=videos, seed=9)]


def test_import_tiktok_folder_and_files_with_summary(capsys):
    call_command(
        "import_tiktok", str(SAMPLES), str(DEMO / "scrapes" / "2026-11-10" / "lunamoves.json")
    )
    out = capsys.readouterr().out
    assert out.startswith("Imported 6 files: 53 authors, 148 videos, ")
    # 1 (attachment) + 1 (web item) + 65 (brad wolf) + 50 (trending) + 31 (lunamoves)
    assert VideoSource.objects.count() == 148
    assert AuthorSource.objects.filter(handle="zg.520").exists()
    assert "created 53 authors" in out


def test_import_tiktok_stores_older_scrapes_first_whatever_the_argument_order():
    newer = DEMO / "scrapes" / "2026-11-24" / "lunamoves.json"
    older = DEMO / "scrapes" / "2026-11-10" / "lunamoves.json"
    call_command("import_tiktok", str(newer), str(older), "--media-base", str(DEMO))
    source = AuthorSource.objects.get()
    assert source.last_scraped_at == datetime(2026, 11, 24, 9, tzinfo=UTC)
    newest = json.loads(newer.read_text(encoding="utf-8"))
    assert source.followers == int(newest["userInfo"]["statsV2"]["followerCount"])
    assert AuthorSnapshot.objects.count() == 2
    assert VideoSource.objects.exclude(media_url="").first().media_url.startswith(str(DEMO))


def test_import_tiktok_scraped_at_override_and_reimport(tmp_path):
    path = write(tmp_path / "feed.json", items(3))
    call_command("import_tiktok", str(path), "--scraped-at", "2026-05-01T12:00:00Z")
    assert set(VideoSnapshot.objects.values_list("taken_at", flat=True)) == {
        datetime(2026, 5, 1, 12, tzinfo=UTC)
    }
    before = db_state()
    call_command("import_tiktok", str(path), "--scraped-at", "2026-05-01T12:00:00")
    assert db_state() == before
    call_command("import_tiktok", str(path), "--scraped-at", "2026-05-08T12:00:00Z")
    after = db_state()
    assert after["VideoSnapshot"] == 2 * before["VideoSnapshot"]
    assert {k: v for k, v in after.items() if "Snapshot" not in k} == {
        k: v for k, v in before.items() if "Snapshot" not in k
    }


def test_import_tiktok_analyze_queues_one_job_per_creator(
    tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path / "feed.json", items(2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("import_tiktok", str(path), "--analyze")
    job = Job.objects.get()
    assert (job.kind, job.target_type, job.target_label) == (
        Job.Kind.ANALYZE_INFLUENCER,
        "author",
        "@creator_0",
    )
    assert job.target_id == str(Author.objects.get().pk)
    assert len(callbacks) == 1  # sent to the worker once the import commits


def test_import_tiktok_analyze_queues_every_creator_of_a_creators_csv(
    tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "creators.csv"
    path.write_text(creators_csv(creators=3, videos_per_creator=4), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("import_tiktok", str(path), "--analyze")
    labels = sorted(Job.objects.values_list("target_label", flat=True))
    assert labels == ["@csv_creator_0", "@csv_creator_1", "@csv_creator_2"]
    assert len(callbacks) == 3


def _bad(tmp_path: Path, name: str) -> tuple[Path, str, str]:
    """(file, JSON path, reason) for each kind of bad input."""
    good = items(2)
    if name == "not-json":
        path = tmp_path / "broken.json"
        path.write_text('[{"id": "1",', encoding="utf-8")
        return path, "", "not JSON: "
    if name == "unknown-shape":
        return write(tmp_path / "shape.json", {"users": []}), "$", "unknown scrape shape"
    if name == "missing-id":
        good[1].pop("id")
        return write(tmp_path / "noid.json", good), "$[1].id", "missing"
    if name == "negative-count":
        good[0]["shareCount"] = -3
        return write(tmp_path / "neg.json", good), "$[0].shareCount", "negative count -3"
    if name == "non-numeric-count":
        good[1]["playCount"] = "many"
        return write(tmp_path / "nan.json", good), "$[1].playCount", "non-numeric count 'many'"
    raise AssertionError(name)


@pytest.mark.parametrize(
    "kind", ["not-json", "unknown-shape", "missing-id", "negative-count", "non-numeric-count"]
)
def test_import_tiktok_bad_file_names_file_path_reason_and_writes_nothing(tmp_path, kind):
    good = write(tmp_path / "a_good.json", items(2))
    bad, json_path, reason = _bad(tmp_path, kind)
    before = db_state()
    with pytest.raises(CommandError) as error:
        call_command("import_tiktok", str(good), str(bad))
    message = str(error.value)
    assert "1 of 2 files cannot be imported; nothing was written" in message
    prefix = f"{bad}: {json_path}: " if json_path else f"{bad}: "
    assert prefix + reason in message, message
    assert db_state() == before


def test_import_tiktok_file_over_the_size_limit_writes_nothing(tmp_path, settings):
    settings.SCRAPE_MAX_BYTES = 2000
    small = write(tmp_path / "small.json", {"userInfo": {"user": {"id": "1", "uniqueId": "a"}}})
    big = write(tmp_path / "big.json", items(5))
    with pytest.raises(CommandError) as error:
        call_command("import_tiktok", str(small), str(big))
    assert f"{big}: file is " in str(error.value)
    assert f"over the {human_size(2000)} limit" in str(error.value)
    assert db_state() == dict.fromkeys(db_state(), 0)


def test_import_tiktok_lists_every_bad_file(tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    for kind in ("not-json", "missing-id", "negative-count"):
        bad, _, _ = _bad(tmp_path, kind)
        shutil.move(bad, folder / bad.name)
    with pytest.raises(CommandError) as error:
        call_command("import_tiktok", str(folder))
    message = str(error.value)
    assert message.startswith("3 of 3 files cannot be imported")
    for name in ("broken.json", "noid.json", "neg.json"):
        assert str(folder / name) in message
    assert db_state() == dict.fromkeys(db_state(), 0)


def test_import_tiktok_missing_path_and_bad_date(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("import_tiktok", str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="no \\*.json or \\*.csv scrape files"):
        call_command("import_tiktok", str(tmp_path))
    path = write(tmp_path / "feed.json", items(1))
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("import_tiktok", str(path), "--scraped-at", "last tuesday")
    assert db_state() == dict.fromkeys(db_state(), 0)


# --- Creators CSV --------------------------------------------------------------------------------


def test_import_tiktok_reads_a_creators_csv_and_folders_of_them(tmp_path, capsys):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    shutil.copy(CREATORS_CSV, folder / "creators.csv")
    write(folder / "feed.json", items(2))
    call_command("import_tiktok", str(folder))
    out = capsys.readouterr().out
    assert out.startswith("Imported 2 files: 3 authors, 9 videos, "), out
    assert "1 warnings (-v 2 lists them)" in out  # the CSV row without a sound
    assert AuthorSource.objects.filter(external_id="@mai.bakes").exists()
    assert VideoSource.objects.count() == 9


def test_import_tiktok_bad_csv_row_names_file_line_column_and_writes_nothing(tmp_path):
    lines = CREATORS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",98K,", ",lots,")
    bad = tmp_path / "creators.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    good = write(tmp_path / "a_good.json", items(2))
    with pytest.raises(CommandError) as error:
        call_command("import_tiktok", str(good), str(bad))
    assert f"{bad}: line 3 (row 2), column vid_nview: non-numeric count 'lots'" in str(
        error.value
    ), str(error.value)
    assert db_state() == dict.fromkeys(db_state(), 0)


def test_import_tiktok_csv_over_the_size_limit_writes_nothing(tmp_path, settings):
    settings.SCRAPE_MAX_BYTES = 1000
    with pytest.raises(CommandError, match="creator_videos.csv: file is "):
        call_command("import_tiktok", str(CREATORS_CSV))
    assert db_state() == dict.fromkeys(db_state(), 0)
