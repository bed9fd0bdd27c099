package io.dmexporter.poll;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.DmFakes;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.FakeDm.Fault;
import io.dmexporter.testing.Seed;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Subtasks DM-master knows of but whose status cannot be read are never lost silently: their
 * source is {@code dm_source_up 0} and they count in {@code dm_task_subtasks_unknown}, in workers
 * and master mode, whether DM-master lists its task configs (v8.0+) or is asked task by task.
 */
class UnknownSubtasksTest {
  /** How DM-master tells which tasks and sources exist. */
  enum Catalogue { LIST_TASK_CONFIGS, GET_SUBTASK_CFG }

  private final DmFakes dm = new DmFakes();
  private final List<FakeDm> workers = new ArrayList<>();
  private FakeDm master;
  private final Map<String, List<String>> tasks = new LinkedHashMap<>(Seed.taskSources());

  @AfterEach
  void closeAll() throws Exception {
    dm.close();
  }

  private FakeDm fake() throws Exception {
    return dm.fake();
  }

  /** The seed's four workers, plus task {@code test3} on mysql-replica-04 only. */
  private void cluster(Catalogue catalogue) throws Exception {
    master = fake();
    for (int i = 1; i <= 4; i++) {
      FakeDm w = fake();
      w.workerStatus = Seed.workers().get("worker" + i);
      workers.add(w);
    }
    FakeDm w4 = workers.get(3);
    w4.workerStatus = w4.workerStatus.toBuilder().addSubTaskStatus(
        SubTaskStatus.newBuilder().setName("test3").setStage(Stage.Running).setUnit(io.dmexporter.dm.pb.UnitType.Sync)
            .setSync(io.dmexporter.dm.pb.SyncStatus.newBuilder().setTotalRows(5))).build();
    tasks.put("test3", List.of("mysql-replica-04"));
    members("bound");
    if (catalogue == Catalogue.LIST_TASK_CONFIGS) {
      master.taskConfigs = Seed.taskConfigs(tasks);
    } else {
      master.subtaskConfigs = Seed.subtaskConfigs(tasks);
    }
  }

  /** DM-master's member list with worker4 in {@code stage4}: an offline worker has no source, as in DM. */
  private void members(String stage4) {
    List<String[]> list = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      list.add(new String[] {"worker" + i, workers.get(i - 1).address(), "bound", "mysql-replica-0" + i});
    }
    list.add(new String[] {"worker4", workers.get(3).address(), stage4, "offline".equals(stage4) ? "" : "mysql-replica-04"});
    master.members = Seed.members(new String[][] {{"master1", master.address()}}, list.toArray(String[][]::new));
  }

  private Map<String, Double> startAndCycle(QueryMode mode) throws Exception {
    dm.start(mode, List.of(master.address()), List.of(), Duration.ofSeconds(2), Clock.systemUTC());
    return cycle();
  }

  private Map<String, Double> cycle() throws Exception {
    return dm.cycle();
  }

  private static String[] st(String task, String source, String worker, String... more) {
    return DmFakes.subtask(task, source, worker, more);
  }

  private static void assertTestTaskMissesReplica04(Map<String, Double> m, String worker) {
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", worker)), m.toString());
    assertEquals(1, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertEquals(3, m.get(series("dm_task_subtasks", "task", "test")));
    assertEquals(0, m.get(series("dm_task_subtasks_unknown", "task", "test2")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Error")), "worker3's error still counts");
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_subtask_") && k.contains("mysql-replica-04")),
        "nothing of the unread source is served as current");
    // test3 has no readable subtask: its unknown count is its only series
    assertEquals(1, m.get(series("dm_task_subtasks_unknown", "task", "test3")));
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("task=\"test3\"") && !k.startsWith("dm_task_subtasks_unknown")),
        "test3: only dm_task_subtasks_unknown");
  }

  @ParameterizedTest
  @EnumSource(Catalogue.class)
  void workersModeOfflineWorkerWithoutReplacement(Catalogue catalogue) throws Exception {
    cluster(catalogue);
    Map<String, Double> m = startAndCycle(QueryMode.WORKERS);
    assertEquals(0, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertEquals(1, m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", "worker4")));

    workers.get(3).fault = Fault.UNAVAILABLE;
    members("offline");
    m = cycle();
    assertTestTaskMissesReplica04(m, "");
    assertEquals(1, m.get(series("dm_cluster_worker_stage", "worker", "worker4", "stage", "offline")));
    assertEquals(1, m.get(series("dm_cluster_worker_info", "worker", "worker4", "address", workers.get(3).address(),
        "source_id", "")));

    // the worker comes back and is bound again: nothing unknown any more
    workers.get(3).fault = Fault.NONE;
    members("bound");
    m = cycle();
    assertEquals(0, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test3", "status", "Running")));
    assertNull(m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", "")));
  }

  @ParameterizedTest
  @EnumSource(Catalogue.class)
  void workersModeUnreachableOrResultFalseWorker(Catalogue catalogue) throws Exception {
    cluster(catalogue);
    startAndCycle(QueryMode.WORKERS);
    workers.get(3).fault = Fault.HANG;
    assertTestTaskMissesReplica04(cycle(), "worker4");

    workers.get(3).fault = Fault.NONE;
    workers.get(3).workerStatus = QueryStatusResponse.newBuilder().setResult(false).setMsg("worker is closing").build();
    assertTestTaskMissesReplica04(cycle(), "worker4");
  }

  @Test
  void workersModeKnowsTasksFromDmMasterEvenAfterARestart() throws Exception {
    // The exporter starts while worker4 is already offline: it never saw test3 on a worker.
    cluster(Catalogue.LIST_TASK_CONFIGS);
    workers.get(3).fault = Fault.UNAVAILABLE;
    members("offline");
    assertTestTaskMissesReplica04(startAndCycle(QueryMode.WORKERS), "");
  }

  @Test
  void aFreeWorkerOrASourceWithoutSubtasksIsNoError() throws Exception {
    cluster(Catalogue.LIST_TASK_CONFIGS);
    tasks.remove("test3");
    tasks.put("test", List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03"));
    master.taskConfigs = Seed.taskConfigs(tasks);
    workers.get(3).workerStatus = QueryStatusResponse.newBuilder().setResult(true)
        .setSourceStatus(SourceStatus.newBuilder().setWorker("worker4")).build();
    members("free");
    Map<String, Double> m = startAndCycle(QueryMode.WORKERS);
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("dm_source_up") && k.contains("mysql-replica-04")), m.toString());
    assertEquals(0, m.get(series("dm_task_subtasks_unknown", "task", "test")));
  }

  @ParameterizedTest
  @EnumSource(Catalogue.class)
  void masterModePlaceholdersAndFailedWorkers(Catalogue catalogue) throws Exception {
    cluster(catalogue);
    // DM-master: replica-03's worker timed out (an entry without subtasks), replica-04 has no
    // worker (a "source not bound" placeholder naming its tasks).
    master.masterStatus = QueryStatusListResponse.newBuilder().setResult(true)
        .addSources(Seed.workers().get("worker1"))
        .addSources(Seed.workers().get("worker2"))
        .addSources(QueryStatusResponse.newBuilder().setResult(false)
            .setMsg("rpc error: code = DeadlineExceeded desc = context deadline exceeded")
            .setSourceStatus(SourceStatus.newBuilder().setSource("mysql-replica-03")))
        .addSources(QueryStatusResponse.newBuilder().setResult(false)
            .setMsg("can't find task=test from dm-worker for source=mysql-replica-04, please use dmctl list-member to check if worker is offline.")
            .setSourceStatus(SourceStatus.newBuilder().setSource("mysql-replica-04").setWorker("source not bound"))
            .addSubTaskStatus(SubTaskStatus.newBuilder().setName("test"))
            .addSubTaskStatus(SubTaskStatus.newBuilder().setName("test3")))
        .build();
    members("offline");
    Map<String, Double> m = startAndCycle(QueryMode.MASTER);
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-03", "worker", "worker3")));
    assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", "")), m.toString());
    assertNull(m.get(series("dm_source_up", "source_id", "mysql-replica-04", "worker", "source not bound")),
        "DM-master's placeholder text is not a worker name");
    assertEquals(2, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertEquals(2, m.get(series("dm_task_subtasks", "task", "test")));
    assertEquals(1, m.get(series("dm_task_subtasks_unknown", "task", "test3")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Running")),
        "the errored subtask on replica-03 could not be read this cycle");
    assertEquals(1, m.get(series("dm_exporter_target_up", "address", master.address(), "role", "master")));
  }

  @Test
  void masterModeWithoutAnyAnswerMarksEveryKnownSubtaskUnknown() throws Exception {
    cluster(Catalogue.LIST_TASK_CONFIGS);
    master.masterStatus = QueryStatusListResponse.newBuilder().setResult(true)
        .addAllSources(Seed.workers().values()).build();
    startAndCycle(QueryMode.MASTER);
    master.fault = Fault.UNAVAILABLE;
    Map<String, Double> m = cycle();
    for (int i = 1; i <= 4; i++) {
      assertEquals(0, m.get(series("dm_source_up", "source_id", "mysql-replica-0" + i, "worker", "worker" + i)));
    }
    assertEquals(4, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertEquals(2, m.get(series("dm_task_subtasks_unknown", "task", "test2")));
    assertNull(m.get(series("dm_task_status", "task", "test", "status", "Error")));
  }

  @Test
  void theRelayThatCountsIsTheOneInTheSameWorkersAnswer() throws Exception {
    cluster(Catalogue.LIST_TASK_CONFIGS);
    // worker1 serves replica-01 with its relay Running; worker5 pulls relay for the same source and
    // reports that relay Paused. The Sync subtask on worker1 is not under worker5's relay.
    FakeDm w5 = fake();
    workers.get(0).workerStatus = Seed.withRelay(Seed.workers().get("worker1"), Stage.Running, false);
    w5.workerStatus = Seed.withRelay(Seed.worker("mysql-replica-01", "worker5"), Stage.Paused, false);
    workers.get(2).workerStatus = Seed.worker("mysql-replica-03", "worker3", Seed.loadRunning());
    List<String[]> list = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      list.add(new String[] {"worker" + i, workers.get(i - 1).address(), "bound", "mysql-replica-0" + i});
    }
    list.add(new String[] {"worker5", w5.address(), "relay", "mysql-replica-01"});
    master.members = Seed.members(new String[][] {{"master1", master.address()}}, list.toArray(String[][]::new));
    Map<String, Double> m = startAndCycle(QueryMode.WORKERS);
    assertEquals(1, m.get(series("dm_source_relay_stage", "source_id", "mysql-replica-01", "worker", "worker5", "stage", "Paused")));
    assertEquals(0, m.get(series("dm_task_error_reason", "task", "test", "reason", "relay_paused")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Running")));

    workers.get(0).workerStatus = Seed.withRelay(Seed.workers().get("worker1"), Stage.Paused, false);
    m = cycle();
    assertEquals(1, m.get(series("dm_task_error_reason", "task", "test", "reason", "relay_paused")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Error")));
    assertEquals(1, m.get(series("dm_subtask_stage", st("test", "mysql-replica-01", "worker1", "stage", "Running"))));
  }
}
