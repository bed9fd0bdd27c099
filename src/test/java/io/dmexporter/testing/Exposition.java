package io.dmexporter.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests that cannot start promtool
 * for every input (fuzzing): names, escapes, values, one TYPE and HELP per family before its
 * samples, each family in one group, no series twice. {@code PromtoolSampleTest} checks that
 * what it accepts promtool accepts too.
 */
public final class Exposition {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram|unknown)");
  // DOTALL: a label value may hold any character but a newline (CR, U+2028…), as promtool agrees.
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)(?: (-?\\d+))?", Pattern.DOTALL);
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)",
      Pattern.DOTALL);
  private static final List<String> SUFFIXES = List.of("", "_total", "_created", "_bucket", "_sum", "_count", "_info");

  private Exposition() {}

  /** Throws {@link AssertionError} naming the line unless {@code text} is a valid exposition. */
  public static void requireValid(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the exposition does not end with a newline");
    }
    Map<String, String> types = new HashMap<>();
    Set<String> helps = new HashSet<>();
    Set<String> finished = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      String family;
      if (line.startsWith("# HELP ")) {
        Matcher m = match(HELP, line, n);
        family = m.group(1);
        if (!helps.add(family)) {
          throw fail(n, line, "a second HELP for " + family);
        }
      } else if (line.startsWith("# TYPE ")) {
        Matcher m = match(TYPE, line, n);
        family = m.group(1);
        if (types.put(family, m.group(2)) != null) {
          throw fail(n, line, "a second TYPE for " + family);
        }
      } else if (line.startsWith("#")) {
        continue; // a comment
      } else {
        Matcher m = match(SAMPLE, line, n);
        family = familyOf(m.group(1), types);
        if (!types.containsKey(family)) {
          throw fail(n, line, "a sample before (or without) its TYPE");
        }
        String labels = m.group(2) == null ? "" : labels(m.group(2).substring(1, m.group(2).length() - 1), n, line);
        if (!series.add(m.group(1) + "{" + labels + "}")) {
          throw fail(n, line, "the same series twice");
        }
        value(m.group(3), n, line);
      }
      if (!family.equals(current)) {
        if (finished.contains(family)) {
          throw fail(n, line, "the lines of " + family + " are not in one group");
        }
        if (current != null) {
          finished.add(current);
        }
        current = family;
      }
    }
  }

  private static String familyOf(String sample, Map<String, String> types) {
    for (String suffix : SUFFIXES) {
      if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return sample;
  }

  /** The labels, sorted, with their names checked unique. */
  private static String labels(String inner, int n, String line) {
    Map<String, String> seen = new java.util.TreeMap<>();
    Matcher m = LABEL.matcher(inner);
    int at = 0;
    while (at < inner.length()) {
      if (!m.find(at) || m.start() != at) {
        throw fail(n, line, "a malformed label at " + at);
      }
      if (seen.put(m.group(1), m.group(2)) != null) {
        throw fail(n, line, "label " + m.group(1) + " twice");
      }
      at = m.end();
    }
    return seen.toString();
  }

  private static void value(String v, int n, String line) {
    if (v.equals("NaN") || v.equals("+Inf") || v.equals("-Inf")) {
      return;
    }
    try {
      Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw fail(n, line, "not a number: " + v);
    }
    if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      throw fail(n, line, "not a Prometheus float: " + v);
    }
  }

  private static Matcher match(Pattern p, String line, int n) {
    Matcher m = p.matcher(line);
    if (!m.matches()) {
      throw fail(n, line, "malformed");
    }
    return m;
  }

  private static AssertionError fail(int n, String line, String why) {
    return new AssertionError("line " + n + ": " + why + ": " + (line.length() > 200 ? line.substring(0, 200) + "…" : line));
  }
}
