package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
  private static final Path ROOT = Tools.projectRoot();

  @Test
  void ruleFilePassesPromtoolCheck() throws Exception {
    Tools.run(List.of(Tools.require("promtool").toString(), "check", "rules",
        RuleFile.PATH.toString())).assertSuccess();
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Tools.require("promtool").toString(), "test", "rules"));
    List<Path> files = ruleTestFiles();
    assertFalse(files.isEmpty(), "no promtool test files in alerts/tests");
    files.forEach(f -> command.add(ROOT.relativize(f).toString()));
    Tools.run(command).assertSuccess();
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
    Tools.run(List.of(Tools.require("promtool").toString(), "check", "rules", copy.toString()))
        .assertSuccess();

    JsonNode reread = RuleFile.read(copy).tree();
    JsonNode expected = original.tree().deepCopy();
    for (JsonNode group : expected.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("for")) {
          Duration d = RuleFile.parseDuration(rule.get("for").asText());
          ((ObjectNode) rule).put("for", d.dividedBy(60).toMillis() + "ms");
        }
      }
    }
    assertEquals(expected, reread);
    assertEquals("1000ms", reread.at("/groups/1/rules/0/for").asText(), "1m / 60");
  }

  @Test
  void prometheusConfigIsValidAndLoadsTheRules(@TempDir Path dir) throws Exception {
    Path config = ROOT.resolve("deploy/prometheus/prometheus.yml");
    String promtool = Tools.require("promtool").toString();
    Tools.run(List.of(promtool, "check", "config", config.toString())).assertSuccess();

    // The shipped file points at /etc/prometheus/rules/; check it again with the real rules.
    ObjectNode tree = (ObjectNode) YAML.readTree(config.toFile());
    assertEquals("/etc/prometheus/rules/*.yml", tree.path("rule_files").path(0).asText());
    ArrayNode ruleFiles = tree.putArray("rule_files");
    ruleFiles.add(ROOT.resolve(RuleFile.PATH).toString());
    Path copy = dir.resolve("prometheus.yml");
    YAML.writeValue(copy.toFile(), tree);
    String out = Tools.run(List.of(promtool, "check", "config", copy.toString()))
        .assertSuccess().output();
    assertTrue(out.contains(alertNames().size() + 1 + " rules found"), out);
  }

  @Test
  void alertmanagerConfigIsValidAndRoutesBySeverity() throws Exception {
    String amtool = Tools.require("amtool").toString();
    String config = ROOT.resolve("deploy/alertmanager/alertmanager.yml").toString();
    Tools.run(List.of(amtool, "check-config", config)).assertSuccess();
    assertRoute(amtool, config, "pager", "severity=critical", "alertname=DMSubtaskPausedWithError");
    assertRoute(amtool, config, "chat", "severity=warning", "alertname=DMSyncLagHigh");
    JsonNode route = YAML.readTree(Path.of(config).toFile()).path("route");
    assertEquals(YAML.readTree("[alertname, task]"), route.path("group_by"));
  }

  private static void assertRoute(String amtool, String config, String receiver, String... labels)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(amtool, "config", "routes", "test",
        "--config.file=" + config, "--verify.receivers=" + receiver));
    command.addAll(List.of(labels));
    Tools.run(command).assertSuccess();
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
