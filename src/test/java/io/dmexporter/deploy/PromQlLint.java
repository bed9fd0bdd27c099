package io.dmexporter.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static checks for dashboard PromQL that runs fine but cannot show what its panel claims: a
 * state encoding summed across states (two exporters' "Running" add up to another state's code),
 * a rate of a gauge (always 0 for a one-hot or info gauge, meaningless for the rest), and a query
 * whose every branch is multiplied by 0.
 */
final class PromQlLint {
  /** The exporter's one-hot families and their state label (metrics contract). */
  static final Map<String, String> ONE_HOT = Map.of("dm_task_status", "status",
      "dm_subtask_stage", "stage", "dm_subtask_unit", "unit", "dm_source_relay_stage", "stage",
      "dm_cluster_worker_stage", "stage", "dm_subtask_validation_stage", "stage");
  private static final Pattern SUM = Pattern.compile(
      "\\b(sum|avg)\\s*(?:(by|without)\\s*\\(([^)]*)\\)\\s*)?\\(");
  private static final Pattern TRAILING_GROUPING = Pattern.compile("^\\s*(by|without)\\s*\\(([^)]*)\\)");
  private static final Pattern RATE = Pattern.compile("\\b(rate|irate|increase)\\s*\\(");
  private static final Pattern METRIC = Pattern.compile("\\b(dm_[a-z_]+|up)\\b(?!\\s*\\()");
  private static final Pattern TIMES_ZERO = Pattern.compile("\\*\\s*0\\s*$");

  private PromQlLint() {}

  /** What is wrong with the expression, each thing once; empty when nothing is. */
  static List<String> problems(String expr) {
    Set<String> problems = new LinkedHashSet<>();
    for (Matcher m = SUM.matcher(expr); m.find(); ) {
      int open = m.end() - 1;
      int close = closing(expr, open);
      String argument = expr.substring(open + 1, close);
      String kind = m.group(2);
      String labels = m.group(3);
      if (kind == null) {
        Matcher trailing = TRAILING_GROUPING.matcher(expr.substring(close + 1));
        if (trailing.find()) {
          kind = trailing.group(1);
          labels = trailing.group(2);
        }
      }
      for (Matcher metric = METRIC.matcher(argument); metric.find(); ) {
        String state = ONE_HOT.get(metric.group(1));
        if (state != null && !keeps(kind, labels, state)) {
          problems.add(m.group(1) + " across the " + state + " values of " + metric.group(1)
              + ": aggregate state encodings with max, or keep " + state + " in by()");
        }
      }
    }
    for (Matcher m = RATE.matcher(expr); m.find(); ) {
      int open = m.end() - 1;
      String argument = expr.substring(open + 1, closing(expr, open));
      for (Matcher metric = METRIC.matcher(argument); metric.find(); ) {
        if (!metric.group(1).endsWith("_total")) {
          problems.add(m.group(1) + "() of " + metric.group(1) + ", which is a gauge, not a counter");
        }
      }
    }
    List<String> branches = topLevelOr(expr);
    if (branches.stream().allMatch(b -> TIMES_ZERO.matcher(b).find())) {
      problems.add("every branch is multiplied by 0: the query can only return 0");
    }
    return List.copyOf(problems);
  }

  private static boolean keeps(String kind, String labels, String label) {
    if (kind == null) {
      return false;
    }
    boolean listed = List.of(labels.split("\\s*,\\s*")).contains(label);
    return kind.equals("by") == listed;
  }

  /** The index of the parenthesis closing the one at {@code open}. */
  private static int closing(String expr, int open) {
    int depth = 0;
    for (int i = open; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses: " + expr);
  }

  /** The expression split at the {@code or} operators outside any parentheses or braces. */
  private static List<String> topLevelOr(String expr) {
    List<String> branches = new ArrayList<>();
    int depth = 0;
    int start = 0;
    Matcher or = Pattern.compile("\\bor\\b").matcher(expr);
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (depth == 0 && or.find(i) && or.start() == i) {
        branches.add(expr.substring(start, i).trim());
        start = i + 2;
      }
    }
    branches.add(expr.substring(start).trim());
    return branches;
  }
}
