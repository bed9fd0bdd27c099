package io.dmexporter.alerts;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads promtool's expanding notation for input series ({@code 1x3 stale _x2 0+5x4}). */
final class SeriesValues {
  /** {@code axn} or {@code a+bxn}: n + 1 samples; {@code _xn}: n missing samples. */
  private static final Pattern REPEAT = Pattern.compile("^(_|[-+]?[\\d.e]+(?:[-+][\\d.e]+)?)x(\\d+)$");

  private SeriesValues() {}

  /** The sample index of the first {@code stale} in the values, or -1 when there is none. */
  static int firstStale(String values) {
    int index = 0;
    for (String token : values.trim().split("\\s+")) {
      if (token.equals("stale")) {
        return index;
      }
      Matcher repeat = REPEAT.matcher(token);
      if (repeat.matches()) {
        int n = Integer.parseInt(repeat.group(2));
        index += repeat.group(1).equals("_") ? n : n + 1;
      } else {
        index++;
      }
    }
    return -1;
  }
}
