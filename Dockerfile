# One image for the web server and the workers.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NUMBA_CACHE_DIR=/app/.cache/numba \
    DJANGO_SETTINGS_MODULE=musicrec.settings.base

WORKDIR /app
# A colour emoji font for server-side rendering and screenshots of creator names; the pages do
# not depend on it (static/css/app.css).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --create-home musicrec && mkdir -p /app/var /app/.cache && chown -R musicrec /app/var /app/.cache
USER musicrec
EXPOSE 8000
CMD ["gunicorn", "musicrec.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
