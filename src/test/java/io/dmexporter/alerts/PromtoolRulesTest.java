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
import java.util.List;
import java.util.Locale;
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
      "DMRelayNotRunningForSync", "DMExporterTargetDown", "DMExporterPollStale");
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
      for (JsonNode test : YAML.readTree(file.toFile()).path("tests")) {
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

  /** A rule on a metric the exporter does not have can never fire, and no promtool test notices. */
  @Test
  void everyMetricInTheRulesIsInTheMetricsReference() throws IOException {
    String reference = Files.readString(ROOT.resolve("docs/metrics.md"));
    Matcher metric = Pattern.compile("\\b(dm_[a-z_]+)\\b")
        .matcher(Files.readString(ROOT.resolve(RuleFile.PATH)));
    Set<String> missing = new TreeSet<>();
    while (metric.find()) {
      if (!reference.contains("`" + metric.group(1))) {
        missing.add(metric.group(1));
      }
    }
    assertEquals(Set.of(), missing, "metrics used by rules but not in docs/metrics.md");
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
  void shortenedCopyChangesOnlyForDurations(@TempDir Path dir) throws Exception {
    RuleFile original = RuleFile.read(ROOT.resolve(RuleFile.PATH));
    RuleFile shortened = original.withForDurations(d -> d.dividedBy(60));
    Path copy = dir.resolve("rules.yml");
    shortened.write(copy);
    run(List.of(PROMTOOL, "check", "rules", copy.toString()));

    RuleFile reread = RuleFile.read(copy);
    assertEquals(withoutFor(original.tree()), withoutFor(reread.tree()), "more than for: changed");
    List<RuleFile.Alert> before = original.alerts();
    List<RuleFile.Alert> after = reread.alerts();
    for (int i = 0; i < before.size(); i++) {
      String was = before.get(i).forDuration();
      Duration expected = was == null ? null : RuleFile.parseDuration(was).dividedBy(60);
      String now = after.get(i).forDuration();
      assertEquals(expected, now == null ? null : RuleFile.parseDuration(now), before.get(i).name());
    }
  }

  private static JsonNode withoutFor(JsonNode rules) {
    JsonNode copy = rules.deepCopy();
    copy.path("groups").forEach(g -> g.path("rules").forEach(r -> ((ObjectNode) r).remove("for")));
    return copy;
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
    assertTrue(out.contains(alertNames().size() + 1 + " rules found"), out);
  }

  @Test
  void alertmanagerConfigIsValidAndRoutesBySeverity() throws Exception {
    String config = ROOT.resolve("deploy/alertmanager/alertmanager.yml").toString();
    run(List.of(AMTOOL, "check-config", config));
    assertRoute(config, "pager", "severity=critical", "alertname=DMSubtaskPausedWithError");
    assertRoute(config, "chat", "severity=warning", "alertname=DMSyncLagHigh");
    JsonNode route = YAML.readTree(Path.of(config).toFile()).path("route");
    assertEquals(YAML.readTree("[alertname, task]"), route.path("group_by"));
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
