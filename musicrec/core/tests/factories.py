from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from musicrec.core.models import Job


class JobFactory(DjangoModelFactory[Job]):
    class Meta:
        model = Job

    kind = Job.Kind.IMPORT_SCRAPE
    target_type = "handle"
    target_id = factory.Sequence(lambda n: f"creator{n}")
    target_label = factory.LazyAttribute(lambda o: f"@{o.target_id}")
