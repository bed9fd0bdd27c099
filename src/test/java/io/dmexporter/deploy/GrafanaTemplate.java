package io.dmexporter.deploy;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes dashboard variables in a PromQL expression the way Grafana's Prometheus datasource
 * does for a regex matcher: values regex-escaped, several values as an alternation, and the
 * built-in interval variables as concrete durations.
 */
final class GrafanaTemplate {
  /** Built-ins for a 1 s scrape: $__rate_interval is at least four scrapes in Grafana. */
  static final Map<String, String> BUILT_INS = Map.of(
      "__rate_interval", "15s", "__interval", "2s", "__interval_ms", "2000",
      "__range", "5m", "__range_s", "300", "__range_ms", "300000");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");
  private static final Pattern REGEX_META = Pattern.compile("[\\\\$^*+?.()|{}\\[\\]']");

  private GrafanaTemplate() {}

  /** The expression with every variable replaced; an unknown variable is an error. */
  static String interpolate(String expr, Map<String, List<String>> variables) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value;
      if (BUILT_INS.containsKey(name)) {
        value = BUILT_INS.get(name);
      } else if (variables.containsKey(name)) {
        value = format(variables.get(name));
      } else {
        throw new IllegalArgumentException("unknown variable $" + name + " in " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String format(List<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a variable without values");
    }
    List<String> escaped = values.stream().map(GrafanaTemplate::escape).toList();
    return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
  }

  /** Regex-escaped, with the backslash doubled once more for the PromQL string literal. */
  static String escape(String value) {
    return REGEX_META.matcher(value).replaceAll(r -> Matcher.quoteReplacement("\\\\" + r.group()));
  }
}
