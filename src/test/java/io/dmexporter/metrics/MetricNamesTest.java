package io.dmexporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.SourceReport;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.model.PollError;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.status.TaskStatusRules;
import io.dmexporter.testing.Seed;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The exporter's metric names: its own namespace beside DM's, and all documented. */
class MetricNamesTest {
  /** DM's native metric prefixes; our names must never collide with them. */
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final List<String> DM_NATIVE = List.of("dm_worker_", "dm_master_", "dm_syncer_", "dm_relay_",
      "dm_loader_", "dm_dumpling_", "dm_validator_");

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    for (List<Families.Family> all : List.of(DmCollector.ALL, ExporterCollector.ALL)) {
      for (Families.Family f : all) {
        names.add(f.counter() ? f.name() + "_total" : f.name());
      }
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
  void collectorsDeclareEveryFamilyTheyEmit() {
    Snapshot seed = seedSnapshot();
    DmCollector dm = new DmCollector(() -> seed, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1));
    ExporterCollector exporter = new ExporterCollector(() -> seed, new io.dmexporter.BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 3);
    for (MultiCollector c : List.of(dm, exporter)) {
      Set<String> emitted = new TreeSet<>();
      c.collect().forEach(m -> emitted.add(m.getMetadata().getPrometheusName()));
      assertTrue(emitted.size() >= 5, "the seed exercises the collector: " + emitted);
      assertTrue(Set.copyOf(c.getPrometheusNames()).containsAll(emitted),
          "emitted but not declared: " + emitted.stream().filter(n -> !c.getPrometheusNames().contains(n)).toList());
    }
    assertEquals(0, new DmCollector(Snapshot::empty, Clock.systemUTC(), Duration.ofMinutes(1)).collect().size(),
        "nothing about DM before DM was reached");
  }

  @Test
  void cycleFailuresAreCountedFromZero() {
    List<String> before = new ArrayList<>();
    new ExporterCollector(Snapshot::empty, new io.dmexporter.BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 0).collect()
        .forEach(m -> before.add(m.getMetadata().getPrometheusName()));
    assertTrue(before.contains("dm_exporter_poll_cycle_failures"), "present before the first cycle: " + before);
  }

  /** The seed's four workers as one snapshot: dump, load, sync, relay and errors. */
  private static Snapshot seedSnapshot() {
    List<Subtask> subtasks = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    Map<List<String>, Relay> relays = new HashMap<>();
    for (var answer : Seed.workers().entrySet()) {
      SourceReport r = WireMapper.sourceReport(Seed.withRelay(answer.getValue(), Stage.Running, false), answer.getKey());
      subtasks.addAll(r.subtasks());
      sources.add(r.source());
      relays.put(List.of(r.source().sourceId(), r.source().worker()), r.source().relay());
    }
    TargetHealth target = new TargetHealth("127.0.0.1:8262", TargetRole.WORKER, false, 0.1, PollError.TIMEOUT, "",
        Map.of(PollError.TIMEOUT, 2L));
    return new Snapshot(NOW, 0.2, NOW, TaskStatusRules.derive(subtasks, List.of(),
        s -> relays.get(List.of(s.sourceId(), s.worker()))), subtasks, List.of(), sources, null, List.of(target));
  }
}
