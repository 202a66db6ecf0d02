"""The analyze_video management command on generated clips."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from musicrec.core.video import synth_scenes, write_video


@pytest.fixture(scope="module")
def silent_clip(tmp_path_factory) -> Path:
    frames = synth_scenes(
        seconds=6.0,
        fps=10,
        size=(90, 160),
        cuts=2,
        motion=0.5,
        brightness=0.7,
        saturation=0.6,
        warmth=0.5,
        seed=2,
    )
    path = tmp_path_factory.mktemp("command") / "silent.mp4"
    return write_video(path, frames=frames, fps=10, audio=None)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("analyze_video", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_analyze_video_json_prints_every_field(silent_clip):
    output = _run(
        str(silent_clip), "--caption", "new choreo 💃", "--hashtags", "#dance,fyp", "--json"
    )
    data = json.loads(output)
    assert data["path"] == str(silent_clip)
    for key in (
        "duration_s",
        "cuts",
        "cuts_per_min",
        "motion",
        "brightness",
        "saturation",
        "colourfulness",
        "warmth",
        "visual_pace",
        "tempo_bpm",
        "tempo_source",
        "speech_ratio",
        "energy",
        "valence",
        "arousal",
        "moods",
        "category",
        "category_scores",
        "hashtags",
        "partial",
        "evidence",
        "errors",
    ):
        assert key in data, key
    assert data["category"]["value"] == "dance"
    assert data["category"]["source"] == "caption + hashtags"
    assert 0.5 < data["category"]["confidence"] < 1.0
    assert data["hashtags"] == ["dance"]
    assert data["cuts"] == 2
    assert data["errors"] == ["no soundtrack: the file has no audio stream"]


def test_analyze_video_json_one_line_per_file(silent_clip):
    lines = _run(str(silent_clip), str(silent_clip), "--json").strip().splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["frames_analyzed"] == 12 for line in lines)


def test_analyze_video_summary_is_readable(silent_clip):
    output = _run(str(silent_clip), "--hashtags", "cooking")
    assert output.startswith("silent.mp4  (6.0 s, 90x160, 10 fps, partial)")
    assert "category     Food" in output
    assert "2 cuts" in output
    assert "BPM from visual pace" in output
    assert "note         no soundtrack: the file has no audio stream" in output


def test_analyze_video_unreadable_file_fails_naming_it(silent_clip, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    out = StringIO()
    with pytest.raises(CommandError, match="broken.mp4"):
        call_command(
            "analyze_video", str(silent_clip), str(broken), "--json", stdout=out, stderr=StringIO()
        )
    assert json.loads(out.getvalue())["path"] == str(silent_clip)  # the good file still printed


def test_analyze_video_missing_file_fails_naming_it(tmp_path):
    with pytest.raises(CommandError, match="nowhere.mp4"):
        _run(str(tmp_path / "nowhere.mp4"))
