package io.dmexporter.metrics;

import static io.dmexporter.metrics.Families.counter;
import static io.dmexporter.metrics.Families.gauge;

import io.dmexporter.BuildInfo;
import io.dmexporter.metrics.Families.Family;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.TargetHealth;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The exporter's own health: per-endpoint success, durations and errors, and build info. */
public final class ExporterCollector implements MultiCollector {
  static final Family TARGET_UP = gauge("dm_exporter_target_up", "1 when the last query of this DM endpoint succeeded");
  static final Family TARGET_DURATION = gauge("dm_exporter_target_poll_duration_seconds", "Duration of the last query of this DM endpoint");
  static final Family TARGET_ERRORS = counter("dm_exporter_target_poll_errors", "Failed queries of this DM endpoint by reason");
  static final Family POLL_DURATION = gauge("dm_exporter_poll_duration_seconds", "Duration of the last whole poll cycle");
  static final Family LAST_SUCCESS = gauge("dm_exporter_last_poll_success_timestamp_seconds", "Unix time of the last cycle in which some DM endpoint answered");
  static final Family CYCLE_FAILURES = new Family("dm_exporter_poll_cycle_failures", true,
      "Poll cycles that failed with an internal error; such a cycle reports every DM endpoint as down.");
  static final Family BUILD_INFO = new Family("dm_exporter_build_info", false,
      "A metric with a constant '1' value labeled by version, revision, branch, build_date, java_version and platform from which dm-exporter was built.");

  static final List<Family> ALL = List.of(TARGET_UP, TARGET_DURATION, TARGET_ERRORS, POLL_DURATION, LAST_SUCCESS,
      CYCLE_FAILURES, BUILD_INFO);

  private final Supplier<Snapshot> snapshots;
  private final String[] buildLabels;
  private final LongSupplier cycleFailures;

  /** {@code cycleFailures} counts the poll cycles that threw. */
  public ExporterCollector(Supplier<Snapshot> snapshots, BuildInfo build, LongSupplier cycleFailures) {
    this.snapshots = snapshots;
    this.buildLabels = new String[] {"branch", build.branch(), "build_date", build.buildDate(),
        "java_version", build.javaVersion(), "platform", build.platform(), "revision", build.revision(),
        "version", build.version()};
    this.cycleFailures = cycleFailures;
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> all = new ArrayList<>(ofSnapshot(snapshots.get(), name -> true).stream().toList());
    perScrape().collect().forEach(all::add);
    return new MetricSnapshots(all);
  }

  /**
   * The families that change only with the snapshot (per endpoint, the cycle's duration, the last
   * success) whose name {@code include} accepts.
   */
  public static MetricSnapshots ofSnapshot(Snapshot s, Predicate<String> include) {
    Families f = new Families(include);
    for (TargetHealth t : s.targets()) {
      String[] l = {"address", t.address(), "role", t.role().label()};
      f.add(TARGET_UP, t.up() ? 1 : 0, l);
      f.add(TARGET_DURATION, t.durationSeconds(), l);
      t.errorCounts().forEach((reason, n) ->
          f.add(TARGET_ERRORS, n, "address", t.address(), "reason", reason.label(), "role", t.role().label()));
    }
    if (s.ready()) {
      f.add(POLL_DURATION, s.durationSeconds());
    }
    if (s.lastSuccess() != null) {
      f.add(LAST_SUCCESS, s.lastSuccess().toEpochMilli() / 1000.0);
    }
    return new MetricSnapshots(f.build());
  }

  /** The families that may change between two scrapes of one snapshot: failed cycles, build info. */
  public MultiCollector perScrape() {
    return new MultiCollector() {
      @Override
      public MetricSnapshots collect() {
        Families f = new Families();
        f.add(CYCLE_FAILURES, cycleFailures.getAsLong());
        f.add(BUILD_INFO, 1, buildLabels);
        return new MetricSnapshots(f.build());
      }

      @Override
      public List<String> getPrometheusNames() {
        return List.of(CYCLE_FAILURES.name(), BUILD_INFO.name());
      }
    };
  }

  @Override
  public List<String> getPrometheusNames() {
    return ALL.stream().map(Family::name).toList();
  }
}
