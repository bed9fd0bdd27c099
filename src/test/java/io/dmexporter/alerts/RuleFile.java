package io.dmexporter.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The alerting rules of a Prometheus rule file, read structurally. */
final class RuleFile {
  static final Path PATH = Path.of("alerts", "dm-exporter.rules.yml");

  private static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  /** One alerting rule. */
  record Alert(String group, String name, String expr, String forDuration,
               Map<String, String> labels, Map<String, String> annotations) {}

  private final JsonNode root;

  private RuleFile(JsonNode root) {
    this.root = root;
  }

  static RuleFile read(Path file) throws IOException {
    return new RuleFile(YAML.readTree(file.toFile()));
  }

  JsonNode tree() {
    return root;
  }

  List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(new Alert(group.path("name").asText(), rule.path("alert").asText(),
              rule.path("expr").asText(), rule.path("for").asText(null),
              strings(rule.path("labels")), strings(rule.path("annotations"))));
        }
      }
    }
    return alerts;
  }

  /** A copy in which every rule's {@code for:} is replaced by {@code shorten} of it; nothing else changes. */
  RuleFile withForDurations(UnaryOperator<Duration> shorten) {
    JsonNode copy = root.deepCopy();
    for (JsonNode group : copy.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("for")) {
          Duration shortened = shorten.apply(parseDuration(rule.get("for").asText()));
          ((ObjectNode) rule).put("for", shortened.toMillis() + "ms");
        }
      }
    }
    return new RuleFile(copy);
  }

  void write(Path file) throws IOException {
    YAML.writeValue(file.toFile(), root);
  }

  /** Parses Prometheus durations such as {@code 1h30m}, {@code 90s}, {@code 500ms}. */
  static Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      long n = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      });
      end = matcher.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("not a Prometheus duration: '" + text + "'");
    }
    return total;
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
