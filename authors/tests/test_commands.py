"""`manage.py analyze_authors`: which creators, what it prints, and how it fails."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from authors.models import Author, AuthorAnalysis
from authors.tests.factories import AuthorFactory, AuthorSourceFactory
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db


def creator(handle: str, *, videos: int = 2, **account) -> Author:
    author = AuthorSourceFactory(
        author__name=handle.title(), handle=handle, followers=30_000, **account
    ).author
    for days in range(1, videos + 1):
        video = VideoFactory(author=author, posted_at=timezone.now() - timedelta(days=days))
        VideoSourceFactory(
            video=video, views=1_000 * days, likes=100, comments=0, shares=0, saves=0
        )
    return author


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("analyze_authors", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_analyze_authors_without_handles_analyses_every_creator() -> None:
    # printed in name order: Lunamoves, Sciencewithsam
    luna = creator("lunamoves")
    sam = creator("sciencewithsam", videos=0)
    AuthorFactory(name="An Artist", is_creator=False, is_artist=True)

    out, err = run()

    assert set(AuthorAnalysis.objects.values_list("author_id", flat=True)) == {luna.pk, sam.pk}
    lines = out.splitlines()
    assert lines[0] == (
        "@lunamoves: complete; 2 videos; engagement by views 7.50 %; 3.5 videos/week; tier micro"
    )  # ER: median of 100/1,000 and 100/2,000; rate: (2 - 1) videos / (2 days / 7)
    assert lines[1] == (
        "@sciencewithsam: nothing to analyse (no videos); 0 videos; engagement by views n/a; "
        "n/a videos/week; tier micro"
    )
    assert lines[2] == "Analysed 2 creator(s)."
    assert "Profile analysis" in err and "100%" in err and "2/2" in err


def test_analyze_authors_json_prints_what_the_api_serves(auth_api_client) -> None:
    luna = creator("LunaMoves")
    creator("other")

    out, _ = run("@lunamoves", "LUNAMOVES", "--json")

    lines = out.splitlines()
    assert len(lines) == 1  # the same creator twice is analysed once
    printed = json.loads(lines[0])
    assert lines[0] == json.dumps(printed, ensure_ascii=False, separators=(",", ":"))
    served = auth_api_client.get(reverse("api-v1:author-analysis", args=[luna.pk])).json()
    assert printed == served
    assert printed["author"] == luna.pk and printed["window"]["videos_analysed"] == 2
    assert AuthorAnalysis.objects.count() == 1


def test_analyze_authors_json_for_an_empty_profile() -> None:
    creator("hidden", videos=0, is_private=True)
    out, _ = run("hidden", "--json")
    printed = json.loads(out)
    assert (printed["status"], printed["status_reason"]) == ("empty", "private_account")
    assert printed["performance"]["median_views"] is None


def test_analyze_authors_unknown_handle_names_it_and_does_nothing() -> None:
    creator("lunamoves")
    with pytest.raises(CommandError, match=r"Unknown handle\(s\): @nobody, @ghost") as error:
        run("lunamoves", "@nobody", "ghost")
    assert error.value.returncode == 1
    assert not AuthorAnalysis.objects.exists()


def test_analyze_authors_reports_failures_and_exits_non_zero(settings) -> None:
    creator("lunamoves")
    settings.AUTHOR_WINDOW_VIDEOS = 0  # a broken configuration: the analysis refuses it
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 1 analyses failed: @lunamoves"):
        call_command("analyze_authors", stdout=out, stderr=err)
    assert "@lunamoves: failed: ValueError: window_videos must be at least 1" in err.getvalue()
    assert out.getvalue() == ""
