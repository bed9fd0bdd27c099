package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dmexporter.sim.ClusterState;
import io.dmexporter.sim.ScaledClock;
import io.dmexporter.sim.Simulator;
import io.dmexporter.sim.SimulatorOptions;
import io.dmexporter.testing.ServerProcess;
import io.dmexporter.testing.SimControl;
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
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DM failure → exporter → Prometheus → Alertmanager → pager, on Debian's real Prometheus and
 * Alertmanager with the exporter's jar, the shipped routing and the rules rendered from the
 * mixin, against the simulator behaving like DM (its task checker and auto-resume back-off of
 * 1 s, 2 s, 4 s, … up to 5 min).
 *
 * <p>The whole world runs {@link #SPEED} times faster than production, and all of it alike: the
 * simulated DM's clock, the exporter's poll interval (15 s), Prometheus' scrape and evaluation
 * intervals (deploy/prometheus/prometheus.yml), every duration of config.libsonnet (for,
 * keep_firing_for, ranges, offsets) and Alertmanager's timers (deploy/alertmanager). What DM
 * itself measures (seconds behind master) and counts stay as they are. So each number printed
 * here times {@link #SPEED} is what production would show.
 *
 * <p>Five incidents run at once, each on its own task so that each is its own Alertmanager
 * group, and the exporter is restarted while they are firing or pending. In the end the pager
 * must have received exactly one page and one resolve per incident, and nothing else.
 */
class AlertsE2EIT {
  /** How much faster than production everything runs. */
  static final int SPEED = 10;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CONFLICT_DDL = "ALTER TABLE `shard_db`.`shard_tbl` MODIFY COLUMN `c` BIGINT";
  /** Error pauses of the flapping subtask after the first: DM resumes it nine times in all. */
  private static final int FLAP_REPEATS = 8;

  /** One DM failure, its task and the one page it must give. */
  private static final class Incident {
    final String name;
    final String task;
    final String source;
    final String alert;
    long startedAt;
    long endedAt;
    WebhookReceiver.Received page;
    WebhookReceiver.Received resolve;
    final List<String> notes = new ArrayList<>();

    Incident(String name, String task, String source, String alert) {
      this.name = name;
      this.task = task;
      this.source = source;
      this.alert = alert;
    }
  }

  private static final Incident FLAP = new Incident("flapping error, DM's auto-resume back-off",
      "flap", "mysql-replica-01", "DMSubtaskPausedWithError");
  private static final Incident STUCK = new Incident("error pause, exporter restarted while firing",
      "stuck", "mysql-replica-02", "DMSubtaskPausedWithError");
  private static final Incident OFFLINE = new Incident("worker offline, no free worker",
      "offline", "mysql-replica-03", "DMSubtaskStatusUnknown");
  private static final Incident BEHIND = new Incident("syncer held by a shard DDL conflict, lag 0",
      "merge", "mysql-replica-04", "DMSyncBinlogBehind");
  private static final Incident RELAY = new Incident("relay paused under Sync, lag 0",
      "relay", "mysql-replica-05", "DMRelayNotRunningForSync");
  private static final List<Incident> INCIDENTS = List.of(FLAP, STUCK, OFFLINE, BEHIND, RELAY);
  /** A task paused by hand beside the stuck one: it must page nobody. */
  private static final String MANUAL_TASK = "manual";

  @TempDir
  static Path tmp;

  private static final Path LOGS = RuleFile.projectRoot().resolve("target/alerts-e2e");
  private static final List<ServerProcess> daemons = new ArrayList<>();
  private static Simulator sim;
  private static SimControl control;
  private static WebhookReceiver receiver;
  private static URI prometheus;
  private static List<String> exporterCommand;
  private static String exporterUrl;
  private static ServerProcess exporter;
  private static PauseWatch flapping;

  @BeforeAll
  static void startStack() throws Exception {
    Path prometheusBin = Tools.require("prometheus", "prometheus");
    Path alertmanagerBin = Tools.require("prometheus-alertmanager", "prometheus-alertmanager");
    Path jar = Path.of(System.getProperty("dm.exporter.jar", "target/dm-exporter.jar"));
    if (!Files.isRegularFile(jar)) {
      fail(jar + " does not exist: build it with `mvn -B package -DskipTests` or run `mvn verify`");
    }

    // worker1..worker5 bound to mysql-replica-01..05: no free worker is left to take over a source.
    sim = Simulator.start(SimulatorOptions.builder().masters(1).workers(5).subtasksPerWorker(0)
        .clock(new ScaledClock(Clock.systemUTC(), SPEED)).seed(7).controlAddress("127.0.0.1:0").build());
    control = new SimControl(sim.controlUrl());
    for (Incident i : INCIDENTS) {
      control.post("tasks", "{\"name\":\"" + i.task + "\",\"mode\":\"incremental\",\"sources\":[\"" + i.source
          + "\"]" + (i == BEHIND ? ",\"shardMode\":\"optimistic\"" : "") + "}");
    }
    control.post("tasks", "{\"name\":\"" + MANUAL_TASK + "\",\"mode\":\"incremental\",\"sources\":[\""
        + STUCK.source + "\"]}");
    control.post("sources/" + RELAY.source + "/relay", "{\"stage\":\"Running\"}");
    receiver = new WebhookReceiver(List.of("pager", "chat"));

    int exporterPort = ServerProcess.freePort();
    exporterUrl = "http://127.0.0.1:" + exporterPort;
    exporterCommand = List.of(
        // quick to start on a shared 2-core machine (the restart below); the exporter is the same
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
        "--dm.master-address=" + String.join(",", sim.masterAddresses()),
        "--poll.interval=" + scaled("15s"),
        // production's 5 s would be 500 ms; 1 s leaves a loaded test machine some room
        "--poll.timeout=1s",
        "--web.listen-address=127.0.0.1:" + exporterPort);
    exporter = start("dm-exporter", exporterCommand);

    int alertmanagerPort = ServerProcess.freePort();
    ServerProcess alertmanager = start("alertmanager", List.of(alertmanagerBin.toString(),
        "--config.file=" + writeAlertmanagerConfig(), "--storage.path=" + tmp.resolve("am-data"),
        "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address="));

    int prometheusPort = ServerProcess.freePort();
    ServerProcess prom = start("prometheus", List.of(prometheusBin.toString(),
        "--config.file=" + writePrometheusConfig(exporterPort, alertmanagerPort),
        "--storage.tsdb.path=" + tmp.resolve("prom-data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort));
    prometheus = URI.create("http://127.0.0.1:" + prometheusPort);

    exporter.awaitOk(exporterUrl + "/-/ready", Duration.ofSeconds(60));
    alertmanager.awaitOk("http://127.0.0.1:" + alertmanagerPort + "/-/ready", Duration.ofSeconds(60));
    prom.awaitOk(prometheus.resolve("/-/ready").toString(), Duration.ofSeconds(60));
  }

  private static ServerProcess start(String name, List<String> command) {
    ServerProcess daemon = ServerProcess.start(name, command, LOGS);
    daemons.add(daemon);
    return daemon;
  }

  @AfterAll
  static void stopStack() {
    if (flapping != null) {
      flapping.close();
    }
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
  void onePagePerIncidentUnderRealDmTiming() throws Throwable {
    try {
      runScenario();
    } catch (Throwable t) {
      daemons.forEach(d -> System.out.println(d.report()));
      System.out.println("----- received: " + receiver.all());
      throw t;
    } finally {
      printSummary();
    }
  }

  private void runScenario() throws Exception {
    awaitPrometheus("every subtask scraped Running in Sync, the relay Running", production(Duration.ofMinutes(5)),
        "count(dm_subtask_stage{stage=\"Running\"} == 1) == 6 and count(dm_subtask_unit{unit=\"Sync\"} == 1) == 6"
            + " and count(dm_source_relay_stage{stage=\"Running\"} == 1) == 1");
    control.post("tasks/" + MANUAL_TASK + "/sources/" + STUCK.source + "/pause", "{\"error\":false}");
    await("no critical alert pending or firing before any failure", production(Duration.ofMinutes(5)),
        () -> prometheusAlerts().stream().noneMatch(a -> label(a, "severity").equals("critical")));

    // All five failures at once; each one's time-to-page counts from its own start.
    flapping = new PauseWatch(FLAP);
    FLAP.startedAt = System.nanoTime();
    control.post("tasks/flap/sources/" + FLAP.source + "/pause",
        "{\"error\":true,\"kind\":\"bad_connection\",\"repeat\":" + FLAP_REPEATS + "}");
    STUCK.startedAt = System.nanoTime();
    control.post("tasks/stuck/sources/" + STUCK.source + "/pause", "{\"error\":true,\"kind\":\"duplicate_entry\"}");
    OFFLINE.startedAt = System.nanoTime();
    control.post("workers/worker3/offline", null);
    BEHIND.startedAt = System.nanoTime();
    control.post("tasks/merge/sources/" + BEHIND.source + "/shard-ddl", "{\"ddl\":\"" + CONFLICT_DDL + "\"}");
    RELAY.startedAt = System.nanoTime();
    control.post("sources/" + RELAY.source + "/relay", "{\"stage\":\"Paused\"}");

    // The quick pages: a non-resumable error pause (for 1m), an unknown status (for 2m), a relay (for 1m).
    for (Incident i : List.of(STUCK, OFFLINE, RELAY)) {
      awaitPage(i, production(Duration.ofMinutes(5)));
    }
    // The manual pause is seen (its 1 h warning is pending) and pages nobody (checked at the end).
    await("the manual pause pending as DMSubtaskPausedTooLong", production(Duration.ofMinutes(2)),
        () -> prometheusAlerts().stream().anyMatch(a -> label(a, "alertname").equals("DMSubtaskPausedTooLong")
            && label(a, "task").equals(MANUAL_TASK)));
    restartExporterWhileAlertsFire();
    STUCK.endedAt = System.nanoTime();
    control.post("tasks/stuck/sources/" + STUCK.source + "/resume", null);
    OFFLINE.endedAt = System.nanoTime();
    control.post("workers/worker3/online", null);

    // A syncer held by the conflict: stalled 5 m, then for 5 m. The lag DM reports stays 0.
    awaitPage(BEHIND, production(Duration.ofMinutes(20)));
    assertLagZeroWhileBinlogBehind(BEHIND);
    BEHIND.endedAt = System.nanoTime();
    control.delete("tasks/merge/shard-ddl");

    // The relay's syncer is held the same way; its own binlog alert fires but is inhibited.
    awaitAlertFiring("DMSyncBinlogBehind", RELAY.task, production(Duration.ofMinutes(20)));
    assertLagZeroWhileBinlogBehind(RELAY);
    RELAY.notes.add("DMSyncBinlogBehind fired too, inhibited by it");
    RELAY.endedAt = System.nanoTime();
    control.post("sources/" + RELAY.source + "/relay", "{\"stage\":\"Running\"}");

    // The flapping error pages once a pause outlasts for: 1m, deep in DM's back-off.
    awaitPage(FLAP, production(Duration.ofMinutes(20)));
    await("DM to resume the flapping subtask for the last time", production(Duration.ofMinutes(30)),
        flapping::over);
    flapping.close();
    FLAP.endedAt = flapping.lastResume();
    FLAP.notes.add("DM paused it " + (FLAP_REPEATS + 1) + " times; the simulator, sampled every 50 ms, showed pauses"
        + " of (production s) " + flapping.pauses());
    describeFlapping();

    // Resolves: after keep_firing_for 10m for the error alerts, then Alertmanager's group_interval.
    for (Incident i : INCIDENTS) {
      awaitResolve(i, production(Duration.ofMinutes(20)));
    }
    assertOnePagePerIncidentAndNothingElse();
  }

  /**
   * Kills the exporter and starts it again on the same port while the pages are firing (and the
   * slower incidents pending): no alert may resolve or restart its for:, since the gap window
   * (2m) bridges the scrapes that fail meanwhile.
   */
  private void restartExporterWhileAlertsFire() throws Exception {
    Map<String, JsonNode> before = activeDmAlerts();
    long killedAt = System.nanoTime();
    double killedEpoch = System.currentTimeMillis() / 1000.0;
    exporter.close();
    exporter = start("dm-exporter-restarted", exporterCommand);
    exporter.awaitOk(exporterUrl + "/-/ready", Duration.ofSeconds(60));
    // Prometheus scraped the new exporter's DM series, and evaluated every rule group after that.
    await("a scrape of the restarted exporter with DM series", production(Duration.ofMinutes(5)),
        () -> !query("timestamp(dm_task_subtasks_unknown{task=\"offline\"} > 0) > " + killedEpoch).isEmpty());
    long backAt = System.nanoTime();
    double scrapedEpoch = query("timestamp(dm_task_subtasks_unknown{task=\"offline\"})").get(0)
        .path("value").path(1).asDouble();
    await("every rule group evaluated after that scrape", production(Duration.ofMinutes(2)),
        () -> StreamSupport.stream(prometheusApi("/api/v1/rules").path("data").path("groups").spliterator(), false)
            .allMatch(g -> OffsetDateTime.parse(g.path("lastEvaluation").asText()).toInstant().toEpochMilli() / 1000.0 > scrapedEpoch));
    Map<String, JsonNode> after = activeDmAlerts();

    String outage = String.format(Locale.ROOT, "exporter down %.1f s (%s in production)",
        seconds(backAt - killedAt), productionText(backAt - killedAt));
    System.out.println("exporter restarted: " + outage + "; " + before.size() + " DM alerts were active: "
        + before.keySet());
    // A pause of the flapping subtask still within for: ends at DM's next auto-resume anyway.
    JsonNode flap = before.get(FLAP.alert + " " + FLAP.task);
    if (flap != null && flap.path("state").asText().equals("pending")) {
      before.remove(FLAP.alert + " " + FLAP.task);
    }
    List<String> changed = new ArrayList<>();
    before.forEach((key, was) -> {
      JsonNode now = after.get(key);
      if (now == null || !now.path("activeAt").asText().equals(was.path("activeAt").asText())
          || (was.path("state").asText().equals("firing") && !now.path("state").asText().equals("firing"))) {
        changed.add(key + " was " + was.path("state").asText() + " since " + was.path("activeAt").asText()
            + ", now " + (now == null ? "inactive" : now.path("state").asText() + " since " + now.path("activeAt").asText()));
      }
    });
    assertEquals(List.of(), changed, "alerts reset by the exporter restart (" + outage + ")");
    List<WebhookReceiver.Received> resolved = receiver.all().stream().filter(r -> r.status().equals("resolved")
        && before.containsKey(r.label("alertname") + " " + r.label("task"))).toList();
    assertEquals(List.of(), resolved, "resolved notifications across the exporter restart");
    for (Incident i : INCIDENTS) {
      if (before.containsKey(i.alert + " " + i.task)) {
        i.notes.add("kept " + before.get(i.alert + " " + i.task).path("state").asText()
            + " across the restart (" + outage + ")");
      }
    }
  }

  /** DM's secondsBehindMaster reads 0 while the master's binlog runs ahead of the syncer's. */
  private void assertLagZeroWhileBinlogBehind(Incident i) throws Exception {
    String subtask = "{task=\"" + i.task + "\"}";
    List<JsonNode> lag = query("dm_subtask_sync_seconds_behind_master" + subtask);
    assertEquals(1, lag.size(), "secondsBehindMaster of " + i.task + ": " + lag);
    assertEquals(0, lag.get(0).path("value").path(1).asDouble(), "secondsBehindMaster of " + i.task);
    List<JsonNode> behind = query("max without(node) (dm_subtask:sync_binlog_position:key{node=\"master\"" + ",task=\""
        + i.task + "\"}) - max without(node) (dm_subtask:sync_binlog_position:key{node=\"syncer\",task=\"" + i.task + "\"})");
    assertEquals(1, behind.size(), "binlog gap of " + i.task + ": " + behind);
    double bytes = behind.get(0).path("value").path(1).asDouble();
    assertTrue(bytes > 0, "master - syncer of " + i.task + ": " + bytes);
    assertTrue(prometheusAlerts().stream().noneMatch(a -> label(a, "alertname").equals("DMSyncLagHigh")),
        "DMSyncLagHigh active");
    i.notes.add(String.format(Locale.ROOT, "secondsBehindMaster 0 while %.0f binlog bytes behind", bytes));
  }

  /** Which of DM's pauses Prometheus saw, with their lengths: the recorded 0/1 gauge's raw samples. */
  private void describeFlapping() throws Exception {
    long window = (System.nanoTime() - FLAP.startedAt) / 1_000_000_000L + 1;
    List<String> pauses = new ArrayList<>();
    for (JsonNode series : query("dm_subtask:paused_with_error:bool{task=\"flap\"}[" + window + "s]")) {
      double pausedAt = -1;
      for (JsonNode sample : series.path("values")) {
        double t = sample.path(0).asDouble();
        boolean paused = sample.path(1).asText().equals("1");
        if (paused && pausedAt < 0) {
          pausedAt = t;
        } else if (!paused && pausedAt >= 0) {
          pauses.add(Math.round((t - pausedAt) * SPEED) + " s");
          pausedAt = -1;
        }
      }
    }
    FLAP.notes.add("Prometheus saw " + pauses.size() + " of them (production length, between evaluations): " + pauses);
  }

  /**
   * Watches a subtask in the simulator every 50 ms: DM's own error pauses as they happen, and the
   * task checker's back-off level.
   */
  private static final class PauseWatch implements AutoCloseable {
    private final Incident incident;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pause-watch");
      t.setDaemon(true);
      return t;
    });
    private final List<Long> pauses = new ArrayList<>();
    private long pausedSince = -1;
    private long lastResume;
    private int maxLevel;

    PauseWatch(Incident incident) {
      this.incident = incident;
      timer.scheduleWithFixedDelay(this::sample, 0, 50, TimeUnit.MILLISECONDS);
    }

    private void sample() {
      ClusterState.Subtask st = sim.state().tasks().stream().filter(t -> t.name().equals(incident.task))
          .flatMap(t -> t.subtasks().stream()).filter(x -> x.source().equals(incident.source))
          .findFirst().orElseThrow();
      boolean paused = st.stage().equals("Paused") && !st.errors().isEmpty();
      long now = System.nanoTime();
      synchronized (this) {
        if (paused && pausedSince < 0) {
          pausedSince = now;
        } else if (!paused && pausedSince >= 0) {
          pauses.add(now - pausedSince);
          pausedSince = -1;
          lastResume = now;
        }
        maxLevel = Math.max(maxLevel, st.autoResumeLevel());
      }
    }

    /** DM resumed it for the last time: the back-off reached the level of its last resume. */
    synchronized boolean over() {
      return maxLevel >= FLAP_REPEATS + 1 && pausedSince < 0;
    }

    synchronized long lastResume() {
      return lastResume;
    }

    /** The pauses seen, in production seconds. */
    synchronized List<Long> pauses() {
      return pauses.stream().map(n -> Math.round(seconds(n) * SPEED)).toList();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Exactly one page and one resolve per incident; no other page at all. */
  private void assertOnePagePerIncidentAndNothingElse() {
    List<String> problems = new ArrayList<>();
    for (Incident i : INCIDENTS) {
      List<WebhookReceiver.Received> firing = pages(i, "firing");
      Set<String> starts = firing.stream().map(WebhookReceiver.Received::startsAt).collect(Collectors.toSet());
      if (firing.size() != 1 || starts.size() != 1) {
        problems.add(i.task + ": " + firing.size() + " firing notifications of " + starts.size() + " alerts");
      }
      if (pages(i, "resolved").size() != 1) {
        problems.add(i.task + ": " + pages(i, "resolved").size() + " resolved notifications");
      }
    }
    Set<String> expected = INCIDENTS.stream().map(i -> i.alert + " " + i.task).collect(Collectors.toSet());
    Set<String> others = new TreeSet<>();
    for (WebhookReceiver.Received r : receiver.all()) {
      String key = r.label("alertname") + " " + r.label("task");
      if (r.receiver().equals("pager") && !expected.contains(key)) {
        others.add(key.trim() + " " + r.status());
      }
    }
    if (!others.isEmpty()) {
      problems.add("pages for no incident: " + others);
    }
    assertEquals(List.of(), problems, "pages per incident; received: " + receiver.all());
  }

  private static List<WebhookReceiver.Received> pages(Incident i, String status) {
    return receiver.all().stream().filter(r -> r.receiver().equals("pager") && r.status().equals(status)
        && r.label("alertname").equals(i.alert) && r.label("task").equals(i.task)).toList();
  }

  private static void awaitPage(Incident i, Duration timeout) throws InterruptedException {
    i.page = awaitReceived(i, "firing", timeout);
  }

  private static void awaitResolve(Incident i, Duration timeout) throws InterruptedException {
    i.resolve = awaitReceived(i, "resolved", timeout);
  }

  private static WebhookReceiver.Received awaitReceived(Incident i, String status, Duration timeout)
      throws InterruptedException {
    WebhookReceiver.Received got = receiver.await(r -> r.receiver().equals("pager") && r.status().equals(status)
        && r.label("alertname").equals(i.alert) && r.label("task").equals(i.task), timeout).orElse(null);
    if (got == null) {
      fail("no " + status + " " + i.alert + " for task " + i.task + " at the pager within " + timeout
          + "; received: " + receiver.all());
    }
    assertEquals("critical", got.label("severity"));
    if (!i.source.isEmpty() && !got.label("source_id").isEmpty()) {
      assertEquals(i.source, got.label("source_id"), "source_id of " + i.alert);
    }
    return got;
  }

  private static void awaitAlertFiring(String alertname, String task, Duration timeout) throws Exception {
    await(alertname + " firing for task " + task, timeout, () -> prometheusAlerts().stream()
        .anyMatch(a -> label(a, "alertname").equals(alertname) && label(a, "task").equals(task)
            && a.path("state").asText().equals("firing")));
  }

  private static void printSummary() {
    System.out.printf(Locale.ROOT, "%nAlertsE2EIT at %d× production speed (times in brackets: production)%n", SPEED);
    for (Incident i : INCIDENTS) {
      System.out.printf(Locale.ROOT, "%-46s %-25s time-to-page %s, pages %d, resolves %d, resolve %s after the failure ended%n",
          i.name, i.alert, i.page == null ? "-" : realAndProduction(i.page.nanos() - i.startedAt),
          pages(i, "firing").size(), pages(i, "resolved").size(),
          i.resolve == null || i.endedAt == 0 ? "-" : realAndProduction(i.resolve.nanos() - i.endedAt));
      i.notes.forEach(n -> System.out.println("    " + n));
    }
  }

  private static String realAndProduction(long nanos) {
    return String.format(Locale.ROOT, "%.1f s [%s]", seconds(nanos), productionText(nanos));
  }

  private static String productionText(long nanos) {
    double s = seconds(nanos) * SPEED;
    return s < 120 ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.1f min", s / 60);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** A production duration as it runs here. */
  private static Duration production(Duration d) {
    return d.dividedBy(SPEED);
  }

  /** A production duration in Prometheus' notation, as it runs here: 15s → 1500ms. */
  static String scaled(String productionDuration) {
    return RuleFile.format(RuleFile.parseDuration(productionDuration).dividedBy(SPEED));
  }

  /** Active alerts of Prometheus on DM tasks, by "alertname task". */
  private static Map<String, JsonNode> activeDmAlerts() throws Exception {
    Map<String, JsonNode> active = new LinkedHashMap<>();
    for (JsonNode a : prometheusAlerts()) {
      if (!label(a, "task").isEmpty()) {
        active.put(label(a, "alertname") + " " + label(a, "task"), a);
      }
    }
    return active;
  }

  private static String label(JsonNode alert, String name) {
    return alert.path("labels").path(name).asText();
  }

  /** Waits until {@code condition} holds, checking every 200 ms, failing after {@code timeout}. */
  private static void await(String what, Duration timeout, Check condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + timeout + ": " + what + "; Prometheus alerts: " + prometheusAlerts());
      }
      Thread.sleep(200);
    }
  }

  /** A condition that may query the stack. */
  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  /** Waits until the PromQL expression returns a non-empty result. */
  private static void awaitPrometheus(String what, Duration timeout, String promql) throws Exception {
    await(what + " (" + promql + ")", timeout, () -> !query(promql).isEmpty());
  }

  private static List<JsonNode> query(String promql) throws Exception {
    JsonNode result = prometheusApi("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("data").path("result");
    return StreamSupport.stream(result.spliterator(), false).toList();
  }

  /** Pending and firing alerts in Prometheus. */
  private static List<JsonNode> prometheusAlerts() throws Exception {
    JsonNode alerts = prometheusApi("/api/v1/alerts").path("data").path("alerts");
    return StreamSupport.stream(alerts.spliterator(), false).toList();
  }

  private static JsonNode prometheusApi(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(prometheus + pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), pathAndQuery + ": " + response.body());
    return JSON.readTree(response.body());
  }

  /**
   * The shipped prometheus.yml with its intervals {@link #SPEED} times shorter, pointed at this
   * test's processes and at the rules rendered from the mixin with durations {@link #SPEED} times
   * shorter.
   */
  private static Path writePrometheusConfig(int exporterPort, int alertmanagerPort)
      throws IOException, InterruptedException {
    Path rules = tmp.resolve("dm-exporter.rules.json");
    Files.writeString(rules, Mixin.json(Mixin.scaledDurations(SPEED)));

    ObjectNode config = (ObjectNode) YAML.readTree(
        RuleFile.projectRoot().resolve("deploy/prometheus/prometheus.yml").toFile());
    ObjectNode global = (ObjectNode) config.path("global");
    for (String interval : List.of("scrape_interval", "scrape_timeout", "evaluation_interval")) {
      global.put(interval, scaled(global.path(interval).asText()));
    }
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

  /** The shipped alertmanager.yml with its timers {@link #SPEED} times shorter and its receivers here. */
  private static Path writeAlertmanagerConfig() throws IOException {
    ObjectNode config = (ObjectNode) YAML.readTree(
        RuleFile.projectRoot().resolve("deploy/alertmanager/alertmanager.yml").toFile());
    scaleTimers((ObjectNode) config.path("route"));
    for (JsonNode r : config.path("receivers")) {
      for (JsonNode webhook : r.path("webhook_configs")) {
        ((ObjectNode) webhook).put("url", receiver.url(r.path("name").asText()).toString());
      }
    }
    Path file = tmp.resolve("alertmanager.yml");
    YAML.writeValue(file.toFile(), config);
    return file;
  }

  /** Every timer a route sets, and its child routes set, {@link #SPEED} times shorter. */
  private static void scaleTimers(ObjectNode route) {
    for (String timer : List.of("group_wait", "group_interval", "repeat_interval")) {
      if (route.has(timer)) {
        route.put(timer, scaled(route.path(timer).asText()));
      }
    }
    for (JsonNode child : route.path("routes")) {
      scaleTimers((ObjectNode) child);
    }
  }
}
