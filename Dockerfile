# Clarke Lab: the Streamlit app in one image. Build:  docker build -t clarke-lab:latest .
# Run:  docker run --rm -p 8501:8501 clarke-lab:latest   (then open http://localhost:8501)
# Kubernetes manifests: deploy/k8s/ (see README.md, "Deploying").
FROM python:3.11-slim

# Chromium from Debian: kaleido drives it for the figures' PNG download (ui.figure_downloads);
# nothing is downloaded at run time. Debian's package versions follow the base image's release,
# so they are not pinned here (DL3008); rebuild the image to pick up security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/app --shell /usr/sbin/nologin app

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium \
    PYTHONPATH=/app

WORKDIR /app
# Requirements first: the dependency layer is reused while only the app's code changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=root:root . .
# Byte-compile now: at run time the app directory is read-only (Kubernetes mounts the root
# file system read-only), so Python could not write its caches there.
RUN python -m compileall -q .

USER 10001
EXPOSE 8501
# The image's own check (docker run, compose); Kubernetes uses the probes in deploy/k8s instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
# The app directory is the working directory: Streamlit reads .streamlit/config.toml from it, and
# the sandbox's fork server finds clarke_core from it (see clarke_core/service/sandbox.py). serve.py
# serves app.py with a frame-ancestors policy and without the clients' clear_cache message.
CMD ["python", "-m", "streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501"]
