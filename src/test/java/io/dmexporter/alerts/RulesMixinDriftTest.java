package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmexporter.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * alerts/dm-exporter.rules.yml is exactly what the jsonnet mixin in alerts/mixin renders, so
 * alerts/mixin/config.libsonnet is the one place to change the job selector and thresholds; and
 * the values given to the mixin reach the rules, which is how AlertsE2EIT gets its fast rules.
 */
class RulesMixinDriftTest {
  private static final Path ROOT = RuleFile.projectRoot();
  private static final String REGENERATE = "mvn -q test -Dtest=RulesMixinDriftTest -Dregenerate=true";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A duration in PromQL: a range {@code [5m]} or an {@code offset 15m}. */
  private static final Pattern EXPR_DURATION = Pattern.compile("(?:\\[|offset\\s+)(\\d+(?:ms|s|m|h|d))");

  @Test
  void committedRuleFileIsTheRenderedMixin() throws Exception {
    String rendered = Mixin.yaml();
    Path committed = ROOT.resolve(RuleFile.PATH);
    if (Boolean.getBoolean("regenerate")) {
      Files.writeString(committed, rendered);
      System.out.println("regenerated " + RuleFile.PATH);
    }
    String text = Files.readString(committed);
    assertTrue(text.equals(rendered), RuleFile.PATH + " drifted from " + Mixin.RENDER + " at line "
        + firstDifferentLine(rendered, text) + "; regenerate it with: " + REGENERATE);
  }

  /** rules.jsonnet (JSON, fast) gives the same rules as the committed YAML. */
  @Test
  void jsonRenderingIsTheSameRules() throws Exception {
    JsonNode yaml = RuleFile.read(ROOT.resolve(RuleFile.PATH)).tree();
    assertEquals(yaml, JSON.readTree(Mixin.json(JSON.createObjectNode())));
  }

  /** Values given to the mixin reach every rule that uses them, and Prometheus loads the result. */
  @Test
  void ownValuesReachEveryRuleThatUsesThem(@TempDir Path dir) throws Exception {
    ObjectNode own = JSON.createObjectNode().put("exporterSelector", "job=\"dm\"").put("gapWindow", "3m")
        .put("pausedWithErrorFor", "90s");
    String custom = Mixin.json(own);
    String defaults = Mixin.json(JSON.createObjectNode());
    assertFalse(custom.contains("job=\\\"dm-exporter\\\""), "default job selector left over");
    assertEquals(2, count(custom, "up{job=\\\"dm\\\"}"), custom);
    assertFalse(custom.contains("[2m]"), "default gap window left over");
    assertEquals(count(defaults, "[2m]"), count(custom, "[3m]"), "gap windows");

    Path file = promtoolChecked(dir, custom);
    RuleFile.Alert paused = alert(RuleFile.read(file), "DMSubtaskPausedWithError");
    assertEquals("90s", paused.forDuration());
    assertTrue(paused.annotations().get("description").contains("for more than 90 seconds"),
        paused.annotations().get("description"));
  }

  /**
   * Every duration of config.libsonnet divided by ten (as AlertsE2EIT renders its rules): every
   * for, keep_firing_for, range and offset of the rules is a tenth of the shipped one, nothing
   * else changes, and Prometheus loads it.
   */
  @Test
  void scaledDurationsScaleEveryDurationOfTheRules(@TempDir Path dir) throws Exception {
    ObjectNode scaled = Mixin.scaledDurations(10);
    assertEquals("12s", scaled.path("gapWindow").asText());
    assertEquals("6m", scaled.path("pausedTooLongFor").asText());
    assertFalse(scaled.has("exporterSelector") || scaled.has("syncLagSeconds"), scaled.toString());

    RuleFile shipped = RuleFile.read(ROOT.resolve(RuleFile.PATH));
    RuleFile fast = RuleFile.read(promtoolChecked(dir, Mixin.json(scaled)));
    List<RuleFile.Alert> before = shipped.alerts();
    List<RuleFile.Alert> after = fast.alerts();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      RuleFile.Alert was = before.get(i);
      RuleFile.Alert now = after.get(i);
      assertEquals(was.name(), now.name());
      assertEquals(was.labels(), now.labels());
      if (was.forDuration() != null) {
        assertEquals(RuleFile.parseDuration(was.forDuration()).dividedBy(10),
            RuleFile.parseDuration(now.forDuration()), was.name() + " for");
      }
      assertEquals(tenths(was.expr()), now.expr(), was.name());
    }
    for (int g = 0; g < shipped.tree().path("groups").size(); g++) {
      for (int r = 0; r < shipped.tree().path("groups").get(g).path("rules").size(); r++) {
        JsonNode was = shipped.tree().path("groups").get(g).path("rules").get(r);
        JsonNode now = fast.tree().path("groups").get(g).path("rules").get(r);
        if (was.has("keep_firing_for")) {
          assertEquals(RuleFile.parseDuration(was.path("keep_firing_for").asText()).dividedBy(10),
              RuleFile.parseDuration(now.path("keep_firing_for").asText()), was.path("alert").asText());
        }
        if (was.has("record")) {
          assertEquals(tenths(was.path("expr").asText()), now.path("expr").asText(), was.path("record").asText());
        }
      }
    }
  }

  /** An expression with each range and offset a tenth as long, written as the mixin writes it. */
  private static String tenths(String expr) {
    Matcher m = EXPR_DURATION.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Duration d = RuleFile.parseDuration(m.group(1)).dividedBy(10);
      String whole = m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(
          whole.substring(0, whole.length() - m.group(1).length()) + RuleFile.format(d)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Path promtoolChecked(Path dir, String rules) throws Exception {
    Path file = dir.resolve("rules.json");
    Files.writeString(file, rules);
    Tools.Run check = Tools.run(List.of(Tools.require("promtool", "prometheus").toString(),
        "check", "rules", file.toString()), null, ROOT);
    assertEquals(0, check.exitCode(), check.output());
    return file;
  }

  private static RuleFile.Alert alert(RuleFile rules, String name) {
    RuleFile.Alert alert = rules.alerts().stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    assertNotNull(alert, name);
    return alert;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  private static int firstDifferentLine(String a, String b) {
    String[] left = a.split("\n", -1);
    String[] right = b.split("\n", -1);
    int i = 0;
    while (i < Math.min(left.length, right.length) && left[i].equals(right[i])) {
      i++;
    }
    return i + 1;
  }
}
