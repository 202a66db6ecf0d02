"""Generate the musicrec demo data set: creators, scrapes at two dates, catalogue, media, truth.

Usage: .venv/bin/python sample_data/generate.py [--seed N] [--out DIR] [--no-media]

Deterministic for a seed: the same seed writes the same bytes. The JSON and CSV files do not
depend on --no-media (media paths in the scrapes name the files a full run writes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: musicrec and demogen importable
    sys.path.insert(0, str(ROOT))
if str(ROOT / "sample_data") not in sys.path:
    sys.path.insert(0, str(ROOT / "sample_data"))

from demogen.catalogue import (  # noqa: E402
    SOURCE_CSV,
    Track,
    build_catalogue,
    write_catalogue,
    write_commercial,
)
from demogen.shapes import WRITERS, video_path  # noqa: E402
from demogen.timeline import SCRAPE_DATES, CreatorPlan, plan_creators  # noqa: E402

from musicrec.core.descriptors import genre_from_spotify, normalise_weights  # noqa: E402

DEFAULT_SEED = 7
DEFAULT_OUT = ROOT / "sample_data" / "demo"
SIZE_BUDGET = 20 * 1024 * 1024  # what the committed sample_data/ may weigh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-media", action="store_true", help="skip audio and video files")
    args = parser.parse_args(argv)
    started = time.monotonic()
    written = generate(seed=args.seed, out=args.out, media=not args.no_media)
    _report(args.out, written, time.monotonic() - started)
    return 0


def generate(*, seed: int, out: Path, media: bool = True) -> list[Path]:
    """Write the whole demo set into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    header, tracks = build_catalogue(seed)
    plans = plan_creators(seed, tracks)
    written: list[Path] = []

    write_catalogue(out / "catalogue.csv", header, tracks)
    write_commercial(out / "commercial_music.csv", tracks)
    written += [out / "catalogue.csv", out / "commercial_music.csv"]

    scrapes: list[dict[str, Any]] = []
    for plan in plans:
        writer: Callable[[CreatorPlan, int], Any] = WRITERS[plan.persona.shape]
        for scrape, day in enumerate(SCRAPE_DATES):
            path = out / "scrapes" / day / f"{plan.persona.handle}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            # The web API and Apify exports are pretty-printed as saved by their tools; the old
            # scraper wrote compact JSON.
            indent = None if plan.persona.shape == "collector" else 2
            _write_json(path, writer(plan, scrape), indent=indent)
            written.append(path)
            scrapes.append(
                {
                    "path": path.relative_to(out).as_posix(),
                    "handle": plan.persona.handle,
                    "shape": plan.persona.shape,
                    "scraped_at": _iso(plan.scrape_times[scrape]),
                    "videos": len(plan.visible(scrape)),
                }
            )

    _write_json(out / "truth.json", _truth(seed, tracks, plans), indent=1)
    _write_json(out / "manifest.json", _manifest(seed, scrapes, tracks, plans), indent=1)
    written += [out / "truth.json", out / "manifest.json"]

    if media:
        written += _write_media(out, seed, tracks, plans)
    return written


def _write_media(out: Path, seed: int, tracks: list[Track], plans: list[CreatorPlan]) -> list[Path]:
    # Imported here so --no-media runs need neither PyAV encoders nor the synth code.
    from demogen.media import write_demo_video, write_track_clip

    written: list[Path] = []
    for track in tracks:
        path = out / "media" / "audio" / f"{track.music_id}.ogg"
        write_track_clip(path, track, seed)
        written.append(path)
    for plan in plans:
        for video in plan.videos:
            if video.media is not None:
                path = out / video_path(video)
                write_demo_video(path, video, seed)
                written.append(path)
    return written


def _truth(seed: int, tracks: list[Track], plans: list[CreatorPlan]) -> dict[str, Any]:
    """What the generator meant, so tests can check analyses against it."""
    influencers: dict[str, Any] = {}
    videos: dict[str, Any] = {}
    for plan in plans:
        p = plan.persona
        taxonomy: dict[str, float] = {}
        for name, weight in p.genres.items():
            key = genre_from_spotify(name) or "pop"
            taxonomy[key] = taxonomy.get(key, 0.0) + weight
        influencers[p.handle] = {
            "user_id": plan.user_id,
            "category": p.category,
            "shape": p.shape,
            "region": p.region,
            "followers": list(plan.followers),
            "moods": normalise_weights(p.moods),
            "video_moods": normalise_weights(p.video_moods),
            "tempo_bpm": list(p.tempo),
            "energy": p.energy,
            "spotify_genres": p.genres,
            "genres": normalise_weights(taxonomy),
            "original_sound_share": p.original_share,
            "original_sound_kind": p.original_kind,
            "original_sound_title": p.original_sound_title,
            "favourite_track_ids": list(plan.favourite_ids),
        }
        for video in plan.videos:
            sound = video.sound
            videos[video.video_id] = {
                "handle": p.handle,
                "category": p.category,
                "mood": video.mood,
                "create_time": video.create_time,
                "in_scrapes": [
                    day
                    for i, day in enumerate(SCRAPE_DATES)
                    if video.create_time < plan.scrape_times[i]
                ],
                "pinned": video.pinned,
                "music_id": sound.music_id,
                "track_id": sound.track.track_id if sound.track is not None else None,
                "is_original_sound": sound.track is None,
                "taste_match": video.match,
                "soundtrack": {
                    "kind": sound.kind,
                    "speech": sound.kind.startswith("speech")
                    or (sound.track is not None and bool(sound.track.clip()["speech"])),
                    "bpm": sound.bpm,
                    "key": sound.key,
                    "mode": sound.mode,
                    "energy": sound.energy,
                },
                "media": (
                    {"path": video_path(video), **asdict(video.media)}
                    if video.media is not None
                    else None
                ),
            }
    catalogue = {
        t.track_id: {
            "music_id": t.music_id,
            "title": t.title,
            "artists": t.artist_display,
            "spotify_genre": t.spotify_genre,
            "genre": t.genre,
            "commercial_ok": t.commercial_ok,
            "clip": {"path": f"media/audio/{t.music_id}.ogg", "seconds": 10.0, **t.clip()},
        }
        for t in tracks
    }
    return {
        "seed": seed,
        "generator": "sample_data/generate.py",
        "scrape_dates": list(SCRAPE_DATES),
        "signal": (
            "views x exp(1.8 * (taste_match - 0.6)), viral chance 0.01 + 0.08 * taste_match, "
            "engagement rates x (0.7 + 0.6 * taste_match); own sounds use the creator's "
            "original_match"
        ),
        "influencers": influencers,
        "videos": videos,
        "catalogue": catalogue,
    }


def _manifest(
    seed: int, scrapes: list[dict[str, Any]], tracks: list[Track], plans: list[CreatorPlan]
) -> dict[str, Any]:
    """An index of the demo folder for loaders: which file is which creator, shape and date."""
    media_videos = [video_path(v) for plan in plans for v in plan.videos if v.media is not None]
    return {
        "seed": seed,
        "source_csv": SOURCE_CSV.name,
        "catalogue": "catalogue.csv",
        "commercial_music": "commercial_music.csv",
        "truth": "truth.json",
        "scrapes": scrapes,
        "media": {
            "audio": sorted(f"media/audio/{t.music_id}.ogg" for t in tracks),
            "videos": sorted(media_videos),
        },
    }


def _write_json(path: Path, data: Any, *, indent: int | None) -> None:
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    path.write_text(text + "\n", encoding="utf-8")


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _report(out: Path, written: list[Path], seconds: float) -> None:
    groups: dict[str, list[int]] = {}
    for path in written:
        rel = path.relative_to(out).as_posix()
        group = "/".join(rel.split("/")[:2]) if "/" in rel else rel
        groups.setdefault(group, []).append(path.stat().st_size)
    print(f"wrote {len(written)} files to {out} in {seconds:.1f} s")
    for group, sizes in sorted(groups.items()):
        print(f"  {group:<28} {len(sizes):>4} files {sum(sizes) / 1024:>9.1f} KiB")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    folder = out.parent
    committed = sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    print(f"  total {out.name}/: {total / 1024 / 1024:.2f} MiB")
    if out.resolve() == DEFAULT_OUT.resolve():
        state = "within" if committed <= SIZE_BUDGET else "OVER"
        print(
            f"  sample_data/ total: {committed / 1024 / 1024:.2f} MiB "
            f"({state} the {SIZE_BUDGET / 1024 / 1024:.0f} MiB budget)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
