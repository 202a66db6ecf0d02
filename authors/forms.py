"""The "Analyse a creator" form: a handle to fetch, or a scrape file to read.

The file is read the way `POST /api/v1/analyze-tiktok` reads an upload (size limit, UTF-8 JSON
or a creators CSV told apart by content, every shape and value checked), so a bad one is
refused on the form naming the JSON path or CSV line and column, and the reason; a good one is
stored by the same service the API calls (`musicrec.pipeline.scrape_submit`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from musicrec.core.sizes import human_size
from musicrec.platforms.tiktok import ScrapeError, ScrapeResult, read_scrape_upload


class AnalyzeCreatorForm(forms.Form):
    handle = forms.CharField(
        required=False,
        max_length=100,
        label="TikTok handle",
        help_text="With or without “@”; fetched from the configured scraper source.",
        widget=forms.TextInput(attrs={"placeholder": "@lunamoves", "autocomplete": "off"}),
    )
    file = forms.FileField(
        required=False,
        label="Or upload a scrape file",
        help_text=(
            "JSON from TikTok's web API, an Apify tiktok-scraper dataset, a tiktok-scraper "
            "collector file, or a creators CSV (one row per video)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scrape: ScrapeResult | None = None
        self.fields["file"].help_text += f" Up to {human_size(int(settings.SCRAPE_MAX_BYTES))}."

    def clean_file(self) -> Any:
        """Read the upload (JSON or CSV); a file that is neither is explained by the parser."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        limit = int(settings.SCRAPE_MAX_BYTES)
        name = upload.name or "upload.json"
        try:
            self.scrape = read_scrape_upload(
                upload, source_name=name, size=upload.size, max_bytes=limit
            )
        except ScrapeError as error:
            raise forms.ValidationError(str(error), code="bad_scrape") from None
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        handle = (cleaned.get("handle") or "").strip()
        cleaned["handle"] = handle
        has_file = bool(cleaned.get("file")) or "file" in self.errors
        if handle and has_file:
            raise forms.ValidationError("Give a handle or a file, not both.", code="both")
        if not handle and not has_file:
            raise forms.ValidationError(
                "Give a TikTok handle to fetch, or upload a scrape file.", code="neither"
            )
        return cleaned
