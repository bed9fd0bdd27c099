package io.dmexporter.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus-style durations: {@code 500ms}, {@code 15s}, {@code 1m30s}, {@code 2h}, {@code 1d}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile(
      "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");
  private static final long[] MILLIS = {
    365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L
  };

  private Durations() {}

  /** Parses a duration; throws {@link IllegalArgumentException} with a readable message. */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim();
    Matcher m = FORMAT.matcher(s);
    if (s.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use a number with a unit: 500ms, 15s, 1m, 2h)");
    }
    long total = 0;
    try {
      for (int i = 0; i < MILLIS.length; i++) {
        if (m.group(i + 1) != null) {
          total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(i + 1)), MILLIS[i]));
        }
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return Duration.ofMillis(total);
  }

  /** Formats a duration the way {@link #parse} reads it, e.g. {@code 1m30s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < MILLIS.length; i++) {
      if (ms >= MILLIS[i]) {
        b.append(ms / MILLIS[i]).append(units[i]);
        ms %= MILLIS[i];
      }
    }
    return b.toString();
  }
}
