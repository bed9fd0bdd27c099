package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped rules, their promtool tests, runbook links and example configs are valid. */
class PromtoolRulesTest {
  private static final String RUNBOOK_URL =
      "https://github.com/dm-exporter/dm-exporter/blob/main/docs/runbook.md#";
  private static final Set<String> CONTRACT_ALERTS = Set.of("DMSubtaskPausedWithError",
      "DMRelayNotRunningForSync", "DMExporterTargetDown", "DMExporterPollStale",
      "DMSubtaskStatusUnknown", "DMSyncBinlogBehind", "DMShardDDLConflict", "DMValidationErrorRows");
  /** The group that reads DM's own metrics instead of the exporter's. */
  private static final String NATIVE_GROUP = "dm-exporter.dm-native";
  /**
   * DM's own metric names that NATIVE_GROUP may use, as DM registers them (pingcap/tiflow:
   * dm/syncer/metrics/metrics.go, dm/loader/metrics.go, dm/dumpling/metrics.go,
   * dm/relay/metrics.go; namespace dm, subsystem syncer/loader/dumpling/relay).
   */
  private static final Set<String> DM_NATIVE_METRICS = Set.of("dm_syncer_exit_with_error_count",
      "dm_loader_exit_with_error_count", "dm_dumpling_exit_with_error_count",
      "dm_relay_exit_with_error_count");
  private static final Pattern METRIC = Pattern.compile("\\b(dm_[a-z_]+)\\b(?!:)");
  private static final Pattern RECORDED = Pattern.compile("\\b([a-z_]+:[a-z_:]+)\\b");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = RuleFile.projectRoot();
  private static final String PROMTOOL = "promtool";
  private static final String AMTOOL = "amtool";

  @Test
  void ruleFilePassesPromtoolCheck() throws Exception {
    run(List.of(PROMTOOL, "check", "rules",
        RuleFile.PATH.toString()));
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    List<String> command = new ArrayList<>(List.of(
        PROMTOOL, "test", "rules"));
    List<Path> files = ruleTestFiles();
    assertFalse(files.isEmpty(), "no promtool test files in alerts/tests");
    files.forEach(f -> command.add(ROOT.relativize(f).toString()));
    run(command);
  }

  @Test
  void everyAlertHasFiringAndQuietTestCases() throws IOException {
    Set<String> alerts = alertNames();
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Path file : ruleTestFiles()) {
      for (JsonNode test : promtoolTests(file)) {
        for (JsonNode check : test.path("alert_rule_test")) {
          String name = check.path("alertname").asText();
          // promtool expects nothing for an alert it does not know, so a misspelt name passes.
          assertTrue(alerts.contains(name), file + " tests unknown alert " + name);
          (check.path("exp_alerts").isEmpty() ? quiet : firing).add(name);
        }
      }
    }
    assertEquals(alerts, firing, "alerts without a firing case");
    assertEquals(alerts, quiet, "alerts without a not-firing case");
  }

  /**
   * A rule on a metric nobody exports can never fire, and no promtool test notices: the
   * exporter's rules use only the names docs/metrics.md documents (MetricNamesTest keeps it
   * complete), the native group only DM's, and every recorded name read is recorded by a rule.
   */
  @Test
  void everyMetricInTheRulesExists() throws IOException {
    Set<String> contract = MetricsReference.names();
    RuleFile rules = RuleFile.read(ROOT.resolve(RuleFile.PATH));
    Set<String> recorded = rules.recordings().stream().map(RuleFile.Recording::name)
        .collect(Collectors.toSet());
    List<String> unknown = new ArrayList<>();
    Map<String, String> exprs = new LinkedHashMap<>();
    rules.alerts().forEach(a -> exprs.put(a.group() + "/" + a.name(), a.expr()));
    rules.recordings().forEach(r -> exprs.put(r.group() + "/" + r.name(), r.expr()));
    exprs.forEach((rule, expr) -> {
      Set<String> allowed = rule.startsWith(NATIVE_GROUP + "/") ? DM_NATIVE_METRICS : contract;
      for (Matcher m = METRIC.matcher(expr); m.find(); ) {
        if (!allowed.contains(m.group(1))) {
          unknown.add(rule + ": " + m.group(1));
        }
      }
      for (Matcher m = RECORDED.matcher(expr); m.find(); ) {
        if (!recorded.contains(m.group(1))) {
          unknown.add(rule + ": " + m.group(1) + " (recorded by no rule)");
        }
      }
    });
    assertEquals(List.of(), unknown, "metrics that no one exports");
  }

  /**
   * Every alert survives one missing poll or scrape: some promtool case drops a sample
   * ({@code stale}) from its input and still expects the alert firing afterwards.
   */
  @Test
  void everyAlertHasAGapCase() throws IOException {
    Set<String> withGap = new TreeSet<>();
    for (Path file : ruleTestFiles()) {
      for (JsonNode test : promtoolTests(file)) {
        Duration interval = RuleFile.parseDuration(test.path("interval").asText("1m"));
        Duration firstGap = null;
        for (JsonNode series : test.path("input_series")) {
          int index = SeriesValues.firstStale(series.path("values").asText());
          if (index >= 0) {
            Duration at = interval.multipliedBy(index);
            firstGap = firstGap == null || at.compareTo(firstGap) < 0 ? at : firstGap;
          }
        }
        if (firstGap == null) {
          continue;
        }
        for (JsonNode check : test.path("alert_rule_test")) {
          Duration at = RuleFile.parseDuration(check.path("eval_time").asText());
          if (!check.path("exp_alerts").isEmpty() && at.compareTo(firstGap) > 0) {
            withGap.add(check.path("alertname").asText());
          }
        }
      }
    }
    assertEquals(alertNames(), withGap, "alerts without a case that fires across a gap");
  }

  @Test
  void contractAlertsExist() throws IOException {
    assertTrue(alertNames().containsAll(CONTRACT_ALERTS),
        "missing contract alerts: " + CONTRACT_ALERTS);
  }

  @Test
  void everyAlertHasSeverityAnnotationsAndRunbookSection() throws IOException {
    Set<String> anchors = runbookAnchors();
    for (RuleFile.Alert alert : RuleFile.read(ROOT.resolve(RuleFile.PATH)).alerts()) {
      String name = alert.name();
      assertTrue(Set.of("critical", "warning").contains(alert.labels().get("severity")),
          name + " severity: " + alert.labels().get("severity"));
      assertFalse(alert.annotations().getOrDefault("summary", "").isBlank(), name + " summary");
      String description = alert.annotations().getOrDefault("description", "");
      assertTrue(description.contains("{{ $labels.") || description.contains("{{ $value"),
          name + " description names no label value: " + description);
      if (alert.group().endsWith(".subtasks")) {
        for (String label : List.of("task", "source_id", "worker")) {
          assertTrue(description.contains("$labels." + label),
              name + " description does not name " + label);
        }
      }
      String url = alert.annotations().getOrDefault("runbook_url", "");
      assertTrue(url.startsWith(RUNBOOK_URL), name + " runbook_url: " + url);
      String anchor = url.substring(RUNBOOK_URL.length());
      assertEquals(slug(name), anchor, name + " runbook anchor");
      assertTrue(anchors.contains(anchor), name + ": docs/runbook.md has no heading #" + anchor);
    }
  }

  @Test
  void prometheusConfigIsValidAndLoadsTheRules(@TempDir Path dir) throws Exception {
    Path config = ROOT.resolve("deploy/prometheus/prometheus.yml");
    run(List.of(PROMTOOL, "check", "config", config.toString()));

    // The shipped file points at /etc/prometheus/rules/; check it again with the real rules.
    ObjectNode tree = (ObjectNode) YAML.readTree(config.toFile());
    assertEquals("/etc/prometheus/rules/*.yml", tree.path("rule_files").path(0).asText());
    ArrayNode ruleFiles = tree.putArray("rule_files");
    ruleFiles.add(ROOT.resolve(RuleFile.PATH).toString());
    Path copy = dir.resolve("prometheus.yml");
    YAML.writeValue(copy.toFile(), tree);
    String out = run(List.of(PROMTOOL, "check", "config", copy.toString()));
    int rules = alertNames().size() + RuleFile.read(ROOT.resolve(RuleFile.PATH)).recordings().size();
    assertTrue(out.contains(rules + " rules found"), out);
  }

  @Test
  void alertmanagerConfigIsValidAndRoutesBySeverity() throws Exception {
    String config = ROOT.resolve("deploy/alertmanager/alertmanager.yml").toString();
    run(List.of(AMTOOL, "check-config", config));
    assertRoute(config, "pager", "severity=critical", "alertname=DMSubtaskPausedWithError");
    assertRoute(config, "chat", "severity=warning", "alertname=DMSyncLagHigh");
    JsonNode route = YAML.readTree(Path.of(config).toFile()).path("route");
    // one notification per alert and task, and never one mixing two DM clusters or exporters
    assertEquals(YAML.readTree("[alertname, cluster, instance, task]"), route.path("group_by"));
  }

  /** Inhibitions name alerts that exist, and the ones that keep one cause to one page are there. */
  @Test
  void alertmanagerInhibitionsNameRealAlerts() throws Exception {
    JsonNode config = YAML.readTree(ROOT.resolve("deploy/alertmanager/alertmanager.yml").toFile());
    Set<String> alerts = alertNames();
    Set<String> pairs = new TreeSet<>();
    for (JsonNode rule : config.path("inhibit_rules")) {
      String source = label(rule.path("source_matchers"), "alertname");
      String target = label(rule.path("target_matchers"), "alertname");
      assertTrue(alerts.contains(source), "inhibition by unknown alert " + source);
      assertTrue(alerts.contains(target), "inhibition of unknown alert " + target);
      assertFalse(rule.path("equal").isEmpty(), source + " -> " + target + " must name equal labels");
      pairs.add(source + " -> " + target + " role=" + label(rule.path("target_matchers"), "role"));
    }
    assertTrue(pairs.contains("DMWorkerOffline -> DMExporterTargetDown role=worker"), pairs.toString());
    assertTrue(pairs.contains("DMMasterDown -> DMExporterTargetDown role=master"), pairs.toString());
    // a relay that is not running holds its syncer back: one page (the relay's), not two
    assertTrue(pairs.contains("DMRelayNotRunningForSync -> DMSyncBinlogBehind role=null"), pairs.toString());
  }

  /** The value a list of equality matchers requires for a label, or null. */
  private static String label(JsonNode matchers, String name) {
    for (JsonNode m : matchers) {
      Matcher matcher = Pattern.compile("^" + name + "=\"([^\"]*)\"$").matcher(m.asText());
      if (matcher.matches()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  /** Runs a Debian tool from the repository root; fails with its output unless it exits 0. */
  private static String run(List<String> command) throws Exception {
    List<String> resolved = new ArrayList<>(command);
    String tool = command.get(0);
    resolved.set(0, Tools.require(tool, tool.equals(AMTOOL) ? "prometheus-alertmanager" : "prometheus")
        .toString());
    Tools.Run run = Tools.run(resolved, null, ROOT);
    assertEquals(0, run.exitCode(), () -> String.join(" ", command) + ":\n" + run.output());
    return run.output();
  }

  private static void assertRoute(String config, String receiver, String... labels)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(AMTOOL, "config", "routes", "test",
        "--config.file=" + config, "--verify.receivers=" + receiver));
    command.addAll(List.of(labels));
    run(command);
  }

  /** A promtool test file's cases, with YAML anchors and aliases resolved (Jackson leaves them). */
  private static JsonNode promtoolTests(Path file) throws IOException {
    try (var reader = Files.newBufferedReader(file)) {
      Object tree = new org.yaml.snakeyaml.Yaml().load(reader);
      return new ObjectMapper().valueToTree(tree).path("tests");
    }
  }

  private static List<Path> ruleTestFiles() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("alerts/tests"))) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static Set<String> alertNames() throws IOException {
    return RuleFile.read(ROOT.resolve(RuleFile.PATH)).alerts().stream()
        .map(RuleFile.Alert::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** GitHub's anchors of the runbook's headings. */
  private static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new TreeSet<>();
    Matcher heading = Pattern.compile("(?m)^#{1,6} +(.+?) *$")
        .matcher(Files.readString(ROOT.resolve("docs/runbook.md")));
    while (heading.find()) {
      anchors.add(slug(heading.group(1)));
    }
    return anchors;
  }

  /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
  private static String slug(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{Alnum} _-]", "").replace(' ', '-');
  }
}
