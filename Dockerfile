# The portal's image: gunicorn serves the site behind the reverse proxy of docker-compose.yml; the same
# image runs the migrations, the Celery worker and beat. .dockerignore keeps secrets, local databases and
# uploaded files out of the build context.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=0
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The dependencies in their own layer: a change to the code reuses it; only a change to pyproject.toml
# installs them again.
COPY pyproject.toml ./
RUN pip install . && useradd --system --home /app ventanillas
COPY . .
# deploy/build-static collects the static files with DEBUG=0, which writes the manifest that production
# reads (with DEBUG=1 no manifest is written and every page would answer 500). The media and backup
# directories belong to the image's user, so the volumes mounted on them start writable.
RUN deploy/build-static && mkdir -p /app/media /app/backups && chown ventanillas /app/media /app/backups
USER ventanillas
EXPOSE 8000
CMD ["deploy/start-web"]
