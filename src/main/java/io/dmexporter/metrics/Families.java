package io.dmexporter.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Collects data points by family during one scrape and turns them into client_java snapshots.
 * Families are declared once with their type and help; a family with no data points is left out,
 * and so is one the filter does not accept: its points are never built.
 */
final class Families {
  /** A metric family: gauge or counter (counters are declared without their _total suffix). */
  record Family(String name, boolean counter, String help) {}

  private final Map<Family, Map<Labels, Object>> points = new LinkedHashMap<>();
  private final Map<Family, Boolean> included = new HashMap<>();
  private final Predicate<String> include;

  /** Families whose name (counters without _total) {@code include} accepts. */
  Families(Predicate<String> include) {
    this.include = include;
  }

  Families() {
    this(name -> true);
  }

  /**
   * Adds a gauge or counter point; {@code labels} alternate name and value. A second point with
   * the same labels is dropped: DM can answer with two members of one name, and one series twice
   * would fail the whole scrape.
   */
  void add(Family family, double value, String... labels) {
    if (!included.computeIfAbsent(family, f -> include.test(f.name()))) {
      return;
    }
    if (family.counter() && !(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      return; // a counter cannot hold it; the mapper has already reported it as a bad value
    }
    Labels l = Labels.of(labels);
    Object point = family.counter()
        ? CounterDataPointSnapshot.builder().value(value).labels(l).build()
        : GaugeDataPointSnapshot.builder().value(value).labels(l).build();
    points.computeIfAbsent(family, f -> new LinkedHashMap<>()).putIfAbsent(l, point);
  }

  /** Adds one series per state, 1 on {@code current} and 0 on the others (a one-hot set). */
  void addOneHot(Family family, String stateLabel, List<String> states, String current, String... labels) {
    String[] withState = java.util.Arrays.copyOf(labels, labels.length + 2);
    withState[labels.length] = stateLabel;
    for (String state : states) {
      withState[labels.length + 1] = state;
      add(family, state.equals(current) ? 1 : 0, withState);
    }
  }

  List<MetricSnapshot> build() {
    List<MetricSnapshot> out = new ArrayList<>(points.size());
    points.forEach((family, byLabels) -> {
      if (family.counter()) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(family.name()).help(family.help());
        byLabels.values().forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
        out.add(b.build());
      } else {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family.name()).help(family.help());
        byLabels.values().forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
        out.add(b.build());
      }
    });
    return out;
  }

  static Family gauge(String name, String help) {
    return new Family(name, false, help + " (from the last poll).");
  }

  static Family counter(String name, String help) {
    return new Family(name, true, help + " (from the last poll).");
  }
}
