package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmexporter.deploy.GrafanaDashboard.Panel;
import io.dmexporter.deploy.GrafanaDashboard.QueryVariable;
import io.dmexporter.deploy.GrafanaDashboard.Target;
import io.dmexporter.deploy.PrometheusApi.QueryResult;
import io.dmexporter.testing.ServerProcess;
import io.dmexporter.testing.SimControl;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs every panel query of every dashboard against Debian's real Prometheus scraping the exporter
 * in --demo mode, with the variables set to real values, and fails on any error or empty panel.
 * Before that it drives the demo through its control API (docs/simulator.md) so that every panel
 * has something to show: relay on every source, validation error rows, an optimistic shard DDL
 * conflict, a worker offline for a while (unknown subtasks), a worker endpoint failing for a while
 * (poll errors), a relay error, a paused task resumed (lag while it catches up). Then every query must also show a value other than 0 at some
 * time of the run: a query that can only ever return 0 shows nothing, whatever happens in DM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesIT {
  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final Path workDir = repo.path("target/dashboard-it");
  private final List<ServerProcess> servers = new ArrayList<>();
  private PrometheusApi prometheus;
  private List<GrafanaDashboard> dashboards;
  private SimControl demo;
  private long startedAt;

  @BeforeAll
  void startExporterAndPrometheus() throws IOException {
    Path prometheusBinary = Tools.require("prometheus", "prometheus");
    Path jar = Path.of(System.getProperty("dm.exporter.jar", "target/dm-exporter.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " missing: build it with mvn -B -q -DskipTests package");
    dashboards = DashboardStructureTest.dashboards().map(f -> GrafanaDashboard.load(repo, f)).toList();

    startedAt = System.currentTimeMillis();
    int exporterPort = ServerProcess.freePort();
    int controlPort = ServerProcess.freePort();
    ServerProcess exporter = start("exporter", List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "--demo", "--web.listen-address=127.0.0.1:" + exporterPort, "--poll.interval=1s",
        "--poll.timeout=500ms", "--demo.control-address=127.0.0.1:" + controlPort));
    demo = new SimControl("http://127.0.0.1:" + controlPort);
    exporter.awaitOk("http://127.0.0.1:" + exporterPort + "/-/ready", STARTUP);

    int prometheusPort = ServerProcess.freePort();
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
        "scrape_configs:",
        "  - job_name: dm-exporter",
        "    static_configs: [{targets: ['127.0.0.1:" + exporterPort + "']}]", ""));
    Path data = workDir.resolve("prometheus-data");
    deleteRecursively(data);
    ServerProcess server = start("prometheus", List.of(prometheusBinary.toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + data,
        "--web.listen-address=127.0.0.1:" + prometheusPort));
    server.awaitOk("http://127.0.0.1:" + prometheusPort + "/-/ready", STARTUP);
    prometheus = new PrometheusApi("http://127.0.0.1:" + prometheusPort);
    awaitScrapes(server, 5);
    driveTheDemo();
  }

  /**
   * Makes the demo show what it shows only later, or never by itself: the transient conditions
   * (a worker offline, an endpoint failing, a relay error, a syncer catching up) until Prometheus
   * has scraped them, then back to healthy; the lasting ones (relay everywhere, validation error
   * rows, a shard conflict) stay for the panel checks.
   */
  private void driveTheDemo() {
    List<String> sources = List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03", "mysql-replica-04");
    int subtasks = subtasks("max by (task, source_id) (dm_subtask_stage == 1)").size();
    for (String source : sources) {
      demo.post("sources/" + source + "/relay", "{\"stage\":\"Running\"}");
    }
    demo.post("tasks/shard_merge/sources/mysql-replica-03/validation/errors", "{\"rows\":2}");
    demo.post("tasks/shard_merge/sources/mysql-replica-04/shard-ddl",
        "{\"ddl\":\"ALTER TABLE `shard_db`.`shard_tbl` MODIFY COLUMN `c` BIGINT\"}");
    String failing = demo.workerAddress("worker1");
    demo.put("faults/" + failing, "{\"kind\":\"unavailable\"}");
    demo.post("workers/worker2/offline", null);
    demo.post("sources/mysql-replica-04/relay", "{\"stage\":\"Paused\",\"error\":true}");
    for (String seen : List.of("dm_source_relay_stage{stage=\"Running\"} == 1",
        "dm_subtask_validation_error_rows{state=\"new\"} > 0", "dm_subtask_sync_shard_ddl_conflict == 1",
        "dm_task_subtasks_unknown > 0",
        // the error counter appears at its first failure: a rate needs a second one
        "increase(dm_exporter_target_poll_errors_total[15s]) > 0",
        // auto-resumed by DM's task checker within 5 s: seen once is enough
        "max_over_time(dm_source_relay_errors[1m]) > 0")) {
      awaitQuery("the driven demo scraped", seen);
    }
    demo.delete("faults/" + failing);
    demo.post("workers/worker2/online", null);
    awaitQuery("the demo healthy again", "count(dm_source_up == 1) == 4 and on() count(dm_exporter_target_up == 1)"
        + " == count(dm_exporter_target_up) and on() max(dm_task_subtasks_unknown) == 0"
        + " and on() count(max by (task, source_id) (dm_subtask_stage == 1)) == " + subtasks);
    // test2 has been paused by hand since the start: resumed, its syncers catch up on a backlog
    demo.post("tasks/test2/resume", null);
    awaitQuery("test2 catching up", "max_over_time(dm_subtask_sync_seconds_behind_master{task=\"test2\"}[1m]) > 0");
  }

  /** Waits until the expression returns something. */
  private void awaitQuery(String what, String expr) {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      QueryResult result = prometheus.query(expr);
      assertFalse(result.failed(), expr + ": " + result.error());
      if (!result.series().isEmpty()) {
        return;
      }
      ServerProcess.sleep(Duration.ofMillis(250));
    }
    fail("not within " + STARTUP + ": " + what + " (" + expr + ")");
  }

  @AfterAll
  void stopServers() {
    servers.forEach(ServerProcess::close);
  }

  @Test
  void variableQueriesListRealValues() {
    for (GrafanaDashboard dashboard : dashboards) {
      Map<String, List<String>> all = allValues(dashboard);
      for (QueryVariable v : dashboard.queryVariables()) {
        assertFalse(all.get(v.name()).isEmpty(), dashboard.file() + ": variable " + v.name() + " lists nothing");
      }
      System.out.println(dashboard.file() + " variables: " + all);
    }
  }

  @Test
  void everyPanelReturnsDataForAllTasksAndSources() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard dashboard : dashboards) {
      problems.addAll(check(dashboard, allValues(dashboard), "All", true));
    }
    assertNoProblems(problems);
  }

  @Test
  void everyPanelReturnsDataForOneSubtaskInSync() {
    List<String> pair = subtasks("max by (task, source_id) (dm_subtask_unit{unit=\"Sync\"} == 1)").stream()
        .findFirst().orElseGet(() -> fail("the demo shows no subtask in Sync"));
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard dashboard : dashboards) {
      problems.addAll(check(dashboard, single(dashboard, pair), "task=" + pair.get(0) + " source_id=" + pair.get(1), true));
    }
    assertNoProblems(problems);
  }

  /** Panels that only apply to some units may be empty, but then they declare a noValue text. */
  @Test
  void noPanelShowsNoDataForAnySingleSubtask() {
    List<List<String>> pairs = subtasks("max by (task, source_id) (dm_subtask_stage == 1)");
    assertTrue(pairs.size() > 1, "the demo should show several subtasks: " + pairs);
    List<String> problems = new ArrayList<>();
    for (List<String> pair : pairs) {
      for (GrafanaDashboard dashboard : dashboards) {
        problems.addAll(check(dashboard, single(dashboard, pair), "task=" + pair.get(0) + " source_id=" + pair.get(1), false));
      }
    }
    assertNoProblems(problems);
  }

  /**
   * Every query, with the variables at All, shows a value other than 0 at some time of the run:
   * one that can only ever return 0 (a rate of a gauge, a "* 0" left over, a label that never
   * matches beside a fallback) shows nothing whatever DM does. A target whose 0 the demo cannot
   * change is named here with the reason.
   */
  @Test
  void everyQueryShowsMoreThanZeroAtSomeTime() {
    String noRotation = "the demo's upstreams write kilobytes per second: nothing falls a whole binlog file behind"
        + " within a run";
    Map<String, String> alwaysZeroInTheDemo = Map.of(
        "Sources/B", "the simulator never reports errors in a source's own result (dm_source_errors)",
        "Binlog gap master − syncer/A", noRotation,
        "Binlog gap master − relay/A", noRotation);
    long window = (System.currentTimeMillis() - startedAt) / 1000 + 5;
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard dashboard : dashboards) {
      Map<String, List<String>> vars = allValues(dashboard);
      for (Panel panel : dashboard.panels()) {
        for (Target target : panel.targets()) {
          String expr = GrafanaTemplate.interpolate(target.expr(), vars);
          QueryResult result = prometheus.query("count_over_time(((" + expr + ") != 0)[" + window + "s:1s])");
          String key = panel.title() + "/" + target.refId();
          if (result.failed()) {
            problems.add(dashboard.file() + " panel \"" + panel.title() + "\" " + target.refId() + ": " + result.error());
          } else if (result.series().isEmpty() != alwaysZeroInTheDemo.containsKey(key)) {
            problems.add(dashboard.file() + " panel \"" + panel.title() + "\" " + target.refId()
                + (result.series().isEmpty() ? ": only ever 0 or nothing in " + window + " s of the driven demo\n    " + expr
                : ": no longer always 0; drop it from the exceptions (" + alwaysZeroInTheDemo.get(key) + ")"));
          }
        }
      }
    }
    assertNoProblems(problems);
  }

  private static void assertNoProblems(List<String> problems) {
    if (!problems.isEmpty()) {
      fail(problems.size() + " panel queries with errors or no data:\n" + String.join("\n", problems));
    }
  }

  /** Runs each target; every one must answer, and every one must have data where that is required. */
  private List<String> check(GrafanaDashboard dashboard, Map<String, List<String>> vars, String scenario,
      boolean everyTarget) {
    List<String> problems = new ArrayList<>();
    int queries = 0;
    for (Panel panel : dashboard.panels()) {
      boolean panelHasData = false;
      for (Target target : panel.targets()) {
        String where = dashboard.file() + " [" + scenario + "] panel \"" + panel.title() + "\" " + target.refId();
        String expr = GrafanaTemplate.interpolate(target.expr(), vars);
        QueryResult result = prometheus.query(expr);
        queries++;
        if (result.failed()) {
          problems.add(where + ": " + result.error() + "\n    " + expr);
          continue;
        }
        panelHasData |= !result.series().isEmpty();
        if (result.series().isEmpty() && everyTarget) {
          problems.add(where + ": empty result\n    " + expr);
        }
        problems.addAll(checkLegend(where, target, result.series()));
        problems.addAll(checkMappedStates(where, panel, result.series()));
      }
      if (!panel.isRow() && !panelHasData && panel.noValue().isEmpty() && !everyTarget) {
        problems.add(dashboard.file() + " [" + scenario + "] panel \"" + panel.title() + "\" shows No data");
      }
    }
    System.out.printf("%s [%s]: %d queries, %d problems%n", dashboard.file(), scenario, queries, problems.size());
    return problems;
  }

  /** A legend naming a label that no series has would print an empty name. */
  private static List<String> checkLegend(String where, Target target, List<JsonNode> series) {
    List<String> problems = new ArrayList<>();
    Matcher m = LEGEND_LABEL.matcher(target.legendFormat());
    while (m.find() && !series.isEmpty()) {
      String label = m.group(1);
      if (series.stream().noneMatch(s -> s.path("metric").has(label))) {
        problems.add(where + ": legend uses {{" + label + "}} but no series has that label");
      }
    }
    return problems;
  }

  /** A state timeline colours values through its mappings: a value without one is a wrong code. */
  private static List<String> checkMappedStates(String where, Panel panel, List<JsonNode> series) {
    if (!panel.type().equals("state-timeline")) {
      return List.of();
    }
    Set<String> mapped = new HashSet<>();
    panel.json().path("fieldConfig").path("defaults").path("mappings")
        .forEach(m -> m.path("options").fieldNames().forEachRemaining(mapped::add));
    List<String> problems = new ArrayList<>();
    for (JsonNode s : series) {
      String value = s.path("value").get(1).asText();
      if (!mapped.contains(value)) {
        problems.add(where + ": value " + value + " has no mapping (" + s.path("metric") + ")");
      }
    }
    return problems;
  }

  /** Each query variable at "All": every value its label_values query lists, earlier ones applied. */
  private Map<String, List<String>> allValues(GrafanaDashboard dashboard) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (QueryVariable v : dashboard.queryVariables()) {
      String selector = GrafanaTemplate.interpolate(v.selector(), values);
      values.put(v.name(), prometheus.labelValues(selector, v.label()));
      assertFalse(values.get(v.name()).isEmpty(), "label_values(" + selector + ", " + v.label() + ") is empty");
    }
    return values;
  }

  /** (task, source_id) pairs of the series an expression returns, sorted. */
  private List<List<String>> subtasks(String expr) {
    QueryResult result = prometheus.query(expr);
    assertFalse(result.failed(), result.error());
    return result.series().stream()
        .map(s -> List.of(s.path("metric").path("task").asText(), s.path("metric").path("source_id").asText()))
        .sorted((a, b) -> String.join("/", a).compareTo(String.join("/", b))).toList();
  }

  /** The variables at All, but task and source_id set to one subtask's. */
  private Map<String, List<String>> single(GrafanaDashboard dashboard, List<String> pair) {
    Map<String, List<String>> values = new LinkedHashMap<>(allValues(dashboard));
    values.put("task", List.of(pair.get(0)));
    values.put("source_id", List.of(pair.get(1)));
    return values;
  }

  private ServerProcess start(String name, List<String> command) {
    ServerProcess process = ServerProcess.start(name, command, workDir);
    servers.add(process);
    return process;
  }

  /** Waits until Prometheus holds several scrapes of the exporter, so rates have samples. */
  private void awaitScrapes(ServerProcess server, int scrapes) {
    String expr = "count_over_time(up{job=\"dm-exporter\"}[1m]) >= " + scrapes + " and up{job=\"dm-exporter\"} == 1";
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!prometheus.query(expr).series().isEmpty()) {
        return;
      }
      ServerProcess.sleep(Duration.ofMillis(500));
    }
    fail("Prometheus did not scrape the exporter " + scrapes + " times:\n" + server.log());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
