package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/docker-compose.yml: the services, and that every mount points at what the repo ships. */
class ComposeFileTest {
  static final String COMPOSE = "deploy/docker-compose.yml";
  /** Where the compose stack mounts grafana/dashboards, and the provisioning provider reads. */
  static final String GRAFANA_DASHBOARDS = "/var/lib/grafana/dashboards";
  /** Files another part of the project delivers; absent only on a branch that has not merged them. */
  private static final List<String> OTHER_AREAS = List.of("deploy/prometheus/", "deploy/alertmanager/", "alerts");

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final JsonNode compose = repo.yaml(COMPOSE);

  /** A bind mount: repository path (relative to the root) and container path. */
  record Mount(String source, String target) {}

  @Test
  void runsTheExporterInDemoModeBuiltFromThisRepository() {
    JsonNode exporter = service("dm-exporter");
    Path context = repo.path("deploy").resolve(exporter.path("build").path("context").asText()).normalize();
    assertEquals(repo.root(), context, "build context must be the repository root");
    assertTrue(Files.isRegularFile(context.resolve(exporter.path("build").path("dockerfile").asText())));
    List<String> command = strings(exporter.path("command"));
    assertTrue(command.contains("--demo"), command.toString());
    assertTrue(command.contains("--web.listen-address=0.0.0.0:" + DockerfileTest.DEFAULT_PORT),
        "the exporter must listen on the container's interfaces: " + command);
  }

  @Test
  void hasTheFourServicesAndPublishesOnLoopbackOnly() {
    assertEquals(List.of("alertmanager", "dm-exporter", "grafana", "prometheus"),
        fieldNames(compose.path("services")).stream().sorted().toList());
    for (String name : fieldNames(compose.path("services"))) {
      for (String port : strings(service(name).path("ports"))) {
        assertTrue(port.startsWith("127.0.0.1:"), name + " publishes " + port + " beyond localhost");
      }
    }
  }

  @Test
  void everyBindMountPointsAtAFileOfTheRepository() {
    for (String name : fieldNames(compose.path("services"))) {
      for (Mount mount : bindMounts(name)) {
        if (!repo.exists(mount.source()) && OTHER_AREAS.stream().anyMatch(mount.source()::startsWith)) {
          System.out.println("not yet on this branch (delivered with the alerts): " + mount.source());
          continue;
        }
        assertTrue(repo.exists(mount.source()), name + " mounts missing " + mount.source());
      }
    }
  }

  @Test
  void grafanaGetsProvisioningAndDashboards() {
    Map<String, String> mounts = targets("grafana");
    assertEquals("grafana/provisioning", mounts.get("/etc/grafana/provisioning"));
    assertEquals("grafana/dashboards", mounts.get(GRAFANA_DASHBOARDS));
    String home = service("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertTrue(home.startsWith(GRAFANA_DASHBOARDS + "/"), home);
    assertTrue(repo.exists("grafana/dashboards/" + home.substring(GRAFANA_DASHBOARDS.length() + 1)), home);
    String url = repo.yaml("grafana/provisioning/datasources/prometheus.yml")
        .path("datasources").get(0).path("url").asText();
    assertEquals("http://prometheus:9090", url, "the datasource must reach the prometheus service");
  }

  @Test
  void prometheusLoadsTheMountedConfigAndRules() {
    Map<String, String> mounts = targets("prometheus");
    String configFile = flag(service("prometheus"), "--config.file");
    assertEquals("deploy/prometheus/prometheus.yml", mounts.get(configFile));
    assertEquals("alerts", mounts.get("/etc/prometheus/rules"));
    if (!repo.exists("deploy/prometheus/prometheus.yml")) {
      System.out.println("deploy/prometheus/prometheus.yml not on this branch yet: cross-checks skipped");
      return;
    }
    JsonNode config = repo.yaml("deploy/prometheus/prometheus.yml");
    List<String> scraped = new ArrayList<>();
    config.path("scrape_configs").forEach(job -> job.path("static_configs")
        .forEach(sc -> scraped.addAll(strings(sc.path("targets")))));
    assertTrue(scraped.contains("dm-exporter:" + DockerfileTest.DEFAULT_PORT),
        "prometheus.yml must scrape the dm-exporter service: " + scraped);
    List<String> alertmanagers = new ArrayList<>();
    config.path("alerting").path("alertmanagers").forEach(am -> am.path("static_configs")
        .forEach(sc -> alertmanagers.addAll(strings(sc.path("targets")))));
    assertEquals(List.of("alertmanager:9093"), alertmanagers);

    int ruleFiles = 0;
    for (String glob : strings(config.path("rule_files"))) {
      Path mountPoint = Path.of(glob).getParent();
      String source = mounts.get(mountPoint.toString());
      assertTrue(source != null, "rule_files " + glob + " is not under a mounted directory");
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + Path.of(glob).getFileName());
      try (Stream<Path> files = Files.list(repo.path(source))) {
        for (Path file : files.filter(f -> matcher.matches(f.getFileName())).toList()) {
          JsonNode rules = repo.yaml(source + "/" + file.getFileName());
          assertTrue(rules.has("groups"), file + " is loaded as rules but has no groups");
          ruleFiles++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertTrue(ruleFiles > 0, "rule_files matches no file of the mounted alerts/ directory");
  }

  @Test
  void alertmanagerReadsTheMountedConfig() {
    String configFile = flag(service("alertmanager"), "--config.file");
    assertEquals("deploy/alertmanager/alertmanager.yml", targets("alertmanager").get(configFile));
  }

  private JsonNode service(String name) {
    JsonNode service = compose.path("services").path(name);
    assertFalse(service.isMissingNode(), "no service " + name + " in " + COMPOSE);
    return service;
  }

  /** Bind mounts (short syntax) of a service, sources resolved relative to deploy/. */
  private List<Mount> bindMounts(String name) {
    List<Mount> mounts = new ArrayList<>();
    for (String volume : strings(service(name).path("volumes"))) {
      String[] parts = volume.split(":");
      if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
        Path source = repo.path("deploy").resolve(parts[0]).normalize();
        assertTrue(source.startsWith(repo.root()), name + " mounts outside the repository: " + volume);
        mounts.add(new Mount(repo.root().relativize(source).toString(), parts[1]));
      } else {
        assertTrue(compose.path("volumes").has(parts[0]), name + " uses undeclared volume " + parts[0]);
      }
    }
    return mounts;
  }

  private Map<String, String> targets(String name) {
    Map<String, String> byTarget = new HashMap<>();
    bindMounts(name).forEach(m -> byTarget.put(m.target(), m.source()));
    return byTarget;
  }

  private static String flag(JsonNode service, String flag) {
    return strings(service.path("command")).stream().filter(a -> a.startsWith(flag + "="))
        .map(a -> a.substring(flag.length() + 1)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + flag + " in " + service.path("command")));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
