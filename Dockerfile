# Baton as a container image: `docker build -t baton .`
# Runs `baton serve` on $PORT (3000) as an unprivileged user; mount the policy file at
# /app/baton.yml and pass the secrets as environment variables (see compose.yaml and the
# README's "Run it with Docker").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The pinned dependencies first: this layer is rebuilt only when they change.
COPY requirements.txt ./
RUN grep -v '^\.$' requirements.txt > /tmp/deps.txt && pip install -r /tmp/deps.txt

COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY migrations ./migrations
RUN pip install --no-deps . && rm -rf /app/bot /app/handlers /app/migrations

# No root at run time; /data holds the SQLite file when no DATABASE_URL is given.
RUN useradd --create-home --uid 10001 baton && mkdir /data && chown baton /data
USER baton

ENV PORT=3000 \
    BATON_CONFIG=/app/baton.yml \
    DATABASE_URL=sqlite:////data/baton.db
EXPOSE 3000

# /healthz is 503 when the database, a background loop or the Slack token fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"

CMD ["baton", "serve"]
