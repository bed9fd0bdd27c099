package io.dmexporter.metrics;

import io.dmexporter.BuildInfo;
import io.dmexporter.model.Snapshot;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every family the telemetry path serves, split by how often it changes: with the snapshot (DM's
 * families, the exporter's per-endpoint ones: thousands of series at a thousand workers) or per
 * scrape (failed cycles, build info, the JVM's: a few dozen). The first kind is rendered once per
 * snapshot, the second per scrape.
 */
public interface Telemetry {
  /** The latest snapshot. */
  Snapshot snapshot();

  /** Whether {@code s}'s DM families may be served now (a cycle reached DM lately). */
  boolean servable(Snapshot s);

  /** The families that change only with the snapshot (DM's only when servable) that {@code names} accepts. */
  MetricSnapshots ofSnapshot(Snapshot s, boolean servable, Predicate<String> names);

  /** The families that may change between two scrapes of one snapshot that {@code names} accepts. */
  MetricSnapshots ofScrape(Predicate<String> names);

  /** The exporter's: DM's families withdrawn after {@code staleAfter} without reaching DM; JVM metrics when asked. */
  static Telemetry of(Supplier<Snapshot> snapshots, Clock clock, Duration staleAfter, BuildInfo build,
      LongSupplier cycleFailures, boolean jvm) {
    DmCollector dm = new DmCollector(snapshots, clock, staleAfter);
    PrometheusRegistry perScrape = new PrometheusRegistry();
    perScrape.register(new ExporterCollector(snapshots, build, cycleFailures).perScrape());
    if (jvm) {
      JvmMetrics.builder().register(perScrape);
    }
    return new Telemetry() {
      @Override
      public Snapshot snapshot() {
        return snapshots.get();
      }

      @Override
      public boolean servable(Snapshot s) {
        return dm.servable(s);
      }

      @Override
      public MetricSnapshots ofSnapshot(Snapshot s, boolean servable, Predicate<String> names) {
        List<MetricSnapshot> all = new ArrayList<>();
        if (servable) {
          DmCollector.render(s, names).forEach(all::add);
        }
        ExporterCollector.ofSnapshot(s, names).forEach(all::add);
        return new MetricSnapshots(all);
      }

      @Override
      public MetricSnapshots ofScrape(Predicate<String> names) {
        return perScrape.scrape(names);
      }
    };
  }
}
