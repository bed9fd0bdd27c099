# syntax=docker/dockerfile:1
# dm-exporter container image: Maven build stage, then a JRE-only runtime.
#   docker build --build-arg REVISION=$(git rev-parse --short HEAD) \
#     --build-arg BRANCH=$(git rev-parse --abbrev-ref HEAD) --build-arg CREATED=$(date -u +%FT%TZ) \
#     -t dm-exporter:0.1.0 .
#   docker run --rm -p 9263:9263 dm-exporter:0.1.0 --dm.master-address=dm-master:8261
# ContainerImageIT builds this file with podman and runs the image (docs/deploy.md).

FROM maven:3.9-eclipse-temurin-17 AS build
# What --version and dm_exporter_build_info report; the build context holds no .git to read.
ARG REVISION=unknown
ARG BRANCH=unknown
WORKDIR /src
COPY pom.xml ./
COPY src/main ./src/main
# One RUN, so a change to pom.xml or to src/main rebuilds it either way; what makes a rebuild
# fast is the cache mount, which keeps ~/.m2 (dependencies and plugins) from one build to the
# next. Tests are neither copied nor compiled (scripts/test runs them); the release bundle needs
# files outside src/main and is not built here.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true -Ddm.bundle.skip=true \
      -Dgit.commit.id.abbrev="$REVISION" -Dgit.branch="$BRANCH" package

# A statically linked busybox provides `wget` for HEALTHCHECK: the JRE image carries no HTTP
# client we can rely on, and a second JVM every 30 s could push the container past its memory
# limit.
FROM busybox:1.37-musl AS healthcheck

FROM eclipse-temurin:17-jre
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="dm-exporter" \
      org.opencontainers.image.description="Prometheus exporter for TiDB Data Migration (DM)" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.created="$CREATED" \
      org.opencontainers.image.source="https://github.com/dm-exporter/dm-exporter" \
      org.opencontainers.image.url="https://github.com/dm-exporter/dm-exporter" \
      org.opencontainers.image.documentation="https://github.com/dm-exporter/dm-exporter/blob/main/docs/deploy.md" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed numeric UID/GID, so Kubernetes' runAsNonRoot can verify it without a runAsUser.
RUN groupadd --system --gid 10001 dmexporter \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin dmexporter
COPY --from=healthcheck /bin/busybox /usr/local/bin/busybox
# The release bundle's layout and launcher: bin/dm-exporter runs java with conf/jvm.options
# (the JVM flags, one place for image, bundle and systemd), then $JAVA_OPTS, then the arguments.
COPY src/main/dist/bin/dm-exporter /opt/dm-exporter/bin/dm-exporter
COPY src/main/dist/conf/jvm.options /opt/dm-exporter/conf/jvm.options
COPY --from=build /src/target/dm-exporter.jar /opt/dm-exporter/lib/dm-exporter.jar
USER 10001:10001
EXPOSE 9263
# Liveness only (/-/healthy): readiness (/-/ready) waits for DM and belongs to the orchestrator.
# With another port, HTTPS or basic auth, set DM_EXPORTER_HEALTHCHECK_URL, e.g.
# http://probe:secret@127.0.0.1:9263/-/healthy (docs/deploy.md). No wget -T: Docker's --timeout
# bounds the probe, and busybox builds without FEATURE_WGET_TIMEOUT crash on -T.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/busybox", "sh", "-c", "exec /usr/local/bin/busybox wget -q -O /dev/null \"${DM_EXPORTER_HEALTHCHECK_URL:-http://127.0.0.1:9263/-/healthy}\""]
ENTRYPOINT ["/opt/dm-exporter/bin/dm-exporter"]
