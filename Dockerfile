# Front-end packages come from the npm registry; the portal serves them itself.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY peernet peernet
COPY members members
COPY meetings meetings
COPY cohorts cohorts
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/node_modules node_modules
RUN DJANGO_SETTINGS_MODULE=peernet.settings.local python manage.py compilemessages --ignore=node_modules \
 && DJANGO_SETTINGS_MODULE=peernet.settings.production DJANGO_SECRET_KEY=build-only \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home peernet && mkdir -p var/media && chown -R peernet var
USER peernet
EXPOSE 8000
CMD ["gunicorn", "peernet.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
