package io.dmexporter.poll;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.Exporter;
import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.model.Snapshot;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.DmFakes;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.FakeDm.Fault;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Seed;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poller against fake DM endpoints over real gRPC, observed through real HTTP scrapes. */
class PollScenariosTest {
  private final DmFakes dm = new DmFakes();
  private Exporter exporter;

  @AfterEach
  void closeAll() throws Exception {
    dm.close();
  }

  private FakeDm fake() throws Exception {
    return dm.fake();
  }

  private Exporter start(QueryMode mode, List<String> masters, List<String> workers, Duration timeout, Clock clock)
      throws Exception {
    exporter = dm.start(mode, masters, workers, timeout, clock);
    return exporter;
  }

  private Exporter start(QueryMode mode, List<String> masters, List<String> workers) throws Exception {
    return start(mode, masters, workers, Duration.ofSeconds(2), Clock.systemUTC());
  }

  private Map<String, Double> cycle() throws Exception {
    return dm.cycle();
  }

  private static String[] st(String task, String source, String worker, String... more) {
    return DmFakes.subtask(task, source, worker, more);
  }

  /** A master whose member list binds each worker (name, fake, source). */
  private FakeDm masterFor(Object... workers) throws Exception {
    FakeDm master = fake();
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < workers.length; i += 3) {
      rows.add(new String[] {(String) workers[i], ((FakeDm) workers[i + 1]).address(), "bound", (String) workers[i + 2]});
    }
    master.members = Seed.members(new String[][] {{"master1", master.address()}}, rows.toArray(String[][]::new));
    return master;
  }

  @Test
  void masterModeAsksTheLeaderAndFailsOneSourceOnly() throws Exception {
    FakeDm follower = fake();
    FakeDm leader = fake();
    var members = Seed.members(new String[][] {{"m2", leader.address()}, {"m1", follower.address()}},
        new String[] {"worker1", "127.0.0.1:8262", "bound", "mysql-replica-01"},
        new String[] {"worker2", "127.0.0.1:8263", "bound", "mysql-replica-02"});
    follower.members = members;
    leader.members = members;
    QueryStatusListResponse answer = QueryStatusListResponse.newBuilder().setResult(true)
        .addSources(Seed.worker("mysql-replica-01", "worker1", Seed.syncSubtask()))
        .addSources(QueryStatusResponse.newBuilder().setResult(false)
            .setMsg("rpc error: code = DeadlineExceeded desc = context deadline exceeded")
            .setSourceStatus(SourceStatus.newBuilder().setSource("mysql-replica-02").setWorker("worker2")))
        .build();
    leader.masterStatus = answer;
    follower.masterStatus = answer;
    start(QueryMode.MASTER, List.of(follower.address(), leader.address()), List.of());
    follower.masterQueryCalls.set(0);
    leader.masterQueryCalls.set(0);
    Map<String, Double> m = cycle();

    assertEquals(1, leader.masterQueryCalls.get(), "the leader is asked");
    assertEquals(0, follower.masterQueryCalls.get(), "the follower is not asked while the leader is known");
    assertEquals(1, m.get(series("dm_source_up", "source_id", "mysql-replica-01", "worker", "worker1")));
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-02", "worker", "worker2")));
    assertEquals(1, m.get(series("dm_task_subtasks", "task", "test")));
    assertEquals(1, m.get(series("dm_subtask_stage", st("test", "mysql-replica-01", "worker1", "stage", "Running"))));
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", leader.address(), "role", "master")));
    assertEquals(1, m.get(series("dm_cluster_master_leader", "master", "m2")));
    assertEquals(0, m.get(series("dm_cluster_master_leader", "master", "m1")));
  }

  @Test
  void masterModeAsksAFollowerWhileTheLeaderHangs() throws Exception {
    FakeDm follower = fake();
    FakeDm leader = fake();
    var members = Seed.members(new String[][] {{"m1", leader.address()}, {"m2", follower.address()}},
        new String[] {"worker1", "127.0.0.1:8262", "bound", "mysql-replica-01"});
    follower.members = members;
    follower.masterStatus = QueryStatusListResponse.newBuilder().setResult(true)
        .addSources(Seed.worker("mysql-replica-01", "worker1", Seed.syncSubtask())).build();
    leader.fault = Fault.HANG;
    start(QueryMode.MASTER, List.of(leader.address(), follower.address()), List.of(), Duration.ofSeconds(1), Clock.systemUTC());
    Map<String, Double> m = cycle();
    assertEquals(0, leader.masterQueryCalls.get(), "a leader that did not answer is not asked for status");
    assertTrue(follower.masterQueryCalls.get() >= 1, "the follower that answered is asked and forwards");
    assertEquals(1, m.get(series("dm_subtask_unit", st("test", "mysql-replica-01", "worker1", "unit", "Sync"))));
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", leader.address(), "role", "master")));
  }

  @Test
  void staticWorkersNeedNoMaster() throws Exception {
    FakeDm w1 = fake();
    FakeDm w2 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    w2.workerStatus = Seed.workers().get("worker4");
    start(QueryMode.STATIC, List.of(), List.of(w1.address(), w2.address()));
    Map<String, Double> m = cycle();
    assertEquals(1, m.get(series("dm_subtask_unit", st("test", "mysql-replica-01", "worker1", "unit", "Sync"))));
    assertEquals(0.3052, m.get(series("dm_subtask_dump_progress_ratio", st("test", "mysql-replica-04", "worker4"))));
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_cluster_")), "no membership in static mode");

    // A static worker that stops answering keeps its last known source, reported as down.
    w2.fault = Fault.UNAVAILABLE;
    m = cycle();
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", "worker4")));
    assertNull(m.get(series("dm_subtask_dump_progress_ratio", st("test", "mysql-replica-04", "worker4"))));
    assertEquals(1, m.get(series("dm_exporter_target_poll_errors_total", "address", w2.address(), "role", "worker",
        "reason", "unavailable")));
  }

  @Test
  void failsOverToTheNextMaster() throws Exception {
    FakeDm w1 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    FakeDm good = masterFor("worker1", w1, "mysql-replica-01");
    String dead = "127.0.0.1:" + freePort();
    start(QueryMode.WORKERS, List.of(dead, good.address()), List.of());
    Map<String, Double> m = cycle();
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", dead, "role", "master")));
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", good.address(), "role", "master")));
    assertEquals(1, m.get(series("dm_subtask_unit", st("test", "mysql-replica-01", "worker1", "unit", "Sync"))));
    assertEquals(2, m.get(series("dm_exporter_target_poll_errors_total", "address", dead, "role", "master", "reason", "unavailable")),
        "one failure on start, one now");
  }

  @Test
  void hungMasterDoesNotStopTheKnownWorkers() throws Exception {
    FakeDm w1 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01");
    start(QueryMode.WORKERS, List.of(master.address()), List.of(), Duration.ofMillis(800), Clock.systemUTC());
    cycle();
    master.fault = Fault.HANG;
    // The master never answers: the cycle ends by its deadline (the timeout below is the test's
    // own bound, far above it), with the master timed out and the worker read.
    Map<String, Double> m = assertTimeoutPreemptively(Duration.ofSeconds(60), this::cycle);
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", master.address(), "role", "master")));
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")));
    assertEquals(1, m.get(series("dm_subtask_unit", st("test", "mysql-replica-01", "worker1", "unit", "Sync"))));
    assertEquals(1, m.get(series("dm_exporter_target_poll_errors_total", "address", master.address(), "role", "master",
        "reason", "timeout")));
  }

  @Test
  void hungWorkerCostsOnlyTheTimeoutAndItsOwnSeries() throws Exception {
    FakeDm w1 = fake();
    FakeDm w2 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    w2.workerStatus = Seed.workers().get("worker2");
    w2.fault = Fault.HANG;
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01", "worker2", w2, "mysql-replica-02");
    start(QueryMode.WORKERS, List.of(master.address()), List.of(), Duration.ofSeconds(1), Clock.systemUTC());
    Snapshot s = exporter.poller().runCycle();
    Map<String, Double> m = Scrape.metrics(exporter.port());
    assertTrue(s.durationSeconds() >= 0.9, "the cycle waited for the hung worker until its deadline: " + s.durationSeconds());
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", w2.address(), "role", "worker")));
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")));
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-02", "worker", "worker2")));
    assertEquals(1, m.get(series("dm_source_up", "source_id", "mysql-replica-01", "worker", "worker1")));
    assertNull(m.get(series("dm_subtask_load_progress_ratio", st("test", "mysql-replica-02", "worker2"))),
        "nothing of a failed target is served");
    assertEquals(1, m.get(series("dm_subtask_unit", st("test", "mysql-replica-01", "worker1", "unit", "Sync"))));
    assertEquals(2, m.get(series("dm_exporter_target_poll_errors_total", "address", w2.address(), "role", "worker",
        "reason", "timeout")), "start plus one cycle");
  }

  @Test
  void unavailableAndResultFalseWorkers() throws Exception {
    FakeDm w1 = fake();
    FakeDm w2 = fake();
    w1.fault = Fault.UNAVAILABLE;
    w2.workerStatus = QueryStatusResponse.newBuilder().setResult(false).setMsg("source mysql-replica-02 not bound").build();
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01", "worker2", w2, "mysql-replica-02");
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    cycle();
    Map<String, Double> m = cycle();
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")));
    assertEquals(3, m.get(series("dm_exporter_target_poll_errors_total", "address", w1.address(), "role", "worker",
        "reason", "unavailable")), "start plus two cycles");
    assertEquals(3, m.get(series("dm_exporter_target_poll_errors_total", "address", w2.address(), "role", "worker",
        "reason", "result_false")));
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-01", "worker", "worker1")));
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-02", "worker", "worker2")));
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_task_")), "no readable subtask, no task");

    w1.fault = Fault.NONE;
    w1.workerStatus = Seed.workers().get("worker1");
    m = cycle();
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")));
    assertEquals(1, m.get(series("dm_source_up", "source_id", "mysql-replica-01", "worker", "worker1")));
  }

  @Test
  void rescheduledSubtaskLeavesNoSeriesUnderTheOldWorker() throws Exception {
    FakeDm w1 = fake();
    FakeDm w2 = fake();
    w1.workerStatus = Seed.worker("mysql-replica-03", "worker1", Seed.loadPausedWithError());
    w2.workerStatus = Seed.worker("", "worker2");
    FakeDm master = fake();
    master.members = Seed.members(new String[][] {{"master1", master.address()}},
        new String[] {"worker1", w1.address(), "bound", "mysql-replica-03"},
        new String[] {"worker2", w2.address(), "free", ""});
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    Map<String, Double> m = cycle();
    assertEquals(1, m.get(series("dm_subtask_errors", st("test", "mysql-replica-03", "worker1"))));

    // DM moves the source to worker2; worker1 goes offline.
    w2.workerStatus = Seed.worker("mysql-replica-03", "worker2", Seed.loadPausedWithError());
    w1.workerStatus = Seed.worker("", "worker1");
    master.members = Seed.members(new String[][] {{"master1", master.address()}},
        new String[] {"worker1", w1.address(), "offline", ""},
        new String[] {"worker2", w2.address(), "bound", "mysql-replica-03"});
    m = cycle();
    assertEquals(1, m.get(series("dm_subtask_errors", st("test", "mysql-replica-03", "worker2"))));
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("worker=\"worker1\"") && !k.startsWith("dm_cluster_")),
        "no series under the old worker: " + m.keySet().stream().filter(k -> k.contains("worker1")).toList());
    assertNull(m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")), "its target left");
    assertEquals(Set.of(master.address(), w2.address()), exporter.openChannels(),
        "the channel of the worker that left is closed");
  }

  @Test
  void removedTaskAndRemovedWorkerVanishOnTheNextCycle() throws Exception {
    FakeDm w1 = fake();
    FakeDm w2 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    w2.workerStatus = Seed.workers().get("worker2");
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01", "worker2", w2, "mysql-replica-02");
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    Map<String, Double> m = cycle();
    assertEquals(1, m.get(series("dm_task_status", "task", "test2", "status", "Paused")));

    w1.workerStatus = Seed.worker("mysql-replica-01", "worker1", Seed.syncSubtask());
    master.members = Seed.members(new String[][] {{"master1", master.address()}},
        new String[] {"worker1", w1.address(), "bound", "mysql-replica-01"});
    m = cycle();
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("task=\"test2\"")), "test2 is gone");
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains(w2.address())), "worker2's target series are gone");
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("worker=\"worker2\"")), "worker2's series are gone");
  }

  @Test
  void relayConditionsReachTheTask() throws Exception {
    FakeDm w1 = fake();
    w1.workerStatus = Seed.withRelay(Seed.worker("mysql-replica-01", "worker1", Seed.syncSubtask()), Stage.Paused, true);
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01");
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    Map<String, Double> m = cycle();
    String[] src = {"source_id", "mysql-replica-01", "worker", "worker1"};
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Error")));
    assertEquals(1, m.get(series("dm_task_error_reason", "task", "test", "reason", "relay_error")));
    assertEquals(1, m.get(series("dm_source_relay_stage", "source_id", "mysql-replica-01", "worker", "worker1", "stage", "Paused")));
    assertEquals(1, m.get(series("dm_source_relay_errors", src)));
    assertEquals(0, m.get(series("dm_source_relay_catch_up_master", src)));
    assertEquals(12, m.get(series("dm_source_relay_binlog_file", "source_id", "mysql-replica-01", "worker", "worker1", "node", "master")));
    assertEquals(4521, m.get(series("dm_source_relay_binlog_pos", "source_id", "mysql-replica-01", "worker", "worker1", "node", "master")));
    assertEquals(11, m.get(series("dm_source_relay_binlog_file", "source_id", "mysql-replica-01", "worker", "worker1", "node", "relay")));

    // The same relay under a Load subtask is no task error.
    w1.workerStatus = Seed.withRelay(Seed.worker("mysql-replica-01", "worker1", Seed.loadRunning()), Stage.Paused, false);
    m = cycle();
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Running")));
    assertEquals(0, m.get(series("dm_task_error_reason", "task", "test", "reason", "relay_paused")));
  }

  @Test
  void legacyCountersMalformedStringsAndInvalidStages() throws Exception {
    FakeDm w1 = fake();
    var sync = Seed.syncSubtask().toBuilder();
    sync.getSyncBuilder().setTotalRows(0).setTotalRps(0).setRecentRps(0).setTotalEvents(900).setTotalTps(30).setRecentTps(7)
        .setMasterBinlog("garbage").setSyncerBinlog("");
    var load = Seed.loadRunning().toBuilder().setName("other").setStage(Stage.InvalidStage);
    load.getLoadBuilder().setProgress("n/a");
    w1.workerStatus = Seed.worker("mysql-replica-01", "worker1", sync.build(), load.build());
    FakeDm master = masterFor("worker1", w1, "mysql-replica-01");
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    Map<String, Double> m = cycle();
    assertEquals(900, m.get(series("dm_subtask_sync_rows_total", st("test", "mysql-replica-01", "worker1"))));
    assertEquals(30, m.get(series("dm_subtask_sync_average_rows_per_second", st("test", "mysql-replica-01", "worker1"))));
    assertEquals(7, m.get(series("dm_subtask_sync_rows_per_second", st("test", "mysql-replica-01", "worker1"))));
    assertNull(m.get(series("dm_subtask_sync_binlog_pos", st("test", "mysql-replica-01", "worker1", "node", "master"))));
    assertNull(m.get(series("dm_subtask_sync_binlog_pos", st("test", "mysql-replica-01", "worker1", "node", "syncer"))));
    assertNull(m.get(series("dm_subtask_load_progress_ratio", st("other", "mysql-replica-01", "worker1"))));
    assertEquals(452, m.get(series("dm_subtask_load_total_bytes", st("other", "mysql-replica-01", "worker1"))),
        "the rest of the subtask is still there");
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_subtask_stage{") && k.contains("task=\"other\"")),
        "an invalid stage yields no stage series");
  }

  @Test
  void labelValuesAreEscaped() throws Exception {
    FakeDm w1 = fake();
    String task = "ta\"sk\\mi\ngration-数据";
    var sub = Seed.loadPausedWithError().toBuilder().setName(task)
        .setResult(ProcessResult.newBuilder().addErrors(ProcessError.newBuilder().setErrCode(1).setErrClass("cl\"ass")
            .setErrScope("scöpe").setErrLevel("high").setMessage("Duplicate entry 'x\"' for key\n'PRIMARY'")))
        .build();
    w1.workerStatus = Seed.worker("mysql-源-01", "worker\\1", sub);
    FakeDm master = masterFor("worker\\1", w1, "mysql-源-01");
    start(QueryMode.WORKERS, List.of(master.address()), List.of());
    exporter.poller().runCycle();
    String text = Scrape.get(exporter.port(), "/metrics").body();
    assertTrue(text.contains("task=\"ta\\\"sk\\\\mi\\ngration-数据\""), "quotes, backslashes and newlines escaped");
    assertTrue(text.contains("worker=\"worker\\\\1\""));
    assertFalse(text.contains("Duplicate entry"), "error messages never become label values");
    Map<String, Double> m = Scrape.parse(text);
    assertEquals(1, m.get(series("dm_subtask_errors", st(task, "mysql-源-01", "worker\\1"))));
    assertEquals(1, m.get(series("dm_subtask_error_info", st(task, "mysql-源-01", "worker\\1",
        "code", "1", "class", "cl\"ass", "scope", "scöpe", "level", "high"))));
  }

  @Test
  void dmSeriesAreWithdrawnAfterThreeIntervalsOutOfSight() throws Exception {
    FakeDm w1 = fake();
    w1.workerStatus = Seed.workers().get("worker1");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    start(QueryMode.STATIC, List.of(), List.of(w1.address()), Duration.ofSeconds(2), clock);
    Map<String, Double> m = cycle();
    assertTrue(m.containsKey(series("dm_task_subtasks", "task", "test")));

    w1.fault = Fault.UNAVAILABLE;
    clock.now = clock.now.plusSeconds(60);
    m = cycle();
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-01", "worker", "worker1")),
        "within three intervals the failure itself is served");
    clock.now = clock.now.plusSeconds(61);
    m = Scrape.metrics(exporter.port());
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_") && !k.startsWith("dm_exporter_")),
        "DM series withdrawn: " + m.keySet().stream().filter(k -> k.startsWith("dm_source")).toList());
    assertEquals(0, m.get(series("dm_exporter_target_up", "address", w1.address(), "role", "worker")));
    assertEquals(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond(), m.get("dm_exporter_last_poll_success_timestamp_seconds"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
