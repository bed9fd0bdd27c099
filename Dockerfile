# syntax=docker/dockerfile:1
# dm-exporter container image: Maven build stage, then a JRE-only runtime.
#   docker build -t dm-exporter:0.1.0 .
#   docker run --rm -p 9263:9263 dm-exporter:0.1.0 --dm.master-address=dm-master:8261 --web.listen-address=0.0.0.0:9263

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The descriptor first, so editing sources does not invalidate the layer below it.
COPY pom.xml ./
COPY src ./src
# DockerBuildStageIT runs this very command on the files copied above; the cache mount keeps
# ~/.m2 between builds.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

# A statically linked busybox provides `wget` for HEALTHCHECK: the JRE image carries no HTTP
# client we can rely on (curl/wget there are leftovers its maintainers may drop), and starting a
# second JVM every 30 s just to probe a port costs more memory than the exporter itself.
FROM busybox:1.37-musl AS healthcheck

FROM eclipse-temurin:17-jre
# A fixed numeric UID/GID, so Kubernetes' runAsNonRoot can verify it without a runAsUser.
RUN groupadd --system --gid 10001 dmexporter \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin dmexporter
COPY --from=healthcheck /bin/busybox /usr/local/bin/busybox
COPY --from=build /src/target/dm-exporter.jar /opt/dm-exporter/dm-exporter.jar
USER 10001:10001
EXPOSE 9263
# Liveness only (/-/healthy): readiness (/-/ready) waits for DM and belongs to the orchestrator.
# The probe assumes the default port; change it here if you move --web.listen-address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-T", "3", "-O", "/dev/null", "http://127.0.0.1:9263/-/healthy"]
# MaxRAMPercentage sizes the heap from the container's memory limit; SerialGC is the cheapest
# collector for a small heap and 1-2 CPUs; exit on OOM so the orchestrator restarts a clean JVM.
# Extra JVM flags: set JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/dm-exporter/dm-exporter.jar"]
