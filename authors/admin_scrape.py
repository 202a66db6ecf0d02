"""Admin page to upload a TikTok scrape file: read it, store it, optionally queue its analysis.

Lives at /admin/upload-scrape/ (URL name `admin:scrape-upload`), linked from the creator
accounts list. The file is read completely before anything is written, so a bad one shows its
file name, JSON path (or CSV line and column) and reason on the form and leaves the database as
it was. A good one goes the way every submitted scrape goes (`musicrec.pipeline.scrape_submit`).
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from authors.models import AuthorSource
from musicrec.core.sizes import human_size
from musicrec.pipeline import scrape_submit
from musicrec.platforms.tiktok import ScrapeError, ScrapeResult, read_scrape_upload

PERMISSION = "authors.add_authorsource"


class ScrapeUploadForm(forms.Form):
    file = forms.FileField(
        label="Scrape file",
        help_text=(
            "JSON from TikTok's web API, an Apify tiktok-scraper dataset (nested or dotted keys), "
            "a tiktok-scraper collector file, or a creators CSV (one row per video)."
        ),
    )
    scraped_at = forms.DateTimeField(
        required=False,
        label="Scraped at",
        help_text="When the scrape was taken, if the file does not say (default: now).",
    )
    analyze = forms.BooleanField(
        required=False,
        initial=True,
        label="Analyse after import",
        help_text="Queue the analysis of the scraped creator (music, videos, profile).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = int(settings.SCRAPE_MAX_BYTES)
        try:
            self.result: ScrapeResult = read_scrape_upload(
                upload, source_name=upload.name, size=upload.size, max_bytes=limit
            )
        except ScrapeError as error:
            raise forms.ValidationError(str(error), code="bad_scrape") from None
        return upload

    def clean_scraped_at(self):
        value = self.cleaned_data.get("scraped_at")
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def scrape_upload_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = ScrapeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submitted = scrape_submit(
            form.result,
            user=request.user,
            scraped_at=form.cleaned_data["scraped_at"],
            analyze=form.cleaned_data["analyze"],
        )
        name = form.cleaned_data["file"].name
        messages.success(request, f"Stored {name}: {submitted.summary.describe()}.")
        for warning in submitted.summary.warnings[:5]:
            messages.warning(request, f"{name}: {warning}")
        if (job := submitted.job) is not None:
            link = reverse("admin:core_job_change", args=[job.pk])
            messages.info(
                request,
                format_html(
                    'Analysis of {} queued as <a href="{}">job {}</a>.',
                    job.target_label,
                    link,
                    job.pk,
                ),
            )
        return HttpResponseRedirect(reverse("admin:authors_authorsource_changelist"))
    context = {
        **admin.site.each_context(request),
        "title": "Upload a TikTok scrape",
        "form": form,
        "max_size": human_size(int(settings.SCRAPE_MAX_BYTES)),
        "opts": _author_source_opts(),
    }
    return TemplateResponse(request, "admin/scrape_upload.html", context)


def _author_source_opts():
    return AuthorSource._meta


def install(site: admin.AdminSite) -> None:
    """Add the upload page to `site`'s URLs (before its own, so no app label can shadow it)."""
    original = site.get_urls

    def get_urls():
        view = site.admin_view(scrape_upload_view)
        return [path("upload-scrape/", view, name="scrape-upload"), *original()]

    site.get_urls = get_urls
