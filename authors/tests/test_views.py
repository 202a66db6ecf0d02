"""Creator dashboard pages: list, detail, re-run, analyse form, job progress."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from authors import presentation
from authors.models import Author, AuthorAnalysis, AuthorSource
from authors.services import author_analyze
from authors.tests.factories import AuthorAnalysisFactory, AuthorFactory, AuthorSourceFactory
from musicrec.core.jobs import job_create, job_finish, job_progress, job_start
from musicrec.core.models import AnalysisStatus, Job
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape_file
from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset
from videos.models import Video
from videos.services import video_analyze
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoMusicFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
DEMO_SCRAPE = DEMO / "scrapes" / "2026-11-24" / "lea.au.piano.json"
LIST_URL = reverse("authors:list")
ANALYZE_URL = reverse("authors:analyze")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def analysed_creator() -> Author:
    """A demo creator stored from their scrape and analysed (no media analysis needed)."""
    result = parse_scrape_file(DEMO_SCRAPE, max_bytes=settings.SCRAPE_MAX_BYTES)
    summary = scrape_store(result=result, media_base=DEMO)
    author_analyze(author_id=summary.main_author_id)
    return Author.objects.get(pk=summary.main_author_id)


def creator(name: str, *, tier: str = "micro", category: str = "dance", **analysis) -> Author:
    account = AuthorSourceFactory(author__name=name, handle=name.lower().replace(" ", "."))
    AuthorAnalysisFactory(author=account.author, tier=tier, top_category=category, **analysis)
    return account.author


def as_file(data, name: str = "feed.json") -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


# --- login -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [LIST_URL, ANALYZE_URL, "/creators/1/", "/creators/jobs/1/"],
)
def test_creator_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_old_analyse_paths_redirect_keeping_the_method(logged_in):
    response = logged_in.get("/creators/analyse/")
    assert (response.status_code, response["Location"]) == (308, ANALYZE_URL)
    posted = logged_in.post("/creators/7/analyse/")
    assert (posted.status_code, posted["Location"]) == (308, "/creators/7/analyze/")


# --- list --------------------------------------------------------------------------------------


def test_author_list_shows_figures_with_their_formulas(logged_in, analysed_creator):
    response = logged_in.get(LIST_URL)
    assert response.status_code == 200
    assert "authors/list.html" in [t.name for t in response.templates]
    page = response.content.decode()
    analysis = analysed_creator.analysis
    assert analysed_creator.name in page
    assert f"{analysis.engagement_rate_by_views * 100:.2f} %" in page
    assert "median over videos of (likes + comments + shares + saves) / views" in page
    assert f"badge tier-{analysis.tier}" in page
    assert reverse("authors:detail", args=[analysed_creator.pk]) in page


def test_author_list_filters_by_tier_category_and_search(logged_in):
    creator("Ada Dance", tier="micro", category="dance")
    creator("Bo Food", tier="mega", category="food")
    creator("Cy Comedy", tier="micro", category="comedy")
    AuthorFactory(name="Artist Only", is_creator=False)

    def names(**params) -> list[str]:
        response = logged_in.get(LIST_URL, params)
        return [row["author"].name for row in response.context["rows"]]

    assert sorted(names()) == ["Ada Dance", "Bo Food", "Cy Comedy"]
    assert names(tier="micro", sort="name") == ["Ada Dance", "Cy Comedy"]
    assert names(category="food") == ["Bo Food"]
    assert names(search="@cy.comedy") == ["Cy Comedy"]
    assert names(tier="micro", category="food") == []


def test_author_list_sorts_by_engagement_and_cadence(logged_in):
    creator("Low", engagement_rate_by_views=0.02, videos_per_week=5.0)
    creator("High", engagement_rate_by_views=0.15, videos_per_week=1.0)
    AuthorSourceFactory(author__name="Unanalysed")

    def names(sort: str) -> list[str]:
        rows = logged_in.get(LIST_URL, {"sort": sort}).context["rows"]
        return [row["author"].name for row in rows]

    assert names("engagement") == ["High", "Low", "Unanalysed"]
    assert names("cadence") == ["Low", "High", "Unanalysed"]


def test_author_list_paginates_with_fixed_queries(logged_in, django_assert_max_num_queries):
    for i in range(3):
        creator(f"Creator {i:02d}")
    # + the role check: the user's and their groups' permissions
    with django_assert_max_num_queries(8) as few:
        logged_in.get(LIST_URL)
    for i in range(3, 30):
        creator(f"Creator {i:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = logged_in.get(LIST_URL, {"sort": "name"})
    assert len(first.context["rows"]) == 25
    second = logged_in.get(LIST_URL, {"sort": "name", "page": 2})
    assert [row["author"].name for row in second.context["rows"]] == [
        f"Creator {i:02d}" for i in range(25, 30)
    ]
    assert "sort=name&amp;page=2" in first.content.decode()


def test_author_list_htmx_returns_the_results_partial(logged_in):
    creator("Ada Dance")
    response = logged_in.get(LIST_URL, {"search": "ada"}, headers={"HX-Request": "true"})
    assert [t.name for t in response.templates][0] == "authors/partials/_list_results.html"
    assert "<html" not in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_author_list_empty_state_points_to_the_analyse_page(logged_in):
    page = logged_in.get(LIST_URL).content.decode()
    assert "No creators yet" in page
    assert f'href="{ANALYZE_URL}"' in page
    filtered = logged_in.get(LIST_URL, {"search": "nobody"}).content.decode()
    assert "No creator matches these filters" in filtered


# --- detail ------------------------------------------------------------------------------------


def test_author_detail_shows_every_section_with_formulas(logged_in, analysed_creator):
    response = logged_in.get(analysed_creator.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    metrics = analysed_creator.analysis.metrics
    for heading in (
        "Reach &amp; performance",
        "Engagement",
        "Consistency &amp; virality",
        "Growth",
        "Content signals",
        "Music habits",
        "Content profile",
        "Views per video",
    ):
        assert heading in page
    assert "median over videos of (likes + comments + shares + saves) / views" in page
    assert "1 / (1 + gap_cv): 1 = clockwork" in page
    assert f"{metrics['engagement']['engagement_rate_by_views'] * 100:.2f} %" in page
    # One scrape only: growth says why it is empty instead of showing zeros.
    assert "Needs two scrapes" in page
    assert f'href="/recommendations/creator/{analysed_creator.pk}/"' in page
    chart = response.context["views_chart"]
    assert chart["type"] == "line"
    assert (
        len(chart["datasets"][0]["data"]) == Video.objects.filter(author=analysed_creator).count()
    )
    assert 'id="views-chart-data"' in page and 'data-chart="views-chart-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_author_detail_dates_the_figures_as_of_the_scrape_not_as_analysed(
    logged_in, analysed_creator
):
    # The analysis clock is the latest scrape, so an analysis run today of a scrape from June
    # 2025 read "Analysed 6 Jun 2025" and looked 18 months stale.
    analysis = analysed_creator.analysis
    page = logged_in.get(analysed_creator.get_absolute_url()).content.decode()
    when = f"{analysis.analyzed_at:%-d %b %Y %H:%M}"
    assert f"Figures as of {when}</span> (analysis v{analysis.version})" in page
    assert f"Analysed {when}" not in page


def test_author_detail_links_sounds_to_their_track_page(logged_in, analysed_creator):
    page = logged_in.get(analysed_creator.get_absolute_url()).content.decode()
    video = Video.objects.filter(author=analysed_creator, music_links__isnull=False).first()
    assert f'href="/music/{video.music_links.first().music_id}/"' in page


def add_videos(author: Author, count: int) -> None:
    """`count` more dated TikTok videos of the author, each with a sound and a content analysis."""
    for _ in range(count):
        post = VideoSourceFactory(video__author=author)
        VideoMusicFactory(video=post.video, is_primary=True)
        VideoContentAnalysisFactory(video=post.video)


def test_author_detail_query_count_does_not_grow_with_videos(
    logged_in, analysed_creator, django_assert_max_num_queries
):
    # session, user, permissions (user's, groups'), creator (+ accounts), video count, one page
    # of videos (+ their sounds), the chart's points, the top tracks' pages: fixed whatever the
    # number of videos, which the database pages.
    url = analysed_creator.get_absolute_url()
    assert Video.objects.filter(author=analysed_creator).count() > 10
    with django_assert_max_num_queries(11) as few:
        logged_in.get(url)
    add_videos(analysed_creator, 60)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = logged_in.get(url)
    assert len(response.context["video_page"].object_list) == 50
    video_rows = [
        q["sql"] for q in many.captured_queries if q["sql"].startswith('SELECT "videos_video"."id"')
    ]
    assert len(video_rows) == 1 and video_rows[0].endswith("LIMIT 50")


def test_author_detail_pages_videos_in_the_database_and_charts_them_all(
    logged_in, analysed_creator
):
    add_videos(analysed_creator, 60)
    total = Video.objects.filter(author=analysed_creator).count()
    url = analysed_creator.get_absolute_url()
    first = logged_in.get(url)
    assert first.context["video_count"] == total
    assert len(first.context["video_page"].object_list) == 50
    last = logged_in.get(url, {"vpage": 2})
    rows = last.context["video_page"].object_list
    assert len(rows) == total - 50
    newest_first = [
        v.pk
        for v in Video.objects.filter(author=analysed_creator).order_by(
            F("posted_at").desc(nulls_last=True), "-pk"
        )
    ]
    shown = [row["video"].pk for row in first.context["video_page"].object_list]
    assert shown + [row["video"].pk for row in rows] == newest_first
    assert rows[0]["music"] is not None and rows[0]["content"] is not None
    assert "Page 2 of 2" in last.content.decode()
    # The chart still plots every dated video with views, oldest first.
    chart = first.context["views_chart"]
    assert len(chart["datasets"][0]["data"]) == total


def test_author_detail_without_analysis_says_so(logged_in):
    account = AuthorSourceFactory(author__name="Fresh Creator", bio="new here")
    response = logged_in.get(reverse("authors:detail", args=[account.author_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not analysed yet" in page
    assert "new here" in page
    assert "No videos stored for this creator" in page


def test_author_detail_private_account_shows_a_banner(logged_in):
    account = AuthorSourceFactory(is_private=True)
    AuthorAnalysisFactory(
        author=account.author,
        status=AnalysisStatus.EMPTY,
        videos_analysed=0,
        metrics={
            "status": "private_account",
            "status_label": "private account",
            "window": {"videos_analysed": 0, "video_limit": 30, "day_limit": 90},
            "growth": {"snapshot_count": 1},
        },
        notes=["Private account: its videos and their stats are not visible."],
    )
    page = logged_in.get(reverse("authors:detail", args=[account.author_id])).content.decode()
    assert 'class="banner banner-warn"' in page
    assert "Private account." in page
    assert "its videos and their stats are not visible" in page
    # Reach and growth still mean something; per-video sections would only show dashes.
    assert "Reach &amp; performance" in page and "Needs two scrapes" in page
    assert "Consistency &amp; virality" not in page and "Content profile" not in page


def test_author_detail_music_mix_says_why_it_is_empty_for_sounds_without_audio(logged_in):
    # A creators CSV carries no audio: no sound of mai.bakes has a genre, mood or tempo.
    summary = scrape_store(result=parse_scrape_file(CREATORS_CSV, max_bytes=10_000_000))
    account = AuthorSource.objects.get(handle="mai.bakes")
    analysis = author_analyze(author_id=account.author_id)
    assert summary.music_ids and analysis.metrics["music"]["videos_with_music_descriptor"] == 0
    page = logged_in.get(reverse("authors:detail", args=[account.author_id])).content.decode()
    assert "From the 0 window videos" not in page
    assert "What performed best" not in page
    assert (
        f"None of the {analysis.videos_analysed} videos in the window uses a sound with a known "
        "genre, mood or tempo (no audio was analysed and no catalogue label applies)"
    ) in page


def test_author_detail_says_where_each_video_mood_was_read_from(logged_in):
    # No media, as in a creators CSV: the mood comes from the caption's emoji alone.
    account = AuthorSourceFactory(handle="yennoicomdien")
    video = Video.objects.create(
        author=account.author, caption="Khi tui đột nhập Nhà NOBITA ngoài đời kiểu 😱"
    )
    analysis = video_analyze(video_id=video.pk, analyze_authors=False)
    assert analysis.top_mood == "dark"
    page = logged_in.get(reverse("authors:detail", args=[account.author_id])).content.decode()
    mood = 'Dark / tense<span class="sub" title="Where the mood was read from">caption</span>'
    assert mood in page


def test_author_detail_says_why_a_creator_has_no_content_profile(logged_in):
    # A news account as the 2025 creators CSV has it: no media, no category or mood words.
    account = AuthorSourceFactory(handle="vtv24news")
    for caption in ("Cơ quan công an xác định", "Mở rộng điều tra vụ án"):
        video = Video.objects.create(
            author=account.author, caption=caption, hashtags=["vtv24"], posted_at=timezone.now()
        )
        VideoSourceFactory(video=video, views=7_400_000)
        assert video_analyze(video_id=video.pk, analyze_authors=False).status == "empty"
    author_analyze(author_id=account.author_id, now=timezone.now())
    page = logged_in.get(reverse("authors:detail", args=[account.author_id])).content.decode()
    assert "Content profile" in page and "Built from 0 videos" not in page
    assert "consistency –" not in page
    assert (
        "None of the 2 videos in the window gave content evidence to build it from (analysed "
        "audio or pictures, or mood and category words in a caption), so recommendations for "
        "this creator rest on popularity, trends and what other creators use."
    ) in page
    assert "has a content category yet" not in page
    assert "No video in the window has a content category (not analysed, or no category" in page


def test_mood_source_names_the_signals_behind_valence_and_arousal_and_the_caption():
    heard = {"weights": {"sound metadata": 0.7, "text": 0.3}}
    evidence = {
        "valence": heard,
        "arousal": {"weights": {"sound metadata": 0.6, "visual pace": 0.4}},
        "moods": {"signals": {"valence": 0.4, "arousal": 0.5}, "text_share": 0.2},
    }
    detail = {"evidence": evidence}
    assert presentation.mood_source(detail) == "sound metadata + caption + visual pace"
    evidence["moods"]["text_share"] = 0.0
    evidence["valence"] = {"weights": {"soundtrack": 1.0}}
    assert presentation.mood_source(detail) == "soundtrack + sound metadata + visual pace"
    assert presentation.mood_source({}) == ""


def test_author_detail_unknown_creator_is_404(logged_in):
    assert logged_in.get(reverse("authors:detail", args=[999])).status_code == 404


def test_author_reanalyze_queues_a_job_and_follows_it(
    client, curator_user, analysed_creator, django_capture_on_commit_callbacks
):
    # Re-running an analysis is a curator's action (musicrec.core.roles).
    client.force_login(curator_user)
    logged_in = client
    AuthorAnalysis.objects.filter(author=analysed_creator).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("authors:reanalyze", args=[analysed_creator.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("authors:job", args=[job.pk])
    assert (job.kind, job.target_type, job.target_id) == (
        Job.Kind.AUTHOR_ANALYSIS,
        "author",
        str(analysed_creator.pk),
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert AuthorAnalysis.objects.filter(author=analysed_creator).exists()
    rerun_url = reverse("authors:reanalyze", args=[analysed_creator.pk])
    assert logged_in.get(rerun_url).status_code == 405


# --- analyse form ------------------------------------------------------------------------------


def test_author_analyze_page_lists_recent_jobs(logged_in, user):
    job = job_create(kind=Job.Kind.ANALYZE_INFLUENCER, target_label="@someone", created_by=user)
    response = logged_in.get(ANALYZE_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "@someone" in page and reverse("authors:job", args=[job.pk]) in page


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[{", "bad.json: not JSON: "),
        (json.dumps({"nope": 1}).encode(), "bad.json: $: unknown scrape shape"),
    ],
)
def test_author_analyze_bad_file_names_file_path_and_reason(logged_in, content, expected):
    response = logged_in.post(ANALYZE_URL, {"file": as_file(content, "bad.json")})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not (AuthorSource.objects.exists() or Video.objects.exists() or Job.objects.exists())


def test_author_analyze_bad_count_names_the_json_path(logged_in):
    items = copy.deepcopy(apify_dataset(authors=1, videos_per_author=2, seed=3))
    items[1]["commentCount"] = -4
    response = logged_in.post(ANALYZE_URL, {"file": as_file(items, "feed.json")})
    assert "feed.json: $[1].commentCount: negative count -4" in response.content.decode()
    assert not (AuthorSource.objects.exists() or Job.objects.exists())


def test_author_analyze_file_over_the_limit(logged_in, settings):
    settings.SCRAPE_MAX_BYTES = 500
    items = apify_dataset(authors=1, videos_per_author=3, seed=3)
    response = logged_in.post(ANALYZE_URL, {"file": as_file(items)})
    assert "over the 500 bytes limit" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "Give a TikTok handle to fetch, or upload a scrape file."),
        ({"handle": "   "}, "Give a TikTok handle to fetch, or upload a scrape file."),
        ({"handle": "@bad handle!"}, "is not a TikTok handle"),
    ],
)
def test_author_analyze_rejects_missing_or_bad_handles(logged_in, data, expected):
    response = logged_in.post(ANALYZE_URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(expected in message for messages in errors.values() for message in messages)
    assert expected.replace("'", "&#x27;") in response.content.decode()
    assert not Job.objects.exists()


def test_author_analyze_upload_runs_the_pipeline_and_shows_the_job(
    logged_in, django_capture_on_commit_callbacks
):
    items = apify_dataset(authors=1, videos_per_author=4, seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(ANALYZE_URL, {"file": as_file(items)})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("authors:job", args=[job.pk])
    job.refresh_from_db()
    assert job.is_finished and job.target_type == "author"
    page = logged_in.get(response["Location"]).content.decode()
    assert reverse("authors:detail", args=[int(job.target_id)]) in page
    assert 'hx-trigger="every 1s"' not in page


def test_author_analyze_unknown_handle_ends_in_a_failed_job_with_the_reason(
    logged_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(ANALYZE_URL, {"handle": "@no.such.creator"})
    job = Job.objects.get()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    page = logged_in.get(response["Location"]).content.decode()
    assert "The job failed." in page
    assert "no scrape for @no.such.creator" in page


# --- job page ----------------------------------------------------------------------------------


def test_job_detail_polls_while_running_and_stops_when_finished(logged_in, user):
    job = job_create(kind=Job.Kind.AUTHOR_ANALYSIS, target_type="author", target_id=7)
    job_start(job.pk, "Analysing profiles")
    job_progress(job.pk, 40, "Analysed 2 of 5 profiles")
    url = reverse("authors:job", args=[job.pk])

    full = logged_in.get(url)
    assert "authors/job.html" in [t.name for t in full.templates]
    assert "htmx" in full.content.decode()

    partial = logged_in.get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert [t.name for t in partial.templates][0] == "authors/partials/_job_status.html"
    assert "<html" not in body
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="40"' in body and "Analysed 2 of 5 profiles" in body

    job_finish(job.pk, counts={"done": 4, "failed": 1}, problems=["author 9: no longer exists"])
    done = logged_in.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "Finished with 1 problem" in done and "author 9: no longer exists" in done
    assert "<th>Done</th><td>4</td>" in done
    assert reverse("authors:detail", args=[7]) in done


def test_job_detail_unknown_job_is_404(logged_in):
    assert logged_in.get(reverse("authors:job", args=[999])).status_code == 404


# --- presentation (pure) -----------------------------------------------------------------------


def test_job_count_rows_reads_flat_and_nested_counts():
    counts = {
        "ingest": {"created": {"videos": 8, "music": 0}, "updated": {"videos": 0}, "warnings": 0},
        "music_step": 3,
    }
    assert presentation.job_count_rows(counts) == [
        ("Ingest", "created: videos 8 · updated: none · warnings 0"),
        ("Music step", "3"),
    ]
    assert presentation.job_count_rows(None) == []


def test_views_chart_needs_a_dated_video_with_views():
    assert presentation.views_chart([], {}) is None


def test_figures_pair_each_value_with_its_formula():
    [figure] = presentation.figures({"regularity": 0.587}, (("regularity", "Regularity", "n"),))
    assert figure.value == 0.587
    assert figure.formula.startswith("1 / (1 + gap_cv)")


def test_author_analyze_accepts_a_creators_csv(logged_in, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("creators.csv", CREATORS_CSV.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(ANALYZE_URL, {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.is_finished and job.target_label == "@duc.runs"
    assert Video.objects.count() == 7


def test_author_analyze_bad_csv_names_line_and_column(logged_in):
    content = CREATORS_CSV.read_bytes().replace(b"music_originality", b"music_original")
    response = logged_in.post(ANALYZE_URL, {"file": as_file(content, "creators.csv")})
    assert (
        "creators.csv: line 1: missing column music_originality in the header"
        in response.content.decode()
    )
    assert not (AuthorSource.objects.exists() or Job.objects.exists())
