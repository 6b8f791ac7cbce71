# tracking-mock in a container, configured by environment variables only (TRACKING_MOCK_*).
#   docker build -t tracking-mock .
#   docker run --rm -p 8080:8080 -e TRACKING_MOCK_STRICT=1 tracking-mock
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY pytest_plugin ./pytest_plugin
COPY fixtures ./fixtures
RUN pip install . && rm -rf /src && useradd --create-home --uid 10001 mock

USER mock
WORKDIR /home/mock
# Inside a container the port must be reachable from outside it: bind every interface.
ENV TRACKING_MOCK_HOST=0.0.0.0 \
    TRACKING_MOCK_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('TRACKING_MOCK_PORT', '8080')}/_mock/health\", timeout=2)"]
CMD ["tracking-mock"]
