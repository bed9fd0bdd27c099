package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.sim.ErrorKind;
import io.dmexporter.sim.Simulator;
import io.dmexporter.sim.SimulatorOptions;
import io.dmexporter.testing.ServerProcess;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DM state change → exporter → Prometheus → Alertmanager → receiver, on Debian's real binaries,
 * with the shipped rules (only {@code for:} shortened) and the shipped routing.
 */
class AlertsE2EIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
  /** 1m → 1s, 1h → 1m: the rules keep their relative timing at 1 s scrape and evaluation. */
  private static final long FOR_DIVISOR = 60;

  private static final String TASK = "task1";
  private static final String ERROR_SOURCE = "mysql-replica-01";
  private static final String RELAY_SOURCE = "mysql-replica-02";
  private static final String MANUAL_SOURCE = "mysql-replica-03";

  @TempDir
  static Path tmp;

  private static final Path LOGS = RuleFile.projectRoot().resolve("target/alerts-e2e");
  private static final List<ServerProcess> daemons = new ArrayList<>();
  private static Simulator sim;
  private static WebhookReceiver receiver;
  private static URI prometheus;

  @BeforeAll
  static void startStack() throws Exception {
    Path prometheusBin = Tools.require("prometheus", "prometheus");
    Path alertmanagerBin = Tools.require("prometheus-alertmanager", "prometheus-alertmanager");
    Path jar = Path.of(System.getProperty("dm.exporter.jar", "target/dm-exporter.jar"));
    if (!Files.isRegularFile(jar)) {
      fail(jar + " does not exist: build it with `mvn -B package -DskipTests` or run `mvn verify`");
    }

    sim = Simulator.start(SimulatorOptions.builder()
        .masters(1).workers(3).subtasksPerWorker(1).relay(true)
        .initialUnit(UnitType.Sync).seed(5).build());
    receiver = new WebhookReceiver(List.of("pager", "chat"));

    int exporterPort = ServerProcess.freePort();
    ServerProcess exporter = start("dm-exporter", List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "--dm.master-address=" + String.join(",", sim.masterAddresses()),
        "--poll.interval=1s", "--poll.timeout=500ms",
        "--web.listen-address=127.0.0.1:" + exporterPort));

    int alertmanagerPort = ServerProcess.freePort();
    Path amConfig = writeAlertmanagerConfig();
    ServerProcess alertmanager = start("alertmanager", List.of(alertmanagerBin.toString(),
        "--config.file=" + amConfig, "--storage.path=" + tmp.resolve("am-data"),
        "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address="));

    int prometheusPort = ServerProcess.freePort();
    Path promConfig = writePrometheusConfig(exporterPort, alertmanagerPort);
    ServerProcess prom = start("prometheus", List.of(prometheusBin.toString(),
        "--config.file=" + promConfig, "--storage.tsdb.path=" + tmp.resolve("prom-data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort));
    prometheus = URI.create("http://127.0.0.1:" + prometheusPort);

    exporter.awaitOk("http://127.0.0.1:" + exporterPort + "/-/ready", Duration.ofSeconds(30));
    alertmanager.awaitOk("http://127.0.0.1:" + alertmanagerPort + "/-/ready", Duration.ofSeconds(30));
    prom.awaitOk(prometheus.resolve("/-/ready").toString(), Duration.ofSeconds(30));
  }

  private static ServerProcess start(String name, List<String> command) throws IOException {
    ServerProcess daemon = ServerProcess.start(name, command, LOGS);
    daemons.add(daemon);
    return daemon;
  }

  @AfterAll
  static void stopStack() throws Exception {
    for (ServerProcess daemon : daemons) {
      daemon.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void failuresPageTheirOwnerAndManualPauseDoesNot() throws Throwable {
    try {
      runScenario();
    } catch (Throwable t) {
      daemons.forEach(d -> System.out.println(d.report()));
      System.out.println("----- received: " + receiver.all());
      throw t;
    }
  }

  private void runScenario() throws Exception {
    awaitPrometheus("all three subtasks scraped with their relays",
        "count(dm_subtask_stage{stage=\"Running\"} == 1) == 3"
            + " and count(dm_source_relay_stage{stage=\"Running\"} == 1) == 3");
    assertEquals(List.of(), prometheusAlerts(AlertsE2EIT::critical), "critical alerts before any fault");

    // The three changes at once: each alert's latency is measured from its own change.
    long errorAt = System.nanoTime();
    sim.failSubtask(TASK, ERROR_SOURCE, ErrorKind.DUPLICATE_ENTRY, 0);
    long relayAt = System.nanoTime();
    sim.setRelay(RELAY_SOURCE, Stage.Paused, false);
    sim.pauseSubtask(TASK, MANUAL_SOURCE, false);

    WebhookReceiver.Received errorPage = awaitReceived("pager", "firing",
        "DMSubtaskPausedWithError", ERROR_SOURCE);
    report("time-to-page", errorPage, errorAt);
    WebhookReceiver.Received relayPage = awaitReceived("pager", "firing",
        "DMRelayNotRunningForSync", RELAY_SOURCE);
    report("time-to-page", relayPage, relayAt);
    assertEquals("Paused", relayPage.label("relay_stage"));
    assertEquals("Sync", relayPage.label("unit"));

    // The manual pause was seen (its one-hour warning is pending) but nothing critical is
    // pending or firing for it, and no page arrives for it well after the others did.
    awaitPrometheus("the manual pause pending as DMSubtaskPausedTooLong",
        "ALERTS{alertname=\"DMSubtaskPausedTooLong\",source_id=\"" + MANUAL_SOURCE + "\"}");
    Thread.sleep(3000);
    assertEquals(List.of(), prometheusAlerts(a -> critical(a)
            && a.path("labels").path("source_id").asText().equals(MANUAL_SOURCE)),
        "critical alerts for the manually paused subtask");
    List<WebhookReceiver.Received> manualPages = receiver.all().stream()
        .filter(r -> r.receiver().equals("pager") && r.label("source_id").equals(MANUAL_SOURCE))
        .toList();
    assertEquals(List.of(), manualPages, "pages for the manually paused subtask");

    long resumeAt = System.nanoTime();
    sim.resumeSubtask(TASK, ERROR_SOURCE);
    long relayResumeAt = System.nanoTime();
    sim.setRelay(RELAY_SOURCE, Stage.Running, false);
    report("time-to-resolve", awaitReceived("pager", "resolved", "DMSubtaskPausedWithError",
        ERROR_SOURCE), resumeAt);
    report("time-to-resolve", awaitReceived("pager", "resolved", "DMRelayNotRunningForSync",
        RELAY_SOURCE), relayResumeAt);
  }

  /** Waits for an alert on the given receiver, checks its task/source/worker labels. */
  private WebhookReceiver.Received awaitReceived(String path, String status, String alertname,
      String source) throws InterruptedException {
    WebhookReceiver.Received got = receiver.await(r -> r.receiver().equals(path)
        && r.status().equals(status) && r.label("alertname").equals(alertname)
        && r.label("source_id").equals(source), PAGE_TIMEOUT).orElse(null);
    if (got == null) {
      fail("no " + status + " " + alertname + " for " + source + " at " + path + " within "
          + PAGE_TIMEOUT + "; received: " + receiver.all());
    }
    assertEquals(TASK, got.label("task"), "task label");
    assertEquals(workerOf(source), got.label("worker"), "worker label");
    assertEquals("critical", got.label("severity"));
    return got;
  }

  private static String workerOf(String source) {
    return sim.state().sources().stream().filter(s -> s.id().equals(source)).findFirst()
        .orElseThrow().worker();
  }

  private static void report(String what, WebhookReceiver.Received got, long changedAt) {
    System.out.printf(Locale.ROOT, "%s %s: %.1f s%n", what, got.label("alertname"),
        (got.nanos() - changedAt) / 1e9);
  }

  /** Waits until the PromQL expression returns a non-empty result. */
  private static void awaitPrometheus(String what, String promql) throws Exception {
    long deadline = System.nanoTime() + PAGE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode result = prometheusApi("/api/v1/query?query="
          + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
      if (!result.isEmpty()) {
        return;
      }
      Thread.sleep(200);
    }
    fail("Prometheus never showed " + what + " (" + promql + ") within " + PAGE_TIMEOUT);
  }

  private static boolean critical(JsonNode alert) {
    return alert.path("labels").path("severity").asText().equals("critical");
  }

  /** Pending and firing alerts in Prometheus that match. */
  private static List<JsonNode> prometheusAlerts(Predicate<JsonNode> match) throws Exception {
    JsonNode alerts = prometheusApi("/api/v1/alerts").path("data").path("alerts");
    return StreamSupport.stream(alerts.spliterator(), false).filter(match).toList();
  }

  private static JsonNode prometheusApi(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(prometheus + pathAndQuery))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), pathAndQuery + ": " + response.body());
    return JSON.readTree(response.body());
  }

  /** The shipped prometheus.yml at 1 s intervals, pointed at this test's processes and rules. */
  private static Path writePrometheusConfig(int exporterPort, int alertmanagerPort)
      throws IOException {
    Path rules = tmp.resolve("dm-exporter.rules.yml");
    RuleFile.read(RuleFile.projectRoot().resolve(RuleFile.PATH))
        .withForDurations(d -> d.dividedBy(FOR_DIVISOR)).write(rules);

    ObjectNode config = (ObjectNode) YAML.readTree(
        RuleFile.projectRoot().resolve("deploy/prometheus/prometheus.yml").toFile());
    ObjectNode global = (ObjectNode) config.path("global");
    global.put("scrape_interval", "1s").put("scrape_timeout", "1s").put("evaluation_interval", "1s");
    config.putArray("rule_files").add(rules.toString());
    ((ArrayNode) config.at("/alerting/alertmanagers/0/static_configs/0/targets")).removeAll()
        .add("127.0.0.1:" + alertmanagerPort);
    // Keep only the exporter's job; the example's other jobs point at hosts this test lacks.
    JsonNode job = StreamSupport.stream(config.path("scrape_configs").spliterator(), false)
        .filter(j -> j.path("job_name").asText().equals("dm-exporter")).findFirst()
        .orElseThrow(() -> new AssertionError("prometheus.yml has no job dm-exporter"));
    ((ArrayNode) job.at("/static_configs/0/targets")).removeAll().add("127.0.0.1:" + exporterPort);
    config.putArray("scrape_configs").add(job);

    Path file = tmp.resolve("prometheus.yml");
    YAML.writeValue(file.toFile(), config);
    return file;
  }

  /** The shipped alertmanager.yml with short timers and its receivers pointed at this test. */
  private static Path writeAlertmanagerConfig() throws IOException {
    ObjectNode config = (ObjectNode) YAML.readTree(
        RuleFile.projectRoot().resolve("deploy/alertmanager/alertmanager.yml").toFile());
    shortenTimers((ObjectNode) config.path("route"), true);
    for (JsonNode r : config.path("receivers")) {
      for (JsonNode webhook : r.path("webhook_configs")) {
        ((ObjectNode) webhook).put("url", receiver.url(r.path("name").asText()).toString());
      }
    }
    Path file = tmp.resolve("alertmanager.yml");
    YAML.writeValue(file.toFile(), config);
    return file;
  }

  /** Short timers on the top route, and on child routes wherever they set their own. */
  private static void shortenTimers(ObjectNode route, boolean top) {
    for (Map.Entry<String, String> timer : Map.of("group_wait", "500ms", "group_interval", "1s",
        "repeat_interval", "1h").entrySet()) {
      if (top || route.has(timer.getKey())) {
        route.put(timer.getKey(), timer.getValue());
      }
    }
    for (JsonNode child : route.path("routes")) {
      shortenTimers((ObjectNode) child, false);
    }
  }
}
