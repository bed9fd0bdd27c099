package io.dmexporter.status;

import io.dmexporter.model.BinlogPosition;
import io.dmexporter.model.Validation.ErrorRowCounts;
import io.dmexporter.model.Validation.RowCounts;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the strings DM reports; they return null for empty or malformed input. */
public final class Parsers {
  private static final Pattern PROGRESS = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*%\\s*");
  private static final Pattern BINLOG = Pattern.compile("\\s*\\(\\s*(.+?)\\s*,\\s*(\\d+)\\s*\\)\\s*");
  private static final Pattern FILE_INDEX = Pattern.compile(".*\\.(\\d+)");
  private static final Pattern ROWS = Pattern.compile("\\s*insert/update/delete:\\s*(\\d+)/(\\d+)/(\\d+)\\s*");
  // DM may append " (failed to load error count from meta db: ...)" after the counts.
  private static final Pattern ERROR_ROWS =
      Pattern.compile("\\s*new/ignored/resolved:\\s*(\\d+)/(\\d+)/(\\d+)(?:\\s+\\(.*\\))?\\s*", Pattern.DOTALL);

  private Parsers() {}

  /** {@code "25.44 %"} → 0.2544; null when empty or malformed. */
  public static Double progressRatio(String progress) {
    if (progress == null || progress.isBlank()) {
      return null;
    }
    Matcher m = PROGRESS.matcher(progress);
    if (!m.matches()) {
      return null;
    }
    // Scale by moving the decimal point so "25.44" becomes exactly 0.2544, not 0.25439999...
    return new java.math.BigDecimal(m.group(1)).movePointLeft(2).doubleValue();
  }

  /**
   * {@code "(bin.000001, 3234)"} → file {@code bin.000001}, index 1, offset 3234. The index is the
   * number after the last dot of the file name, so relay sub-directory forms such as
   * {@code "(bin|000001.000001, 3130)"} work too. Null when empty or malformed.
   */
  public static BinlogPosition binlogPosition(String position) {
    if (position == null || position.isBlank()) {
      return null;
    }
    // Every subtask reports several positions every cycle: the usual form without the regex.
    BinlogPosition usual = usualBinlogPosition(position);
    return usual != null ? usual : binlogPositionByPattern(position);
  }

  /** {@link #binlogPosition} by the regular expression alone: the definition the fast path must agree with. */
  static BinlogPosition binlogPositionByPattern(String position) {
    if (position == null || position.isBlank()) {
      return null;
    }
    Matcher m = BINLOG.matcher(position);
    if (!m.matches()) {
      return null;
    }
    String file = m.group(1);
    Matcher index = FILE_INDEX.matcher(file);
    if (!index.matches()) {
      return null;
    }
    try {
      return new BinlogPosition(file, Long.parseLong(index.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException tooLong) {
      return null;
    }
  }

  /**
   * {@code (name.000001, 4)} exactly as DM writes it: a file name of letters, digits and
   * {@code .-_|} ending in a dot and digits, a comma, optional spaces, digits. Null for anything
   * else (which the regular expression then decides), so it never disagrees with it.
   */
  private static BinlogPosition usualBinlogPosition(String s) {
    int n = s.length();
    if (n < 6 || s.charAt(0) != '(' || s.charAt(n - 1) != ')') {
      return null;
    }
    int comma = s.indexOf(',');
    if (comma < 4) {
      return null;
    }
    int dot = -1;
    for (int i = 1; i < comma; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        dot = i;
      } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
          || c == '|')) {
        return null;
      }
    }
    int offsetStart = comma + 1;
    while (offsetStart < n - 1 && s.charAt(offsetStart) == ' ') {
      offsetStart++;
    }
    if (dot < 0 || !digits(s, dot + 1, comma) || !digits(s, offsetStart, n - 1)) {
      return null;
    }
    try {
      return new BinlogPosition(s.substring(1, comma), Long.parseLong(s, dot + 1, comma, 10),
          Long.parseLong(s, offsetStart, n - 1, 10));
    } catch (NumberFormatException tooLong) {
      return null;
    }
  }

  /** Whether {@code s[from, to)} is one or more ASCII digits. */
  private static boolean digits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The validator's {@code "insert/update/delete: 1/2/3"} → (1, 2, 3); null when empty or malformed. */
  public static RowCounts validationRows(String status) {
    long[] n = three(ROWS, status);
    return n == null ? null : new RowCounts(n[0], n[1], n[2]);
  }

  /**
   * The validator's {@code "new/ignored/resolved: 1/2/3"}, optionally followed by DM's note that
   * the counts could not be loaded, → (1, 2, 3); null when empty or malformed.
   */
  public static ErrorRowCounts validationErrorRows(String status) {
    long[] n = three(ERROR_ROWS, status);
    return n == null ? null : new ErrorRowCounts(n[0], n[1], n[2]);
  }

  private static long[] three(Pattern pattern, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = pattern.matcher(text);
    if (!m.matches()) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    } catch (NumberFormatException tooLong) {
      return null;
    }
  }
}
