# The production image: gunicorn serves portal.wsgi (static files by whitenoise); the same image runs
# the Celery worker and beat (see docker-compose.yml). Settings come from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz; DejaVu covers the Kazakh letters in PDFs; gettext compiles
# the translation catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Production settings refuse to load without a real key and DATABASE_URL: give the build a
# throw-away key and an unused URL. Neither stays in the image; nothing connects to the database.
RUN export DJANGO_SETTINGS_MODULE=portal.settings.production \
        SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        DATABASE_URL=postgres://build@localhost:5432/build \
    && python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && python manage.py collectstatic --no-input -v 0

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home portal \
    && mkdir -p /app/var/media /app/var/private \
    && chown -R portal:portal /app/var

USER portal
ENV DJANGO_SETTINGS_MODULE=portal.settings.production
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
