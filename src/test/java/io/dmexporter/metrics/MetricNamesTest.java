package io.dmexporter.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.model.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exporter's metric names: its own namespace beside DM's, and all documented. */
class MetricNamesTest {
  /** DM's native metric prefixes; our names must never collide with them. */
  static final List<String> DM_NATIVE = List.of("dm_worker_", "dm_master_", "dm_syncer_", "dm_relay_",
      "dm_loader_", "dm_dumpling_", "dm_validator_");

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    for (Families.Family f : DmCollector.ALL) {
      names.add(f.counter() ? f.name() + "_total" : f.name());
    }
    ExporterCollector exporter = new ExporterCollector(Snapshot::empty, new io.dmexporter.BuildInfo("v", "r", "b", "d", "17", "linux/amd64"));
    for (String n : exporter.getPrometheusNames()) {
      names.add(n.equals(ExporterCollector.TARGET_ERRORS.name()) ? n + "_total" : n);
    }
    return names;
  }

  @Test
  void everyNameIsOursAndApartFromDmsNativeMetrics() {
    for (String name : names()) {
      assertTrue(name.startsWith("dm_"), name);
      for (String prefix : DM_NATIVE) {
        assertFalse(name.startsWith(prefix), name + " would collide with DM's own " + prefix + "* metrics");
      }
    }
  }

  @Test
  void everyNameIsInTheMetricsReference() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("project.root", "."), "docs", "metrics.md"));
    for (String name : names()) {
      assertTrue(doc.contains("`" + name + "`"), name + " is missing from docs/metrics.md");
    }
  }

  @Test
  void collectorsDeclareWhatTheyEmit() {
    DmCollector dm = new DmCollector(Snapshot::empty, Clock.systemUTC(), Duration.ofMinutes(1));
    assertTrue(dm.getPrometheusNames().contains("dm_task_status"));
    assertTrue(dm.collect().size() == 0, "nothing about DM before DM was reached");
  }
}
