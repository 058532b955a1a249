# incidentbot: a small, non-root image with the same entry points as the command line.
#   docker build -t incidentbot .
#   docker run --rm -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_APP_TOKEN=xapp-... \
#              -v incidentbot-data:/data incidentbot                  # Socket Mode (default)
#   docker run --rm -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_SIGNING_SECRET=... -p 3000:3000 \
#              -v incidentbot-data:/data incidentbot serve --host 0.0.0.0 --port 3000   # HTTP mode
#   docker run --rm -it -v incidentbot-data:/data incidentbot shell
#
# The base image is pinned by digest so a rebuild gets the same bytes. To move to a newer
# patch release, read the new tag's digest and replace both parts of PYTHON_IMAGE:
#   docker buildx imagetools inspect python:3.11-slim-bookworm   (the "Digest:" line)
ARG PYTHON_IMAGE=python:3.11.10-slim-bookworm@sha256:840e180ebcc6e5c8efab209c43f5e40fd2af98cb49db5c7103c90539c56bb30e

# --- build: a virtual environment with the locked dependencies, then the bot ----------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/incidentbot
WORKDIR /src
# Dependencies first, in their own layer, from the lock: a change to the source reuses this layer.
COPY requirements/runtime.txt requirements/build.txt requirements/
RUN /opt/incidentbot/bin/pip install --require-hashes \
        -r requirements/runtime.txt -r requirements/build.txt
# Optional: Litestream beside the bot, replicating /data off the machine (docs/evidence.md).
#   docker build --build-arg REPLICATION=1 -t incidentbot .
ARG REPLICATION=0
COPY requirements/replication.txt requirements/
RUN if [ "$REPLICATION" = "1" ]; then \
        /opt/incidentbot/bin/pip install --require-hashes -r requirements/replication.txt; \
    fi
COPY pyproject.toml README.md ./
# the playbooks and templates are package data inside incidentbot/
COPY incidentbot ./incidentbot
# The bot itself (no dependencies to resolve: they are all in the layer above), then the build
# tools go: nothing but the installed environment reaches the final image.
RUN /opt/incidentbot/bin/pip install --no-deps --no-build-isolation . \
    && /opt/incidentbot/bin/pip uninstall -y -q setuptools wheel \
    && find /opt/incidentbot -name '__pycache__' -prune -exec rm -rf {} +

# --- run -----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
RUN useradd --create-home --uid 10001 incidentbot \
    && mkdir /data && chown incidentbot:incidentbot /data
COPY --from=build /opt/incidentbot /opt/incidentbot
USER incidentbot
WORKDIR /data
ENV PATH=/opt/incidentbot/bin:$PATH \
    INCIDENTBOT_DB=/data/incidentbot.db \
    PYTHONUNBUFFERED=1
VOLUME /data
EXPOSE 3000
# /healthz is served in both modes (the web pages' port); in Socket Mode it also reports the
# websocket, so an orchestrator restarts a bot that went deaf.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"
ENTRYPOINT ["incidentbot"]
# The README's default mode: Socket Mode. HTTP mode: `serve --host 0.0.0.0 --port 3000`.
CMD ["run", "--host", "0.0.0.0", "--port", "3000"]
