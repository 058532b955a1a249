# incidentbot: a small, non-root image with the same entry points as the command line.
#   docker build -t incidentbot .
#   docker run --rm -e SLACK_BOT_TOKEN=... -e SLACK_SIGNING_SECRET=... -p 3000:3000 \
#              -v incidentbot-data:/data incidentbot serve
#   docker run --rm -it -v incidentbot-data:/data incidentbot shell

# --- build: a wheel (the playbooks and templates are package data inside it) -------------------------------
FROM python:3.11.10-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY incidentbot ./incidentbot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# --- run -----------------------------------------------------------------------------------
FROM python:3.11.10-slim-bookworm
RUN useradd --create-home --uid 10001 incidentbot \
    && mkdir /data && chown incidentbot:incidentbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER incidentbot
WORKDIR /data
ENV INCIDENTBOT_DB=/data/incidentbot.db \
    PYTHONUNBUFFERED=1
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"
ENTRYPOINT ["incidentbot"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
