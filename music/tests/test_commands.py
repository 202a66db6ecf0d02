"""`manage.py analyze_audio` on generated files: a wav, an mp4's soundtrack and a corrupt file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from music import features
from musicrec.core import synth
from musicrec.core.video import write_clip

SR = 22050


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    groove = synth.render_music(bpm=120, key="C", mode="major", seconds=10, seed=2)
    paths = {
        "wav": folder / "groove.wav",
        "mp4": folder / "clip.mp4",
        "corrupt": folder / "corrupt.mp3",
    }
    synth.write_audio(paths["wav"], groove, SR)
    write_clip(paths["mp4"], groove, SR)
    paths["corrupt"].write_bytes(b"ID3" + bytes(range(256)) * 4)
    features.warm_up()
    return paths


def test_analyze_audio_prints_one_json_line_per_file(media: dict[str, Path]) -> None:
    out = StringIO()
    call_command("analyze_audio", str(media["wav"]), str(media["mp4"]), "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    rows = [json.loads(line) for line in lines]
    assert [row["path"] for row in rows] == [str(media["wav"]), str(media["mp4"])]
    for row in rows:
        assert row["duration_s"] == pytest.approx(10.0, abs=0.1)
        assert row["tempo_bpm"] == pytest.approx(120.0, rel=0.04)
        assert (row["key"], row["mode"]) == ("C", "major")
        for name in ("tempo_candidates", "tempo_confidence", "loudness_lufs", "energy",
                     "danceability", "valence", "arousal", "moods"):  # fmt: skip
            assert name in row


def test_analyze_audio_prints_a_readable_table(media: dict[str, Path]) -> None:
    out = StringIO()
    call_command("analyze_audio", str(media["mp4"]), stdout=out)
    text = out.getvalue()
    assert str(media["mp4"]) in text
    assert "tempo (BPM)" in text and "C major" in text and "loudness (LUFS)" in text


def test_analyze_audio_names_the_unreadable_file_after_analysing_the_others(
    media: dict[str, Path],
) -> None:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "analyze_audio",
            str(media["corrupt"]),
            str(media["wav"]),
            "--json",
            stdout=out,
            stderr=err,
        )
    message = str(info.value)
    assert "1 of 2" in message
    assert "corrupt.mp3: unreadable" in message  # the file named, not the folder it is in
    assert json.loads(out.getvalue().strip())["path"] == str(media["wav"])
    assert "corrupt.mp3" in err.getvalue()
