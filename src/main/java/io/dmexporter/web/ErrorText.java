package io.dmexporter.web;

import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the HTTP endpoints ({@code /api/v1/status}, the status page) show of the free text DM sends:
 * error messages, raw causes and workarounds, which quote SQL and the rows it failed on
 * ({@code Duplicate entry 'alice@example.com' for key 'email'}). Labels and counts are never text
 * and are always shown. {@link #apply} is a pure function of the text: call it on every free-text
 * field from DM as it goes out.
 */
public enum ErrorText {
  /** DM's text as it came. */
  SHOW,
  /**
   * DM's text without its literals: quoted strings become {@code '?'}, words that start with a
   * digit (numbers, hex, UUID parts) {@code ?}, but for the error codes after {@code Error } and
   * {@code code=}. Scrubbing twice changes nothing more. Best effort: words DM writes unquoted stay.
   */
  SCRUB,
  /** {@value #HIDDEN} in place of any non-empty text. */
  HIDE;

  /** What {@link #HIDE} shows. */
  public static final String HIDDEN = "[hidden]";

  private static final Pattern CODE_BEFORE = Pattern.compile("(?i)(?:error |code=|errno )$");

  /** The text to show in place of {@code text} (null stays null, empty stays empty). */
  public String apply(String text) {
    if (text == null || text.isEmpty() || this == SHOW) {
      return text;
    }
    if (this == HIDE) {
      return HIDDEN;
    }
    // A scanner, not a regular expression: linear in the text and no recursion, however long a
    // quoted value DM sends (java.util.regex overflows the stack on long alternations).
    StringBuilder out = new StringBuilder(text.length());
    int n = text.length();
    for (int i = 0; i < n; ) {
      char c = text.charAt(i);
      boolean wordStart = i == 0 || !isWordChar(text.charAt(i - 1));
      if (c == '\'' || c == '"') {
        i = endOfQuoted(text, i);
        out.append(c).append('?').append(c);
      } else if (wordStart && (Character.isDigit(c)
          || (c == '-' || c == '+') && i + 1 < n && Character.isDigit(text.charAt(i + 1)))) {
        // A word that starts with a digit: numbers, 0x1F, 2.5e3, 10.0.0.7, 3ccc475b; a digit inside a name (t1) stays.
        int end = i + 1;
        while (end < n && (isWordChar(text.charAt(end)) || text.charAt(end) == '.')) {
          end++;
        }
        String word = text.substring(i, end);
        boolean code = word.chars().allMatch(Character::isDigit)
            && CODE_BEFORE.matcher(out.substring(Math.max(0, out.length() - 6))).find();
        // An error code is no data. Judged on what is shown before it, so a second scrub agrees.
        out.append(code ? word : "?");
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Past the quote that closes the one at {@code open} ({@code \\x} and a doubled quote inside), or the end. */
  private static int endOfQuoted(String text, int open) {
    char quote = text.charAt(open);
    int j = open + 1;
    while (j < text.length()) {
      char d = text.charAt(j);
      if (d == '\\' && j + 1 < text.length()) {
        j += 2;
      } else if (d == quote && j + 1 < text.length() && text.charAt(j + 1) == quote) {
        j += 2;
      } else if (d == quote) {
        return j + 1;
      } else {
        j++;
      }
    }
    return j;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * The default: {@link #SHOW} when only this machine can reach the listener (a loopback address
   * or {@code localhost}), else {@link #HIDE}. {@code host} is the listen host; empty means every
   * interface.
   */
  public static ErrorText defaultFor(String host) {
    return loopbackOnly(host) ? SHOW : HIDE;
  }

  /** Whether {@code host} names only loopback: {@code localhost} or a loopback IP literal (no DNS is asked). */
  static boolean loopbackOnly(String host) {
    if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    // Empty (all interfaces) or a host name: reachable from elsewhere for all we know.
    InetAddress ip = IpLiteral.parse(host);
    return ip != null && ip.isLoopbackAddress();
  }

  /** Parses a flag value: show, scrub or hide. */
  public static ErrorText parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
