package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmexporter.alerts.MetricsReference;
import io.dmexporter.deploy.GrafanaDashboard.Panel;
import io.dmexporter.deploy.GrafanaDashboard.QueryVariable;
import io.dmexporter.deploy.GrafanaDashboard.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Static checks of every dashboard in grafana/dashboards: structure, datasource, variables, PromQL. */
class DashboardStructureTest {
  private static final RepoFiles REPO = RepoFiles.fromSystemProperty();
  private static final Pattern SELECTOR = Pattern.compile("\\b(dm_\\w+|up)\\b(?!\\s*\\()\\s*(\\{[^}]*})?");
  /** The status colours DBAs read at a glance, the same in every panel. */
  static final Map<String, String> STATUS_COLOURS =
      Map.of("Error", "red", "Paused", "orange", "Running", "green", "Finished", "blue");

  static Stream<String> dashboards() {
    try (Stream<Path> files = Files.list(REPO.path("grafana/dashboards"))) {
      List<String> names = files.map(p -> "grafana/dashboards/" + p.getFileName())
          .filter(n -> n.endsWith(".json")).sorted().toList();
      assertFalse(names.isEmpty(), "no dashboards in grafana/dashboards");
      return names.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void hasAStableUidAndACurrentSchema(String file) {
    JsonNode json = REPO.json(file);
    assertTrue(json.path("uid").asText().matches("[a-z0-9-]{1,40}"), file + ": uid " + json.path("uid"));
    int schema = json.path("schemaVersion").asInt();
    assertTrue(schema >= 39 && schema <= 41, file + ": schemaVersion " + schema);
    assertFalse(json.path("title").asText().isBlank(), file + ": title");
    assertTrue(json.path("id").isMissingNode() || json.path("id").isNull(),
        file + ": a provisioned dashboard must not carry a database id");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void panelIdsAreUniqueAndPanelsDoNotOverlap(String file) {
    GrafanaDashboard dashboard = GrafanaDashboard.load(REPO, file);
    Set<Integer> ids = new HashSet<>();
    for (Panel p : dashboard.panels()) {
      assertTrue(p.id() > 0, file + ": panel without id: " + p.title());
      assertTrue(ids.add(p.id()), file + ": duplicate panel id " + p.id() + " (" + p.title() + ")");
      assertFalse(p.title().isBlank(), file + ": panel " + p.id() + " has no title");
    }
    List<int[]> boxes = new ArrayList<>();
    for (JsonNode p : dashboard.json().path("panels")) {
      JsonNode g = p.path("gridPos");
      int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
      assertTrue(box[2] > 0 && box[3] > 0 && box[0] + box[2] <= 24, file + ": gridPos of " + p.path("title"));
      for (int[] other : boxes) {
        boolean apart = box[0] >= other[0] + other[2] || other[0] >= box[0] + box[2]
            || box[1] >= other[1] + other[3] || other[1] >= box[1] + box[3];
        assertTrue(apart, file + ": panel " + p.path("title") + " overlaps another panel");
      }
      boxes.add(box);
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyPanelAndQueryUsesTheDatasourceVariable(String file) {
    GrafanaDashboard dashboard = GrafanaDashboard.load(REPO, file);
    for (Panel p : dashboard.panels()) {
      if (p.isRow()) {
        continue;
      }
      assertDatasourceVariable(file + " panel " + p.title(), p.json().path("datasource"));
      assertFalse(p.targets().isEmpty(), file + ": panel " + p.title() + " has no query");
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.json().path("targets")) {
        assertDatasourceVariable(file + " panel " + p.title(), t.path("datasource"));
        assertTrue(refIds.add(t.path("refId").asText()), file + ": duplicate refId in " + p.title());
        assertFalse(t.path("expr").asText().isBlank(), file + ": empty expr in " + p.title());
      }
    }
    List<String> hardCoded = new ArrayList<>();
    findDatasourceReferences(dashboard.json(), "", hardCoded);
    assertEquals(List.of(), hardCoded, file + ": datasource references that are not ${datasource}");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void variablesAreTheDatasourceAndLabelValuesQueries(String file) {
    GrafanaDashboard dashboard = GrafanaDashboard.load(REPO, file);
    JsonNode datasource = dashboard.variables().stream()
        .filter(v -> v.path("name").asText().equals("datasource")).findFirst()
        .orElseThrow(() -> new AssertionError(file + ": no datasource variable"));
    assertEquals("datasource", datasource.path("type").asText());
    assertEquals("prometheus", datasource.path("query").asText());

    Map<String, QueryVariable> vars = new HashMap<>();
    for (QueryVariable v : dashboard.queryVariables()) {
      vars.put(v.name(), v);
      assertDatasourceVariable(file + " variable " + v.name(), v.json().path("datasource"));
      assertEquals(v.name(), v.label(), file + ": variable " + v.name() + " must list label " + v.name());
      assertKnownMetrics(file + " variable " + v.name(), v.selector());
    }
    for (String name : List.of("job", "instance", "task", "source_id")) {
      QueryVariable v = vars.get(name);
      assertTrue(v != null, file + ": no query variable " + name);
      assertTrue(v.json().path("multi").asBoolean(), file + ": " + name + " must be multi-select");
      assertTrue(v.json().path("includeAll").asBoolean(), file + ": " + name + " must include All");
      // "All" as .* also matches values that appeared after the list was loaded
      assertEquals(".*", v.json().path("allValue").asText(), file + ": " + name + " allValue");
    }
    // every source the exporter knows, also one that cannot be read or has no subtask
    assertTrue(vars.get("source_id").selector().startsWith("dm_source_up"),
        file + ": source_id must list the sources of dm_source_up, not " + vars.get("source_id").selector());
  }

  /** No query that runs fine but cannot show what its panel claims (see PromQlLint). */
  @ParameterizedTest
  @MethodSource("dashboards")
  void noQueryCanOnlyShowNonsense(String file) {
    List<String> problems = new ArrayList<>();
    for (Panel p : GrafanaDashboard.load(REPO, file).panels()) {
      for (Target t : p.targets()) {
        PromQlLint.problems(t.expr()).forEach(x -> problems.add(p.title() + " " + t.refId() + ": " + x));
      }
    }
    assertEquals(List.of(), problems, file);
  }

  /**
   * Panels that show the current state (stat, bar gauge, gauge, table) ask for the value now: a
   * range query reduced to "last not null" would keep showing a dead exporter's last value.
   */
  @ParameterizedTest
  @MethodSource("dashboards")
  void currentStatePanelsUseInstantQueries(String file) {
    for (Panel p : GrafanaDashboard.load(REPO, file).panels()) {
      if (List.of("stat", "bargauge", "gauge", "table").contains(p.type())) {
        for (JsonNode t : p.json().path("targets")) {
          assertTrue(t.path("instant").asBoolean() && !t.path("range").asBoolean(true),
              file + ": " + p.title() + " " + t.path("refId").asText() + " must be an instant query");
        }
      }
    }
  }

  /** A cumulative counter and a per-second rate on one axis: the rate is drawn flat at 0. */
  @ParameterizedTest
  @MethodSource("dashboards")
  void noPanelDrawsACounterAndItsRateTogether(String file) {
    Pattern rawCounter = Pattern.compile("(?<!rate\\()(?<!increase\\()\\b(dm_\\w+_total)\\{[^}]*}(?!\\[)");
    for (Panel p : GrafanaDashboard.load(REPO, file).panels()) {
      boolean raw = p.targets().stream().anyMatch(t -> rawCounter.matcher(t.expr()).find());
      boolean rate = p.targets().stream().anyMatch(t -> t.expr().contains("rate("));
      assertFalse(raw && rate, file + ": " + p.title() + " draws a counter and a rate on one axis");
    }
  }

  /** Firing DM alerts are marked on every time series (annotations from Prometheus' ALERTS). */
  @ParameterizedTest
  @MethodSource("dashboards")
  void firingAlertsAreAnnotations(String file) {
    JsonNode annotations = REPO.json(file).path("annotations").path("list");
    boolean alerts = false;
    for (JsonNode a : annotations) {
      alerts |= a.path("enable").asBoolean() && a.path("expr").asText().startsWith("ALERTS{")
          && a.path("expr").asText().contains("alertstate=\"firing\"");
    }
    assertTrue(alerts, file + ": no annotation of firing alerts");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void queriesUseOnlyContractMetricsAndHonourTheVariables(String file) {
    for (Panel p : GrafanaDashboard.load(REPO, file).panels()) {
      for (Target t : p.targets()) {
        String where = file + " panel " + p.title() + " " + t.refId();
        assertKnownMetrics(where, t.expr());
        Matcher m = SELECTOR.matcher(t.expr());
        while (m.find()) {
          String metric = m.group(1);
          String selector = m.group(2) == null ? "" : m.group(2);
          // a panel that ignores the selected exporters mixes DM clusters
          assertTrue(selector.contains("job=~\"$job\"") && selector.contains("instance=~\"$instance\""),
              where + ": " + metric + " ignores $job or $instance");
          // a panel that ignores the selected tasks or sources shows other tasks' data
          if (metric.startsWith("dm_subtask_") || metric.startsWith("dm_task_")) {
            assertTrue(selector.contains("task=~\"$task\""), where + ": " + metric + " ignores $task");
          }
          if (metric.startsWith("dm_subtask_") || metric.startsWith("dm_source_")) {
            assertTrue(selector.contains("source_id=~\"$source_id\""),
                where + ": " + metric + " ignores $source_id");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void statusColoursAreConsistent(String file) {
    List<JsonNode> mappings = new ArrayList<>();
    findValueMappings(REPO.json(file), mappings);
    Set<String> seen = new HashSet<>();
    for (JsonNode mapping : mappings) {
      mapping.path("options").fields().forEachRemaining(e -> {
        String text = e.getValue().path("text").asText();
        if (STATUS_COLOURS.containsKey(text)) {
          assertEquals(STATUS_COLOURS.get(text), e.getValue().path("color").asText(),
              file + ": colour of " + text);
          seen.add(text);
        }
      });
    }
    assertEquals(STATUS_COLOURS.keySet(), seen, file + ": statuses without a colour mapping");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void tableTransformationsNameExistingQueries(String file) {
    for (Panel p : GrafanaDashboard.load(REPO, file).panels()) {
      Set<String> refIds = new HashSet<>();
      p.targets().forEach(t -> refIds.add(t.refId()));
      for (JsonNode transformation : p.json().path("transformations")) {
        JsonNode organize = transformation.path("options");
        List<String> names = new ArrayList<>();
        organize.path("renameByName").fieldNames().forEachRemaining(names::add);
        organize.path("excludeByName").fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          Matcher value = Pattern.compile("^Value #(\\w+)$").matcher(name);
          if (value.matches()) {
            assertTrue(refIds.contains(value.group(1)), file + " " + p.title() + ": no query " + name);
          } else if (name.equals("Value")) {
            assertEquals(1, p.targets().size(), file + " " + p.title() + ": 'Value' needs one query");
          }
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void overviewCoversWhatTheIssueAsksFor() {
    GrafanaDashboard overview = GrafanaDashboard.load(REPO, "grafana/dashboards/dm-exporter-overview.json");
    assertEquals("dm-exporter-overview", overview.uid());
    Set<String> used = new HashSet<>();
    for (Panel p : overview.panels()) {
      for (Target t : p.targets()) {
        Matcher m = SELECTOR.matcher(t.expr());
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    for (String metric : List.of("dm_task_status", "dm_subtask_stage", "dm_subtask_unit",
        "dm_subtask_dump_progress_ratio", "dm_subtask_load_progress_ratio",
        "dm_subtask_sync_rows_per_second", "dm_subtask_sync_rows_total",
        "dm_subtask_sync_seconds_behind_master", "dm_subtask_sync_binlog_file", "dm_source_relay_stage",
        "dm_subtask_error_info", "dm_subtask_sync_blocking_ddls", "dm_cluster_worker_stage",
        "dm_exporter_target_up", "dm_exporter_poll_duration_seconds",
        "dm_exporter_last_poll_success_timestamp_seconds", "up", "dm_task_subtasks_unknown",
        "dm_subtask_sync_binlog_pos", "dm_source_relay_binlog_file", "dm_source_relay_binlog_pos",
        "dm_source_relay_catch_up_master", "dm_subtask_validation_stage", "dm_subtask_validation_rows",
        "dm_subtask_validation_error_rows", "dm_subtask_sync_shard_ddl_conflict", "dm_cluster_worker_info",
        "dm_exporter_target_poll_errors_total")) {
      assertTrue(used.contains(metric), "the overview shows nothing of " + metric);
    }
    long progressBars = overview.panels().stream()
        .filter(p -> p.type().equals("bargauge"))
        .filter(p -> p.json().path("fieldConfig").path("defaults").path("unit").asText().equals("percentunit"))
        .filter(p -> p.json().path("fieldConfig").path("defaults").path("min").asDouble(-1) == 0)
        .filter(p -> p.json().path("fieldConfig").path("defaults").path("max").asDouble(-1) == 1)
        .count();
    assertEquals(2, progressBars, "dump and load progress as 0-100 % bar gauges");
  }

  @org.junit.jupiter.api.Test
  void provisioningLoadsTheDashboardsIntoAStockGrafana() {
    JsonNode datasources = REPO.yaml("grafana/provisioning/datasources/prometheus.yml");
    assertEquals(1, datasources.path("apiVersion").asInt());
    JsonNode prometheus = datasources.path("datasources").get(0);
    assertEquals("prometheus", prometheus.path("type").asText());
    assertTrue(prometheus.path("url").asText().startsWith("http://"), prometheus.toString());

    JsonNode providers = REPO.yaml("grafana/provisioning/dashboards/dm-exporter.yml");
    assertEquals(1, providers.path("apiVersion").asInt());
    JsonNode provider = providers.path("providers").get(0);
    assertEquals("file", provider.path("type").asText());
    assertEquals(ComposeFileTest.GRAFANA_DASHBOARDS, provider.path("options").path("path").asText());
  }

  /** The metrics docs/metrics.md documents: the only ones a panel may use. */
  static Set<String> contractMetrics() {
    return MetricsReference.names();
  }

  private static void assertKnownMetrics(String where, String expr) {
    Set<String> known = contractMetrics();
    Matcher m = Pattern.compile("\\bdm_\\w+").matcher(expr);
    while (m.find()) {
      if (!known.contains(m.group())) {
        fail(where + ": " + m.group() + " is not a metric of the exporter (docs/metrics.md)");
      }
    }
  }

  private static void assertDatasourceVariable(String where, JsonNode ds) {
    assertEquals("prometheus", ds.path("type").asText(), where + ": datasource type");
    assertEquals(GrafanaDashboard.DATASOURCE_UID, ds.path("uid").asText(), where + ": datasource uid");
  }

  private static void findDatasourceReferences(JsonNode node, String path, List<String> bad) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        JsonNode value = e.getValue();
        if (e.getKey().equals("datasource")) {
          String uid = value.isTextual() ? value.asText() : value.path("uid").asText();
          if (!uid.equals(GrafanaDashboard.DATASOURCE_UID)) {
            bad.add(path + "/datasource=" + value);
          }
        } else if (e.getKey().equals("datasourceUid")) {
          bad.add(path + "/datasourceUid=" + value);
        }
        findDatasourceReferences(value, path + "/" + e.getKey(), bad);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        findDatasourceReferences(node.get(i), path + "/" + i, bad);
      }
    }
  }

  private static void findValueMappings(JsonNode node, List<JsonNode> into) {
    if (node.isObject()) {
      if (node.path("type").asText().equals("value") && node.path("options").isObject()) {
        into.add(node);
      }
      node.elements().forEachRemaining(child -> findValueMappings(child, into));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> findValueMappings(child, into));
    }
  }
}
