"""Name AuthorAnalysis columns as the profile analysis names its figures (authors.analysis)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0001_initial"),
    ]

    operations = [
        # The index names its old column, and RenameField does not rewrite index fields.
        migrations.RemoveIndex(model_name="authoranalysis", name="authors_aut_engagem_8d0f5a_idx"),
        migrations.RenameField("authoranalysis", "videos_analyzed", "videos_analysed"),
        migrations.RenameField(
            "authoranalysis", "engagement_rate_views", "engagement_rate_by_views"
        ),
        migrations.RenameField(
            "authoranalysis", "engagement_rate_followers", "engagement_rate_by_followers"
        ),
        migrations.RenameField("authoranalysis", "posts_per_week", "videos_per_week"),
        migrations.RenameField("authoranalysis", "viral_share", "viral_hit_share"),
        migrations.RenameField(
            "authoranalysis", "follower_growth_per_day", "followers_gained_per_day"
        ),
        migrations.AddIndex(
            model_name="authoranalysis",
            index=models.Index(
                fields=["-engagement_rate_by_views"], name="authors_aut_engagem_953eb3_idx"
            ),
        ),
        migrations.AlterField(
            model_name="authoranalysis",
            name="videos_analysed",
            field=models.PositiveIntegerField(
                default=0, help_text="Videos in the window: the latest N posted in the last D days."
            ),
        ),
        migrations.AlterField(
            model_name="authoranalysis",
            name="videos_per_week",
            field=models.FloatField(blank=True, help_text="Videos per week.", null=True),
        ),
        migrations.AlterField(
            model_name="authoranalysis",
            name="followers_gained_per_day",
            field=models.FloatField(
                blank=True,
                help_text="Followers per day between the first and last snapshot.",
                null=True,
            ),
        ),
    ]
