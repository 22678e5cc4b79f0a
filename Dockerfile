# Production image: gunicorn + whitenoise; the same image runs web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    STATIC_MANIFEST=True VAR_DIR=/app/var
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Translations (polib, no gettext) and hashed static files are built into the image (SECRET_KEY only for the build).
RUN SECRET_KEY=build-only python manage.py compilemessages --ignore '.venv/*' -v0 \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home --uid 1000 portal && mkdir -p /app/var && chown -R portal /app/var
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz?scope=local', timeout=4).status != 200)"
# Processes and threads: ocean_portal/gunicorn_conf.py (2 × cores + 1 × 8 threads; WEB_CONCURRENCY / WEB_THREADS override).
CMD ["gunicorn", "-c", "python:ocean_portal.gunicorn_conf", "ocean_portal.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
