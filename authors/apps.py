from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Creators and artists"

    def home_counts(self) -> dict[str, int]:
        """The home page's figure (`musicrec.core.selectors.catalogue_counts`)."""
        from authors.selectors import creator_count

        return {"creators": creator_count()}
