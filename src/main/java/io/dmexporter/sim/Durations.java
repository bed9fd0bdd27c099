package io.dmexporter.sim;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus-style durations ({@code 500ms}, {@code 15s}, {@code 1h30m}) for the simulator's flags and API. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

  private Durations() {}

  /** Parses a Prometheus duration; throws IllegalArgumentException with the accepted form on bad input. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; use e.g. 500ms, 15s, 1m, 1h30m");
    }
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      total = total.plus(unit(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
      at = m.end();
    }
    if (at != s.length() || at == 0) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "'; use e.g. 500ms, 15s, 1m, 1h30m");
    }
    return total;
  }

  /** Formats a duration the way Prometheus prints it: {@code 1m30s}, {@code 250ms}, {@code 0s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long[] sizes = {3_600_000, 60_000, 1000, 1};
    String[] names = {"h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms >= sizes[i]) {
        out.append(ms / sizes[i]).append(names[i]);
        ms %= sizes[i];
      }
    }
    return out.toString();
  }

  private static Duration unit(String u) {
    return switch (u) {
      case "ms" -> Duration.ofMillis(1);
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      case "d" -> Duration.ofDays(1);
      case "w" -> Duration.ofDays(7);
      default -> Duration.ofDays(365);
    };
  }
}
