# The portal's image: gunicorn serves the site behind the reverse proxy of docker-compose.yml; the same
# image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=0
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# deploy/build-static collects the static files with DEBUG=0, which writes the manifest that production
# reads (with DEBUG=1 no manifest is written and every page would answer 500).
RUN pip install . && useradd --system --home /app ventanillas && deploy/build-static
USER ventanillas
EXPOSE 8000
CMD ["deploy/start-web"]
