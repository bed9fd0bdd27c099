package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * alerts/dm-exporter.rules.yml is exactly what the jsonnet mixin in alerts/mixin renders, so
 * alerts/mixin/config.libsonnet is the one place to change the job selector and thresholds.
 */
class RulesMixinDriftTest {
  private static final Path ROOT = RuleFile.projectRoot();
  private static final String RENDER = "alerts/mixin/render.jsonnet";
  private static final String REGENERATE = "mvn -q test -Dtest=RulesMixinDriftTest -Dregenerate=true";

  @Test
  void committedRuleFileIsTheRenderedMixin() throws Exception {
    String rendered = render(null);
    Path committed = ROOT.resolve(RuleFile.PATH);
    if (Boolean.getBoolean("regenerate")) {
      Files.writeString(committed, rendered);
      System.out.println("regenerated " + RuleFile.PATH);
    }
    String text = Files.readString(committed);
    assertTrue(text.equals(rendered), RuleFile.PATH + " drifted from " + RENDER + " at line "
        + firstDifferentLine(rendered, text) + "; regenerate it with: " + REGENERATE);
  }

  /** Values given to render.jsonnet reach every rule that uses them, and nothing else changes. */
  @Test
  void ownValuesReachEveryRuleThatUsesThem(@TempDir Path dir) throws Exception {
    String custom = render("{exporterSelector: 'job=\"dm\"', gapWindow: '3m', pausedWithErrorFor: '90s'}");
    assertFalse(custom.contains("job=\"dm-exporter\""), "default job selector left over");
    assertEquals(2, count(custom, "up{job=\"dm\"}"), custom);
    assertFalse(custom.contains("[2m]"), "default gap window left over");
    assertEquals(count(render(null), "[2m]"), count(custom, "[3m]"), "gap windows");

    Path file = dir.resolve("rules.yml");
    Files.writeString(file, custom);
    Tools.Run check = Tools.run(List.of(Tools.require("promtool", "prometheus").toString(),
        "check", "rules", file.toString()), null, ROOT);
    assertEquals(0, check.exitCode(), check.output());
    RuleFile.Alert paused = RuleFile.read(file).alerts().stream()
        .filter(a -> a.name().equals("DMSubtaskPausedWithError")).findFirst().orElseThrow();
    assertEquals("90s", paused.forDuration());
    assertTrue(paused.annotations().get("description").contains("for more than 90 seconds"),
        paused.annotations().get("description"));
  }

  /** render.jsonnet's output, with a jsonnet object of own values or none. */
  private static String render(String config) throws Exception {
    List<String> command = new ArrayList<>(List.of(Tools.require("jsonnet", "jsonnet").toString(), "-S"));
    if (config != null) {
      command.addAll(List.of("--tla-code", "config=" + config));
    }
    command.add(RENDER);
    Tools.Run run = Tools.run(command, null, ROOT);
    assertEquals(0, run.exitCode(), String.join(" ", command) + ":\n" + run.output());
    return run.output();
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
