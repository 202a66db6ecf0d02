"""The demo data set: its generator is deterministic, its files are valid and parse, and the
committed copy in sample_data/demo/ is exactly what the generator writes for seed 7."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import av
import numpy as np
import pytest

from conftest import skip_or_fail
from musicrec.core.descriptors import CATEGORY_KEYS
from musicrec.platforms.tiktok import parse_scrape_file

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "sample_data" / "generate.py"
COMMITTED = ROOT / "sample_data" / "demo"
SOURCE_CSV = ROOT.parent / "shared" / "data" / "spotify-tracks-subset" / "test_set.csv"
DATES = ("2026-11-10", "2026-11-24")
MAX_BYTES = 50 * 1024 * 1024


@pytest.fixture
def source_csv() -> Path:
    """The real catalogue the generator draws from: required under CI, skipped elsewhere."""
    if not SOURCE_CSV.is_file():
        skip_or_fail(f"catalogue source {SOURCE_CSV} is not available")
    return SOURCE_CSV


needs_source = pytest.mark.usefixtures("source_csv")


def _run(seed: int, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), "--seed", str(seed), "--out", str(out), "--no-media"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "media" not in p.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def seed7(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SOURCE_CSV.is_file():
        skip_or_fail(f"catalogue source {SOURCE_CSV} is not available")
    out = tmp_path_factory.mktemp("demo7")
    _run(7, out)
    return out


def _load(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


@needs_source
def test_generate_is_deterministic_for_a_seed(seed7: Path, tmp_path: Path) -> None:
    again = _run(7, tmp_path)
    assert _files(tmp_path) == _files(seed7)
    assert "scrapes/2026-11-24" in again.stdout and "KiB" in again.stdout


@needs_source
def test_generate_other_seed_gives_different_data_of_the_same_shape(
    seed7: Path, tmp_path: Path
) -> None:
    _run(8, tmp_path)
    first, second = _files(seed7), _files(tmp_path)
    assert first.keys() == second.keys()
    assert first["truth.json"] != second["truth.json"]
    shapes7 = {s["handle"]: s["shape"] for s in _load(seed7, "manifest.json")["scrapes"]}
    shapes8 = {s["handle"]: s["shape"] for s in _load(tmp_path, "manifest.json")["scrapes"]}
    assert shapes7 == shapes8
    for scrape in _load(tmp_path, "manifest.json")["scrapes"]:
        parse_scrape_file(tmp_path / scrape["path"], max_bytes=MAX_BYTES)


@needs_source
def test_demo_has_distinct_creators_with_20_to_40_videos(seed7: Path) -> None:
    truth = _load(seed7, "truth.json")
    influencers = truth["influencers"]
    assert len(influencers) >= 8
    categories = {i["category"] for i in influencers.values()}
    assert {
        "dance",
        "comedy",
        "beauty-fashion",
        "fitness",
        "food",
        "gaming",
        "travel",
        "education",
    } <= categories
    assert categories <= set(CATEGORY_KEYS)
    per_creator: dict[str, int] = defaultdict(int)
    for video in truth["videos"].values():
        per_creator[video["handle"]] += 1
    assert set(per_creator) == set(influencers)
    assert all(20 <= n <= 40 for n in per_creator.values()), per_creator
    followers = sorted(i["followers"][0] for i in influencers.values())
    assert followers[0] < 10_000 and followers[-1] > 1_000_000  # nano to mega


@needs_source
def test_demo_scrapes_cover_three_shapes_and_two_dates(seed7: Path) -> None:
    scrapes = _load(seed7, "manifest.json")["scrapes"]
    shapes = defaultdict(set)
    for scrape in scrapes:
        shapes[scrape["shape"]].add(scrape["handle"])
        assert scrape["path"] == f"scrapes/{scrape['scraped_at'][:10]}/{scrape['handle']}.json"
    assert {k: len(v) >= 3 for k, v in shapes.items()} == {
        "web": True,
        "apify": True,
        "collector": True,
    }
    for day in DATES:
        assert len(list((seed7 / "scrapes" / day).glob("*.json"))) == len(
            _load(seed7, "truth.json")["influencers"]
        )
    web = _load(seed7, f"scrapes/{DATES[0]}/lunamoves.json")
    assert set(web["userInfo"]) == {"user", "stats", "statsV2"}
    assert isinstance(web["userInfo"]["statsV2"]["followerCount"], str)
    assert isinstance(_load(seed7, f"scrapes/{DATES[0]}/tiago.risos.json"), list)
    assert "collector" in _load(seed7, f"scrapes/{DATES[0]}/pixelraptor.json")


@needs_source
def test_demo_catalogue_is_unchanged_source_rows(seed7: Path) -> None:
    source_lines = SOURCE_CSV.read_text(encoding="utf-8").split("\n")
    lines = (seed7 / "catalogue.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert lines[0] == source_lines[0]
    assert set(lines[1:]) <= set(source_lines[1:])
    rows = list(csv.DictReader((seed7 / "catalogue.csv").open(encoding="utf-8", newline="")))
    assert 100 <= len(rows) <= 140
    assert all(len(row) == 21 for row in rows)
    ids = [row["track_id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert len({row["track_genre"] for row in rows}) >= 20
    flags = list(csv.DictReader((seed7 / "commercial_music.csv").open(encoding="utf-8")))
    assert [f["track_id"] for f in flags] == ids
    assert {f["commercial_ok"] for f in flags} == {"true", "false"}


@needs_source
def test_demo_scrapes_parse_and_agree_with_truth(seed7: Path) -> None:
    truth = _load(seed7, "truth.json")
    catalogue_music = {c["music_id"] for c in truth["catalogue"].values()}
    for scrape in _load(seed7, "manifest.json")["scrapes"]:
        result = parse_scrape_file(seed7 / scrape["path"], max_bytes=MAX_BYTES)
        creator = truth["influencers"][scrape["handle"]]
        author = next(a for a in result.authors if a.handle == scrape["handle"])
        assert author.external_id == creator["user_id"]
        assert author.followers == creator["followers"][DATES.index(scrape["scraped_at"][:10])]
        assert len(result.videos) == scrape["videos"]
        music = {m.external_id: m for m in result.music}
        for video in result.videos:
            meant = truth["videos"][video.external_id]
            assert scrape["scraped_at"][:10] in meant["in_scrapes"]
            assert video.music_external_id == meant["music_id"]
            assert music[video.music_external_id].is_original == meant["is_original_sound"]
            assert meant["is_original_sound"] or meant["music_id"] in catalogue_music
            assert video.views is not None and video.likes is not None
            if meant["media"] is not None:
                assert video.media_url == meant["media"]["path"]


@needs_source
def test_demo_second_scrape_shows_growth_and_new_videos(seed7: Path) -> None:
    for scrape in _load(seed7, "manifest.json")["scrapes"]:
        if scrape["scraped_at"].startswith(DATES[1]):
            continue
        first = parse_scrape_file(seed7 / scrape["path"], max_bytes=MAX_BYTES)
        second = parse_scrape_file(
            seed7 / scrape["path"].replace(DATES[0], DATES[1]), max_bytes=MAX_BYTES
        )
        before = {v.external_id: v for v in first.videos}
        after = {v.external_id: v for v in second.videos}
        assert set(before) < set(after)  # a few new videos, none lost
        for vid, old in before.items():
            assert after[vid].views >= old.views and after[vid].likes >= old.likes
        assert second.authors[0].followers > first.authors[0].followers


@needs_source
def test_demo_music_fit_goes_with_better_performance(seed7: Path) -> None:
    """The generator's deliberate signal: fitting tracks get more views and engagement."""
    truth = _load(seed7, "truth.json")
    fits, lifts = [], []
    for scrape in _load(seed7, "manifest.json")["scrapes"]:
        if not scrape["scraped_at"].startswith(DATES[1]):
            continue
        result = parse_scrape_file(seed7 / scrape["path"], max_bytes=MAX_BYTES)
        views = {v.external_id: math.log(v.views) for v in result.videos if v.views}
        median = float(np.median(list(views.values())))
        for vid, log_views in views.items():
            meant = truth["videos"][vid]
            if not meant["is_original_sound"] and scrape["scraped_at"][:10] in meant["in_scrapes"]:
                fits.append(meant["taste_match"])
                lifts.append(log_views - median)
    assert np.corrcoef(fits, lifts)[0, 1] > 0.2


def test_committed_demo_is_what_the_generator_writes(source_csv: Path, tmp_path: Path) -> None:
    _run(7, tmp_path)
    assert _files(COMMITTED) == _files(tmp_path)


def test_committed_demo_media_exist_and_fit_the_budget() -> None:
    manifest = _load(COMMITTED, "manifest.json")
    truth = _load(COMMITTED, "truth.json")
    for path in manifest["media"]["audio"] + manifest["media"]["videos"]:
        assert (COMMITTED / path).is_file(), path
    assert len(manifest["media"]["audio"]) == len(truth["catalogue"])
    per_creator: dict[str, int] = defaultdict(int)
    for video in truth["videos"].values():
        if video["media"] is not None:
            per_creator[video["handle"]] += 1
    assert set(per_creator) == set(truth["influencers"])
    assert all(4 <= n <= 6 for n in per_creator.values())
    total = sum(
        p.stat().st_size
        for p in (ROOT / "sample_data").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert total < 20 * 1024 * 1024


def test_committed_demo_video_matches_its_plan() -> None:
    truth = _load(COMMITTED, "truth.json")
    video_id, meant = next(
        (vid, v) for vid, v in sorted(truth["videos"].items()) if v["media"] is not None
    )
    with av.open(str(COMMITTED / meant["media"]["path"])) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (360, 640)
        assert container.streams.audio, f"{video_id} has no soundtrack"
        seconds = container.duration / av.time_base
    assert abs(seconds - meant["media"]["seconds"]) < 0.5
    clip = next(iter(truth["catalogue"].values()))["clip"]
    with av.open(str(COMMITTED / clip["path"])) as container:
        assert abs(container.duration / av.time_base - clip["seconds"]) < 0.5
