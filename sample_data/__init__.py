"""The demo data set, its seeded generator (generate.py, demogen/) and `manage.py load_demo`.

A small Django app of its own because loading the demo writes to every app (the catalogue, the
creators' scrapes, their analysis jobs): it sits above the apps, beside the data it loads.
"""
