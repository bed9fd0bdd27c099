package io.dmexporter.sim;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.testing.Scrape;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo cluster through the real exporter and a real scrape: the seed's values, then change. */
class DemoMetricsTest {
  private final ManualClock clock = new ManualClock();
  private Simulator demo;
  private Exporter exporter;

  @BeforeEach
  void start() throws Exception {
    demo = DemoScenario.start(clock, null);
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(PollSettings.QueryMode.WORKERS, demo.masterAddresses(), List.of(),
            Duration.ofMinutes(10), Duration.ofSeconds(3)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
  }

  @AfterEach
  void stop() throws Exception {
    exporter.close();
    demo.close();
  }

  private Map<String, Double> cycle() throws Exception {
    exporter.poller().runCycle();
    return Scrape.metrics(exporter.port());
  }

  private static String sub(String name, int source, String... more) {
    String[] labels = new String[6 + more.length];
    System.arraycopy(new String[] {"task", "test", "source_id", "mysql-replica-0" + source, "worker", "worker" + source},
        0, labels, 0, 6);
    System.arraycopy(more, 0, labels, 6, more.length);
    return series(name, labels);
  }

  @Test
  void seedValuesThenStagesChange() throws Exception {
    Map<String, Double> m = cycle();
    assertEquals(1.0, m.get(series("dm_task_status", "task", "test", "status", "Error")));
    assertEquals(1.0, m.get(series("dm_task_error_reason", "task", "test", "reason", "subtask_error")));
    assertEquals(1.0, m.get(series("dm_task_status", "task", "test2", "status", "Paused")));
    assertEquals(4.0, m.get(series("dm_task_subtasks", "task", "test")));
    assertEquals(1.0, m.get(sub("dm_subtask_unresolved_ddl_lock", 1)));
    assertEquals(1.0, m.get(sub("dm_subtask_sync_blocking_ddls", 1)));
    assertEquals(12.0, m.get(sub("dm_subtask_sync_rows_total", 1)));
    assertEquals(3234.0, m.get(sub("dm_subtask_sync_binlog_pos", 1, "node", "master")));
    assertEquals(2525.0, m.get(sub("dm_subtask_sync_binlog_pos", 1, "node", "syncer")));
    assertEquals(0.2544, m.get(sub("dm_subtask_load_progress_ratio", 2)), 1e-9);
    assertEquals(452.0, m.get(sub("dm_subtask_load_total_bytes", 2)));
    assertEquals(1.0, m.get(sub("dm_subtask_stage", 3, "stage", "Paused")));
    assertEquals(1.0, m.get(sub("dm_subtask_error_info", 3, "code", "10006", "class", "database",
        "scope", "downstream", "level", "high")));
    assertEquals(0.3052, m.get(sub("dm_subtask_dump_progress_ratio", 4)), 1e-9);
    assertEquals(10.0, m.get(sub("dm_subtask_dump_total_tables", 4)));

    clock.advance(Duration.ofSeconds(400)); // loads done, errored load resumed, lock resolved, relay paused
    Map<String, Double> later = cycle();
    for (int i = 1; i <= 4; i++) {
      assertEquals(1.0, later.get(sub("dm_subtask_unit", i, "unit", "Sync")), "source " + i);
      assertNull(later.get(sub("dm_subtask_load_progress_ratio", i)), "no Load series once in Sync");
    }
    assertEquals(0.0, later.get(sub("dm_subtask_unresolved_ddl_lock", 1)));
    assertEquals(1.0, later.get(series("dm_task_error_reason", "task", "test", "reason", "relay_paused")));
    assertEquals(0.0, later.get(series("dm_task_error_reason", "task", "test", "reason", "subtask_error")));
    assertEquals(1.0, later.get(series("dm_source_relay_stage", "source_id", "mysql-replica-01", "worker", "worker1",
        "stage", "Paused")));
  }
}
