from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = "Videos"

    def home_counts(self) -> dict[str, int]:
        """The home page's figure (`musicrec.core.selectors.catalogue_counts`)."""
        from videos.selectors import video_count

        return {"videos": video_count()}
