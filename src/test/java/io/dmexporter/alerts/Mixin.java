package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alert rules' jsonnet mixin in alerts/mixin, rendered with Debian's jsonnet: the committed
 * YAML (render.jsonnet), the same rules as JSON for any values (rules.jsonnet, fast), and the
 * configuration itself (config.libsonnet).
 */
final class Mixin {
  static final String RENDER = "alerts/mixin/render.jsonnet";
  static final String RULES = "alerts/mixin/rules.jsonnet";
  static final String CONFIG = "alerts/mixin/config.libsonnet";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Mixin() {}

  /** render.jsonnet's YAML with the default values. */
  static String yaml() throws IOException, InterruptedException {
    return jsonnet(List.of("-S", RENDER));
  }

  /** The rules as JSON (a Prometheus rule file) with {@code config} over config.libsonnet's values. */
  static String json(JsonNode config) throws IOException, InterruptedException {
    return jsonnet(List.of("--tla-code", "config=" + JSON.writeValueAsString(config), RULES));
  }

  /** config.libsonnet's values. */
  static ObjectNode config() throws IOException, InterruptedException {
    return (ObjectNode) JSON.readTree(jsonnet(List.of("-e", "(import '" + CONFIG + "')._config")));
  }

  /**
   * config.libsonnet's durations, every one of them, divided by {@code speed}, for a world that
   * runs that much faster: the values to render the rules with. Thresholds that are not
   * durations (counts, DM's own seconds-behind-master, the job selector) stay as they are.
   */
  static ObjectNode scaledDurations(double speed) throws IOException, InterruptedException {
    ObjectNode scaled = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> e : iterable(config())) {
      Duration d = durationOrNull(e.getValue());
      if (d != null) {
        scaled.put(e.getKey(), RuleFile.format(Duration.ofNanos(Math.round(d.toNanos() / speed))));
      }
    }
    return scaled;
  }

  /** The duration a configuration value spells, or null when it is not one. */
  static Duration durationOrNull(JsonNode value) {
    if (!value.isTextual()) {
      return null;
    }
    try {
      return RuleFile.parseDuration(value.asText());
    } catch (IllegalArgumentException notADuration) {
      return null;
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    return node::fields;
  }

  private static String jsonnet(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Tools.require("jsonnet", "jsonnet").toString()));
    command.addAll(args);
    Path root = RuleFile.projectRoot();
    Tools.Run run = Tools.run(command, null, root);
    assertEquals(0, run.exitCode(), () -> String.join(" ", command) + ":\n" + run.output());
    return run.output();
  }
}
