package io.dmexporter;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.config.HostPort;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.sim.DmVersion;
import io.dmexporter.sim.ManualClock;
import io.dmexporter.sim.Simulator;
import io.dmexporter.sim.SimulatorOptions;
import io.dmexporter.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exporter against the simulator behaving like a real DM of each release line: a worker
 * taken offline (through the simulator's control API) leaves its source unbound, which DM's
 * member list no longer shows; within two cycles the source is {@code dm_source_up 0} with an
 * empty worker and every task on it counts one unknown subtask, in workers and master mode. And
 * a Dump subtask of DM v5.3 shows its unit without invented progress.
 */
class RealDmFidelityTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Simulator simulator(DmVersion version, UnitType initialUnit) {
    return Simulator.start(SimulatorOptions.builder().masters(1).workers(3).subtasksPerWorker(2)
        .clock(new ManualClock()).seed(11).version(version).initialUnit(initialUnit)
        .masterRpcTimeout(Duration.ofMillis(500)).controlAddress("127.0.0.1:0").build());
  }

  private static Exporter exporter(Simulator sim, QueryMode mode) throws Exception {
    return Exporter.start(new Exporter.Settings(
        new PollSettings(mode, sim.masterAddresses(), List.of(), Duration.ofHours(1), Duration.ofSeconds(3)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
  }

  private static Map<String, Double> cycle(Exporter e) throws Exception {
    e.poller().runCycle();
    return Scrape.metrics(e.port());
  }

  @ParameterizedTest(name = "DM {0}, {1} mode")
  @CsvSource({"v5.3, WORKERS", "v5.3, MASTER", "v6.1, WORKERS", "v6.1, MASTER", "v8.5, WORKERS", "v8.5, MASTER",
      "v9, WORKERS", "v9, MASTER"})
  void anOfflineWorkersSubtasksAreUnknownNotLost(String version, QueryMode mode) throws Exception {
    try (Simulator sim = simulator(DmVersion.parse(version), UnitType.Sync); Exporter e = exporter(sim, mode)) {
      Map<String, Double> m = cycle(e);
      assertEquals(1, m.get(series("dm_source_up", "source_id", "mysql-replica-02", "worker", "worker2")), m.toString());
      assertEquals(0, m.get(series("dm_task_subtasks_unknown", "task", "task1")));

      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.controlUrl() + "/api/v1/workers/worker2/offline"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());

      cycle(e);
      m = cycle(e);
      assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-02", "worker", "")), m.toString());
      for (String task : List.of("task1", "task2")) {
        assertEquals(1, m.get(series("dm_task_subtasks_unknown", "task", task)), task);
        assertEquals(2, m.get(series("dm_task_subtasks", "task", task)), task);
        assertEquals(1, m.get(series("dm_task_status", "task", task, "status", "Running")), task);
      }
      assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_subtask_") && k.contains("mysql-replica-02")),
          "nothing of the unbound source is served as current");
      assertEquals(1, m.get(series("dm_cluster_worker_stage", "worker", "worker2", "stage", "offline")));
    }
  }

  @ParameterizedTest(name = "DM {0}")
  @CsvSource({"v5.3, 0", "v6.1, 1", "v6.4, 1", "v8.5, 1", "v9, 1"})
  void aDumpReportsProgressOnlyWhereDmDoes(String version, int reportsProgress) throws Exception {
    try (Simulator sim = simulator(DmVersion.parse(version), UnitType.Dump);
        Exporter e = exporter(sim, QueryMode.WORKERS)) {
      Map<String, Double> m = cycle(e);
      String[] subtask = {"task", "task1", "source_id", "mysql-replica-01", "worker", "worker1"};
      assertEquals(1, m.get(series("dm_subtask_unit", with(subtask, "unit", "Dump"))), m.toString());
      long dumpSeries = m.keySet().stream().filter(k -> k.startsWith("dm_subtask_dump_")).count();
      if (reportsProgress == 0) {
        assertEquals(0, dumpSeries, "DM v5.3 reports an empty DumpStatus: no dump series");
      } else {
        assertTrue(dumpSeries > 0);
        assertTrue(m.get(series("dm_subtask_dump_total_tables", subtask)) > 0);
      }
      boolean speed = m.containsKey(series("dm_subtask_dump_bytes_per_second", subtask));
      assertEquals(!List.of("v5.3", "v6.1").contains(version), speed, "dump speed from v6.4 on");
      assertNull(m.get(series("dm_subtask_sync_io_bytes_total", with(subtask, "direction", "downstream"))));
    }
  }

  private static String[] with(String[] labels, String... more) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, out, labels.length, more.length);
    return out;
  }
}
