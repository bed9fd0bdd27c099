package io.dmexporter;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.config.HostPort;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Seed;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every contract metric, from DM answering with the seed's example over real gRPC, read over real
 * HTTP from the running exporter.
 */
class SeedMetricsTest {
  static FakeDm master;
  static final List<FakeDm> workers = new ArrayList<>();
  static Exporter exporter;
  static Map<String, Double> m;

  @BeforeAll
  static void start() throws Exception {
    master = FakeDm.start();
    List<String[]> members = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      FakeDm w = FakeDm.start();
      w.workerStatus = Seed.workers().get("worker" + i);
      workers.add(w);
      members.add(new String[] {"worker" + i, w.address(), "bound", "mysql-replica-0" + i});
    }
    members.add(new String[] {"worker5", "127.0.0.1:1", "free", ""});
    master.members = Seed.members(new String[][] {{"master1", master.address()}}, members.toArray(String[][]::new));
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.WORKERS, List.of(master.address()), List.of(), Duration.ofHours(1), Duration.ofSeconds(2)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
    exporter.poller().runCycle();
    // The timer's first cycle may take the lock after ours: scrape once both have run.
    assertTrue(exporter.poller().awaitCycles(2, Duration.ofSeconds(10)), "the timer's first cycle");
    m = Scrape.metrics(exporter.port());
  }

  @AfterAll
  static void stop() throws Exception {
    exporter.close();
    master.close();
    for (FakeDm w : workers) {
      w.close();
    }
  }

  static double v(String name, String... labels) {
    Double value = m.get(series(name, labels));
    if (value == null) {
      throw new AssertionError("missing series " + series(name, labels));
    }
    return value;
  }

  static String[] st(int source, String... more) {
    List<String> l = new ArrayList<>(List.of("task", "test", "source_id", "mysql-replica-0" + source, "worker", "worker" + source));
    l.addAll(List.of(more));
    return l.toArray(String[]::new);
  }

  @Test
  void taskLevel() {
    assertEquals(1, v("dm_task_status", "task", "test", "status", "Error"));
    for (String s : List.of("New", "Running", "Paused", "Stopped", "Finished")) {
      assertEquals(0, v("dm_task_status", "task", "test", "status", s));
    }
    assertEquals(1, v("dm_task_error_reason", "task", "test", "reason", "subtask_error"));
    for (String r : List.of("relay_error", "relay_paused", "relay_stopped")) {
      assertEquals(0, v("dm_task_error_reason", "task", "test", "reason", r));
    }
    assertEquals(4, v("dm_task_subtasks", "task", "test"));
    assertEquals(1, v("dm_task_status", "task", "test2", "status", "Paused"));
    assertEquals(0, v("dm_task_status", "task", "test2", "status", "Error"));
    assertEquals(0, v("dm_task_error_reason", "task", "test2", "reason", "subtask_error"));
    assertEquals(2, v("dm_task_subtasks", "task", "test2"));
  }

  @Test
  void syncSubtaskWithBlockingDdl() {
    assertEquals(1, v("dm_subtask_stage", st(1, "stage", "Running")));
    assertEquals(0, v("dm_subtask_stage", st(1, "stage", "Paused")));
    assertEquals(1, v("dm_subtask_unit", st(1, "unit", "Sync")));
    assertEquals(0, v("dm_subtask_unit", st(1, "unit", "Load")));
    assertEquals(1, v("dm_subtask_unresolved_ddl_lock", st(1)));
    assertEquals(0, v("dm_subtask_errors", st(1)));
    assertEquals(12, v("dm_subtask_sync_rows_total", st(1)));
    assertEquals(1, v("dm_subtask_sync_rows_per_second", st(1)));
    assertEquals(1, v("dm_subtask_sync_average_rows_per_second", st(1)));
    assertEquals(0, v("dm_subtask_sync_synced", st(1)));
    assertEquals(3, v("dm_subtask_sync_seconds_behind_master", st(1)));
    assertEquals(1, v("dm_subtask_sync_blocking_ddls", st(1)));
    assertEquals(1, v("dm_subtask_sync_unresolved_groups", st(1)));
    assertEquals(1, v("dm_subtask_sync_binlog_file", st(1, "node", "master")));
    assertEquals(3234, v("dm_subtask_sync_binlog_pos", st(1, "node", "master")));
    assertEquals(1, v("dm_subtask_sync_binlog_file", st(1, "node", "syncer")));
    assertEquals(2525, v("dm_subtask_sync_binlog_pos", st(1, "node", "syncer")));
    assertEquals(4096, v("dm_subtask_sync_io_bytes_total", st(1, "direction", "downstream")));
    assertEquals(8192, v("dm_subtask_sync_io_bytes_total", st(1, "direction", "upstream")));
    assertNull(m.get(series("dm_subtask_load_progress_ratio", st(1))), "a Sync subtask has no load series");
  }

  @Test
  void loadSubtasks() {
    assertEquals(0.2544, v("dm_subtask_load_progress_ratio", st(2)));
    assertEquals(115, v("dm_subtask_load_finished_bytes", st(2)));
    assertEquals(452, v("dm_subtask_load_total_bytes", st(2)));
    assertEquals(2734, v("dm_subtask_load_bytes_per_second", st(2)));
    assertEquals(0, v("dm_subtask_unresolved_ddl_lock", st(2)));
    assertEquals(1, v("dm_subtask_stage", st(3, "stage", "Paused")));
    assertEquals(1, v("dm_subtask_errors", st(3)));
    assertEquals(1, v("dm_subtask_error_info", st(3, "code", "10006", "class", "database", "scope", "downstream", "level", "high")));
    assertEquals(0.0, v("dm_subtask_load_progress_ratio", st(3)));
    assertEquals(156, v("dm_subtask_load_total_bytes", st(3)));
    assertNull(m.get(series("dm_subtask_sync_rows_total", st(2))));
  }

  @Test
  void dumpSubtask() {
    assertEquals(10, v("dm_subtask_dump_total_tables", st(4)));
    assertEquals(3, v("dm_subtask_dump_completed_tables", st(4)));
    assertEquals(2542, v("dm_subtask_dump_finished_bytes", st(4)));
    assertEquals(32, v("dm_subtask_dump_finished_rows", st(4)));
    assertEquals(563, v("dm_subtask_dump_estimated_total_rows", st(4)));
    assertEquals(0.3052, v("dm_subtask_dump_progress_ratio", st(4)));
    assertEquals(445, v("dm_subtask_dump_bytes_per_second", st(4)));
    assertEquals(1, v("dm_subtask_unit", st(4, "unit", "Dump")));
  }

  @Test
  void sourcesAndCluster() {
    for (int i = 1; i <= 4; i++) {
      String[] l = {"source_id", "mysql-replica-0" + i, "worker", "worker" + i};
      assertEquals(1, v("dm_source_up", l));
      assertEquals(0, v("dm_source_errors", l));
      assertNull(m.get(series("dm_source_relay_stage", "source_id", "mysql-replica-0" + i, "worker", "worker" + i, "stage", "Running")),
          "relay is disabled in the seed");
      assertEquals(1, v("dm_cluster_worker_stage", "worker", "worker" + i, "stage", "bound"));
      assertEquals(0, v("dm_cluster_worker_stage", "worker", "worker" + i, "stage", "free"));
      assertEquals(1, v("dm_cluster_worker_info", "worker", "worker" + i, "address", workers.get(i - 1).address(),
          "source_id", "mysql-replica-0" + i));
    }
    assertEquals(1, v("dm_cluster_worker_stage", "worker", "worker5", "stage", "free"));
    assertEquals(1, v("dm_cluster_worker_info", "worker", "worker5", "address", "127.0.0.1:1", "source_id", ""));
    assertEquals(1, v("dm_cluster_master_alive", "master", "master1"));
    assertEquals(1, v("dm_cluster_master_leader", "master", "master1"));
  }

  @Test
  void promtoolFindsNoProblemsInTheExposition() throws Exception {
    var promtool = io.dmexporter.testing.Tools.require("promtool", "prometheus");
    String text = Scrape.get(exporter.port(), "/metrics").body();
    var run = io.dmexporter.testing.Tools.run(List.of(promtool.toString(), "check", "metrics"), text, null);
    assertEquals(0, run.exitCode(), run.output());
    assertEquals("", run.output().strip(), "promtool reports nothing");
  }

  @Test
  void exporterItself() {
    assertEquals(1, v("dm_exporter_target_up", "address", master.address(), "role", "master"));
    for (FakeDm w : workers) {
      assertEquals(1, v("dm_exporter_target_up", "address", w.address(), "role", "worker"));
      assertTrue(v("dm_exporter_target_poll_duration_seconds", "address", w.address(), "role", "worker") > 0);
    }
    assertFalse(m.containsKey(series("dm_exporter_target_up", "address", "127.0.0.1:1", "role", "worker")),
        "a free worker is not queried");
    assertTrue(v("dm_exporter_poll_duration_seconds") > 0);
    double last = v("dm_exporter_last_poll_success_timestamp_seconds");
    assertEquals(exporter.poller().current().lastSuccess().toEpochMilli() / 1000.0, last,
        "last success is the end of the cycle that was scraped");
    assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("dm_exporter_build_info{")));
  }
}
