package io.dmexporter.web;

/**
 * How the status page writes numbers, sizes, durations and times. status.js has the same
 * functions under the same names; both round with integers only, so the two agree to the letter.
 */
final class PageFormat {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private PageFormat() {}

  /** A whole number with thousands separators: {@code 1234567} → {@code 1,234,567}; null → null. */
  static String count(Number n) {
    if (n == null) {
      return null;
    }
    long v = Math.round(n.doubleValue());
    String digits = Long.toString(Math.abs(v)).replaceAll("\\B(?=(\\d{3})+(?!\\d))", ",");
    return v < 0 ? "-" + digits : digits;
  }

  /** A size in binary units with one decimal: {@code 2542} → {@code 2.5 KiB}; below 1 KiB in bytes. */
  static String bytes(Number n) {
    if (n == null) {
      return null;
    }
    double v = Math.abs(n.doubleValue());
    String sign = n.doubleValue() < 0 ? "-" : "";
    if (v < 1024) {
      return sign + count(v) + " B";
    }
    int unit = 0;
    v /= 1024;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return sign + fixed(v, 1) + " " + UNITS[unit];
  }

  /** {@code x} with {@code decimals} (1 or 2) decimals, rounded half up. */
  static String fixed(double x, int decimals) {
    long scale = decimals == 1 ? 10 : 100;
    long t = Math.round(Math.abs(x) * scale);
    String frac = Long.toString(t % scale);
    while (frac.length() < decimals) {
      frac = "0" + frac;
    }
    return (x < 0 && t != 0 ? "-" : "") + (t / scale) + "." + frac;
  }

  /** Whole seconds as {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 7 min} or {@code 3 d 4 h}. */
  static String duration(Number seconds) {
    if (seconds == null) {
      return null;
    }
    long s = Math.max(0, Math.round(Math.floor(seconds.doubleValue())));
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    if (s < 86400) {
      return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
    return s / 86400 + " d " + s % 86400 / 3600 + " h";
  }

  /** A poll interval: {@code 500 ms} or {@code 1500 ms} for fractions of a minute, else as {@link #duration}. */
  static String interval(double seconds) {
    return seconds < 60 && seconds != Math.floor(seconds) ? Math.round(seconds * 1000) + " ms" : duration(seconds);
  }

  /** An ISO-8601 instant as {@code 2026-05-04 12:03:04 UTC}; null → null. */
  static String time(String iso) {
    return iso == null ? null : iso.substring(0, 10) + " " + iso.substring(11, 19) + " UTC";
  }

  /** {@code 1 subtask}, {@code 2 subtasks}. */
  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
