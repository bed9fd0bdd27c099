package io.dmexporter.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules of a Prometheus rule file (YAML, or JSON as the mixin's rules.jsonnet writes it), read structurally. */
final class RuleFile {
  static final Path PATH = Path.of("alerts", "dm-exporter.rules.yml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  /** The repository root: set by failsafe, and the working directory under surefire. */
  static Path projectRoot() {
    return Path.of(System.getProperty("project.root", System.getProperty("user.dir")))
        .toAbsolutePath();
  }

  /** One alerting rule. */
  record Alert(String group, String name, String expr, String forDuration,
               Map<String, String> labels, Map<String, String> annotations) {}

  /** One recording rule. */
  record Recording(String group, String name, String expr) {}

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
    return rules("alert", (group, rule) -> new Alert(group, rule.path("alert").asText(),
        rule.path("expr").asText(), rule.path("for").asText(null),
        strings(rule.path("labels")), strings(rule.path("annotations"))));
  }

  List<Recording> recordings() {
    return rules("record", (group, rule) -> new Recording(group, rule.path("record").asText(),
        rule.path("expr").asText()));
  }

  /** Every rule of the given kind ("alert" or "record"), in file order, made from (group name, rule). */
  private <T> List<T> rules(String kind, BiFunction<String, JsonNode, T> make) {
    List<T> rules = new ArrayList<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has(kind)) {
          rules.add(make.apply(group.path("name").asText(), rule));
        }
      }
    }
    return rules;
  }

  /** A duration as Prometheus writes it, in the largest whole unit: 2m, 90s, 1500ms. */
  static String format(Duration d) {
    long ms = d.toMillis();
    for (Map.Entry<String, Long> unit : List.of(Map.entry("h", 3_600_000L), Map.entry("m", 60_000L),
        Map.entry("s", 1_000L))) {
      if (ms > 0 && ms % unit.getValue() == 0) {
        return ms / unit.getValue() + unit.getKey();
      }
    }
    return Math.max(1, ms) + "ms";
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
