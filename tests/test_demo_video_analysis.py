"""The video content analysis on the demo videos agrees with what the generator meant.

Every demo video with a file in `sample_data/demo/media/videos/` is analysed for real (decode,
frames, soundtrack, caption, hashtags and sticker text from the latest scrape that lists it) and
compared with `sample_data/demo/truth.json`, which records per video:

- `category`: the creator's content category. The analysis must name it exactly for at least
  `CATEGORY_MIN` of the videos (captions that say nothing about the content, "can we get this
  to 1M?", are the expected misses).
- `soundtrack.bpm`: the tempo the soundtrack was synthesised at (a catalogue track's clip or
  the creator's own music; null for speech). For soundtracks that are music (`speech` false),
  the analysed tempo must match within the tolerance of `tempo_similarity` >= 0.5 (about 9 %,
  half and double time allowed) for at least `TEMPO_MIN` of them. Speech soundtracks must read
  as speech (speech ratio >= `SPEECH_MIN`), so that their tempo comes from the picture.
- `mood`: the video's intended mood, drawn from the creator's `video_moods` mix. The generator
  picks the track by the creator's taste, not by this mood (it only sets the key of a creator's
  own music: minor for sad and dark), so a video meant as "happy" often carries a minor-key
  track. What can be asked is that the intended mood is among the analysis's three strongest
  of the seven moods for at least `MOOD_TOP3_MIN` of the videos; picking three at random would
  reach 3/7 = 43 %.

On failure the test prints the confusion (truth -> analysed) and every miss.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from musicrec.core.descriptors import tempo_similarity
from musicrec.platforms.tiktok import parse_scrape_file
from videos.content import VideoContent, analyze_video_file

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "demo"
MAX_BYTES = 50 * 1024 * 1024

CATEGORY_MIN = 0.90
TEMPO_MIN = 0.90
TEMPO_MATCH = 0.5
SPEECH_MIN = 0.5
MOOD_TOP3_MIN = 0.65


def _scraped_text() -> dict[str, tuple[str, tuple[str, ...], str]]:
    """caption, hashtags, sticker text per video id, from the latest scrape that lists it."""
    texts: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for folder in sorted((DEMO / "scrapes").iterdir()):  # dates ascending: later ones win
        for path in sorted(folder.glob("*.json")):
            for video in parse_scrape_file(path, max_bytes=MAX_BYTES).videos:
                texts[video.external_id] = (
                    video.caption,
                    video.hashtags,
                    " ".join(video.sticker_text),
                )
    return texts


@pytest.fixture(scope="module")
def analysed() -> list[tuple[dict, VideoContent]]:
    from music.features import warm_up

    warm_up()
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    texts = _scraped_text()
    results = []
    for video_id, meant in sorted(truth["videos"].items()):
        media = meant.get("media")
        if not media:
            continue
        caption, hashtags, sticker = texts[video_id]
        content = analyze_video_file(
            DEMO / media["path"], caption=caption, hashtags=hashtags, sticker_text=sticker
        )
        results.append(({"id": video_id, **meant}, content))
    return results


def _top(content: VideoContent, n: int) -> list[str]:
    return [m for m, w in sorted(content.moods.items(), key=lambda kv: -kv[1]) if w > 0][:n]


def _confusion(pairs: list[tuple[str, str]]) -> str:
    counts = Counter(pairs)
    return "\n".join(f"  {t:>18} -> {a:<18} {n}" for (t, a), n in sorted(counts.items()))


def test_demo_videos_all_have_media_and_text(analysed) -> None:
    files = sorted((DEMO / "media" / "videos").glob("*.mp4"))
    assert len(analysed) == len(files) > 0
    assert all(content.frames_analyzed > 0 for _, content in analysed)


def test_demo_video_categories_match_the_generator(analysed) -> None:
    pairs = [
        (meant["category"], content.category.value if content.category else "(none)")
        for meant, content in analysed
    ]
    share = sum(t == a for t, a in pairs) / len(pairs)
    print(f"category exact: {share:.1%} of {len(pairs)}")
    assert share >= CATEGORY_MIN, f"category exact {share:.1%}; confusion:\n{_confusion(pairs)}"


def test_demo_music_soundtracks_have_the_generated_tempo(analysed) -> None:
    music = [
        (m, c) for m, c in analysed if m["soundtrack"]["bpm"] and not m["soundtrack"]["speech"]
    ]
    misses = [
        f"  {m['id']} {m['handle']}: meant {m['soundtrack']['bpm']:.1f}, "
        f"analysed {c.tempo_bpm} ({c.tempo_source})"
        for m, c in music
        if not c.tempo_bpm or tempo_similarity(c.tempo_bpm, m["soundtrack"]["bpm"]) < TEMPO_MATCH
    ]
    share = 1 - len(misses) / len(music)
    print(f"tempo within tolerance: {share:.1%} of {len(music)} music soundtracks")
    assert share >= TEMPO_MIN, "tempo misses:\n" + "\n".join(misses)


def test_demo_speech_soundtracks_read_as_speech(analysed) -> None:
    speech = [(m, c) for m, c in analysed if m["soundtrack"]["kind"] == "speech"]
    assert speech
    ratios = {m["id"]: c.speech_ratio for m, c in speech}
    assert all(r is not None and r >= SPEECH_MIN for r in ratios.values()), ratios


def test_demo_video_moods_hold_the_intended_mood(analysed) -> None:
    rows = [(meant["mood"], _top(content, 3)) for meant, content in analysed]
    share = sum(mood in top for mood, top in rows) / len(rows)
    top1 = sum(top[:1] == [mood] for mood, top in rows) / len(rows)
    print(f"intended mood in the top 3: {share:.1%}, top 1: {top1:.1%} of {len(rows)}")
    pairs = [(mood, top[0] if top else "(none)") for mood, top in rows]
    assert share >= MOOD_TOP3_MIN, (
        f"intended mood in top 3 for {share:.1%}; intended -> strongest:\n{_confusion(pairs)}"
    )
