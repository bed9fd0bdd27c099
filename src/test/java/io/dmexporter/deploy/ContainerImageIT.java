package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.dmexporter.deploy.DockerfileModel.Stage;
import io.dmexporter.testing.LogLines;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the real Dockerfile with podman and runs the image it makes. No image registry is
 * reachable here, so scripts/image-bases first makes stand-ins for the FROM images from Debian's
 * packages. No OCI runtime works here either (podman run needs setrlimit), so the image runs
 * under {@code buildah run --isolation=chroot}: its ENTRYPOINT with {@code --demo}, as its USER,
 * on the host's network, so /metrics is scraped from the host; then its HEALTHCHECK command
 * runs inside it.
 */
class ContainerImageIT {
  private static final String IMAGE = "localhost/dm-exporter-it:latest";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path work;

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final List<Runnable> cleanups = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (int i = cleanups.size() - 1; i >= 0; i--) {
      cleanups.get(i).run();
    }
  }

  @Test
  void theImageBuildsRunsAsItsUserServesMetricsAndPassesItsHealthcheck() throws Exception {
    Path podman = Command.require("podman", "podman buildah debootstrap", "ContainerImageIT");
    Path buildah = Command.require("buildah", "podman buildah debootstrap", "ContainerImageIT");
    Command.require("debootstrap", "podman buildah debootstrap", "ContainerImageIT");

    // 1. Stand-ins for every image the Dockerfile's FROM lines name (built once, then cached).
    Command.Result bases = Command.run(List.of(repo.path("scripts/image-bases").toString()), repo.root(),
        Duration.ofMinutes(20)).ok();
    System.out.printf("image: stand-in base images ready in %.1f s%n", bases.took().toMillis() / 1000.0);
    DockerfileModel dockerfile = DockerfileModel.parse(repo.text("Dockerfile"));
    Set<String> stageNames = Set.copyOf(dockerfile.stages().stream().map(Stage::name).toList());
    for (Stage stage : dockerfile.stages()) {
      if (!stageNames.contains(stage.image())) {
        assertTrue(bases.output().lines().anyMatch(("docker.io/library/" + stage.image())::equals),
            "scripts/image-bases makes no stand-in for FROM " + stage.image() + ":\n" + bases.output());
      }
    }

    // 2. The real Dockerfile, built as the README says, with the build arguments filled in.
    String version = repo.projectVersion();
    String revision = git("rev-parse", "--short", "HEAD");
    String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Command.Result build = Command.run(List.of(podman.toString(), "build", "--isolation=chroot", "--pull=never",
        "--format", "docker", "--build-arg", "VERSION=" + version, "--build-arg", "REVISION=" + revision,
        "--build-arg", "BRANCH=" + git("rev-parse", "--abbrev-ref", "HEAD"), "--build-arg", "CREATED=" + created,
        "-t", IMAGE, "-f", "Dockerfile", "."), repo.root(), Duration.ofMinutes(15)).ok();
    cleanups.add(() -> {
      Command.run(List.of(podman.toString(), "rmi", "-f", IMAGE), null, Duration.ofMinutes(1));
      // the build's untagged stage images (they inherit the stand-ins' label); not --layers=false,
      // which also deletes the busybox stand-in, a stage without instructions
      Command.run(List.of(podman.toString(), "image", "prune", "-f", "--filter", "label=dm-exporter.stand-in"), null,
          Duration.ofMinutes(1));
    });
    System.out.printf("image: podman build took %.1f s%n", build.took().toMillis() / 1000.0);

    // 3. What the image says of itself.
    JsonNode inspect = RepoFiles.JSON.readTree(Command.run(List.of(podman.toString(), "image", "inspect", IMAGE),
        null, Duration.ofMinutes(1)).ok().output()).get(0);
    JsonNode config = inspect.path("Config");
    String user = config.path("User").asText();
    assertEquals("10001:10001", user, "the image's USER");
    Map<String, String> labels = RepoFiles.JSON.convertValue(config.path("Labels"), new TypeReference<>() {});
    assertEquals(version, labels.get("org.opencontainers.image.version"));
    assertEquals(revision, labels.get("org.opencontainers.image.revision"));
    assertEquals(created, labels.get("org.opencontainers.image.created"));
    assertEquals("Apache-2.0", labels.get("org.opencontainers.image.licenses"));
    for (String key : List.of("title", "description", "source", "url", "documentation")) {
      assertTrue(!labels.getOrDefault("org.opencontainers.image." + key, "").isBlank(), "no OCI label " + key);
    }
    List<String> entrypoint = strings(config.path("Entrypoint"));
    List<String> healthcheck = strings(inspect.path("Healthcheck").path("Test"));
    assertTrue(healthcheck != null && !healthcheck.isEmpty(), "the image has no HEALTHCHECK (built without --format docker?)");
    assertEquals("CMD", healthcheck.get(0), "HEALTHCHECK must use the exec form: " + healthcheck);
    String size = Command.run(List.of(podman.toString(), "image", "inspect", "--format", "{{.Size}}", IMAGE), null,
        Duration.ofMinutes(1)).ok().output().trim();
    System.out.printf("image: %s, %.0f MB, entrypoint %s%n", IMAGE, Long.parseLong(size) / 1e6, entrypoint);

    String container = Command.run(List.of(buildah.toString(), "from", "--pull-never", IMAGE), null,
        Duration.ofMinutes(1)).ok().output().trim().lines().reduce((a, b) -> b).orElseThrow();
    cleanups.add(() -> Command.run(List.of(buildah.toString(), "rm", container), null, Duration.ofMinutes(1)));

    // 4. No build tools, no build leftovers; the user exists with that UID.
    Command.Result tools = inImage(buildah, container, user, Map.of(), "/usr/local/bin/busybox", "sh", "-c",
        "for t in mvn javac jar jshell gcc cc make git; do command -v $t; done; "
            + "ls -d /root/.m2 /src /usr/share/maven 2>/dev/null; command -v java >/dev/null || echo no java; true");
    assertEquals("", tools.ok().output().trim(), "build tools or leftovers in the runtime image");
    String passwd = inImage(buildah, container, user, Map.of(), "/usr/local/bin/busybox", "grep", ":10001:",
        "/etc/passwd").ok().output();
    assertTrue(passwd.startsWith("dmexporter:x:10001:10001:"), passwd);

    // 5. ENTRYPOINT + --demo as the image's USER, behind basic auth as docs/deploy.md shows it.
    String hash = BCrypt.withDefaults().hashToString(10, "probe-secret".toCharArray());
    Path webConfig = Files.writeString(work.resolve("web-config.yml"), "basic_auth_users:\n  probe: '" + hash + "'\n");
    Command.run(List.of(buildah.toString(), "copy", "--chown", user, container, webConfig.toString(),
        "/etc/dm-exporter/web-config.yml"), null, Duration.ofMinutes(1)).ok();
    int port = ServerProcess.freePort();
    String marker = "--web.listen-address=127.0.0.1:" + port;
    List<String> run = new ArrayList<>(List.of(buildah.toString(), "run", "--isolation=chroot", "--user", user,
        container, "--"));
    run.addAll(entrypoint);
    run.addAll(List.of("--demo", marker, "--web.config.file=/etc/dm-exporter/web-config.yml"));
    long began = System.nanoTime();
    try (ServerProcess exporter = ServerProcess.start("image-exporter", run, work)) {
      cleanups.add(() -> Command.javaWith(marker).ifPresent(ProcessHandle::destroyForcibly));
      awaitStatus(exporter, port, "/-/healthy", 200, Duration.ofSeconds(60));
      System.out.printf("image: /-/healthy answered %.1f s after buildah run%n", (System.nanoTime() - began) / 1e9);
      assertEquals(401, get(port, "/metrics", null).statusCode(), "basic auth covers /metrics");
      String metrics = awaitBody(exporter, port, "dm_task_status{", Duration.ofSeconds(30));
      Map<String, Double> m = Scrape.parse(metrics);
      assertEquals(1.0, m.get(Scrape.series("dm_task_status", "task", "test", "status", "Error")), metrics);
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("dm_exporter_build_info{")
          && k.contains("revision=\"" + revision + "\"") && k.contains("version=\"" + version + "\"")),
          "build info of the image's own build: " + m.keySet().stream().filter(k -> k.contains("build_info")).toList());

      // the JVM runs as UID 10001, with the flags of conf/jvm.options
      ProcessHandle java = Command.javaWith(marker).orElseThrow(() -> new AssertionError("no java process for " + marker));
      String status = Files.readString(Path.of("/proc/" + java.pid() + "/status"));
      assertTrue(status.matches("(?s).*\\nUid:\\s+10001\\s+10001\\s+10001\\s+10001\\n.*"), "UID of the JVM:\n" + status);
      String cmdline = Command.commandLine(java);
      assertTrue(cmdline.contains("@/opt/dm-exporter/conf/jvm.options"), cmdline);

      // 6. The HEALTHCHECK command itself, inside the image: the recipe passes, and it can fail.
      List<String> probe = healthcheck.subList(1, healthcheck.size());
      String url = "http://probe:probe-secret@127.0.0.1:" + port + "/-/healthy";
      Command.Result healthy = inImage(buildah, container, user, Map.of("DM_EXPORTER_HEALTHCHECK_URL", url),
          probe.toArray(String[]::new));
      assertEquals(0, healthy.exitCode(), "HEALTHCHECK failed against a healthy exporter:\n" + healthy.output());
      Command.Result noCredentials = inImage(buildah, container, user,
          Map.of("DM_EXPORTER_HEALTHCHECK_URL", "http://127.0.0.1:" + port + "/-/healthy"), probe.toArray(String[]::new));
      assertNotEquals(0, noCredentials.exitCode(), "HEALTHCHECK passed without credentials:\n" + noCredentials.output());
      Command.Result closedPort = inImage(buildah, container, user, Map.of("DM_EXPORTER_HEALTHCHECK_URL",
          "http://127.0.0.1:" + ServerProcess.freePort() + "/-/healthy"), probe.toArray(String[]::new));
      assertNotEquals(0, closedPort.exitCode(), "HEALTHCHECK passed with nothing listening");
      System.out.println("image: HEALTHCHECK passed with the credentials, failed without them and on a closed port");

      // 7. Every line the exporter logged is one logfmt event.
      for (String line : exporter.log().lines().toList()) {
        LogLines.standard(LogLines.logfmt(line));
      }
    }
  }

  private static Command.Result inImage(Path buildah, String container, String user, Map<String, String> env,
      String... command) {
    List<String> argv = new ArrayList<>(List.of(buildah.toString(), "run", "--isolation=chroot", "--user", user));
    env.forEach((k, v) -> argv.addAll(List.of("--env", k + "=" + v)));
    argv.add(container);
    argv.add("--");
    argv.addAll(List.of(command));
    return Command.run(argv, null, Duration.ofMinutes(1));
  }

  private static HttpResponse<String> get(int port, String path, String credentials)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (credentials != null) {
      request.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitStatus(ServerProcess exporter, int port, String path, int status, Duration timeout) {
    awaitBody(exporter, port, path, "", status, timeout);
  }

  private static String awaitBody(ServerProcess exporter, int port, String contains, Duration timeout) {
    return awaitBody(exporter, port, "/metrics", contains, 200, timeout);
  }

  /** Polls with the probe's credentials until {@code path} answers {@code status} with {@code contains}. */
  private static String awaitBody(ServerProcess exporter, int port, String path, String contains, int status,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get(port, path, "probe:probe-secret");
        if (r.statusCode() == status && r.body().contains(contains)) {
          return r.body();
        }
        last = "HTTP " + r.statusCode();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      ServerProcess.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError(path + " did not answer " + status + " with " + contains + " in " + timeout + " (" + last
        + "):\n" + exporter.report());
  }

  private String git(String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Command.Result r = Command.run(command, repo.root(), Duration.ofSeconds(30));
    return r.exitCode() == 0 ? r.output().trim() : "unknown";
  }

  private static List<String> strings(JsonNode array) {
    return RepoFiles.JSON.convertValue(array, new TypeReference<List<String>>() {});
  }
}
