package io.dmexporter.alerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exporter's metric names as docs/metrics.md documents them, one table row each (MetricNamesTest
 * keeps every name the exporter serves in that document): what alert rules and dashboards may use.
 */
public final class MetricsReference {
  static final String PATH = "docs/metrics.md";
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `(dm_[a-z_]+)` \\|");

  private MetricsReference() {}

  /** Every metric name of the reference's tables. */
  public static Set<String> names() {
    String doc;
    try {
      doc = Files.readString(RuleFile.projectRoot().resolve(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> names = new TreeSet<>();
    for (Matcher m = ROW.matcher(doc); m.find(); ) {
      names.add(m.group(1));
    }
    if (names.size() < 40) {
      throw new IllegalStateException(PATH + " lists only " + names.size() + " metrics: " + names);
    }
    return names;
  }
}
