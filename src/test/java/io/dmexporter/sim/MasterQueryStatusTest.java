package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SubTaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DM-master's QueryStatus in its three forms (dm/master/server.go QueryStatus, extractSources,
 * getStatusFromWorkers): no name and no sources, sources=[ids], name=T.
 */
class MasterQueryStatusTest {
  private static final String NOT_FOUND_WORKAROUND =
      ", Workaround: Please use list-member command to see if the some workers are offline.";

  /** worker1 bound to 01 (tasks a, b), worker2 bound to 02 (task a), 03 unbound (tasks a, b), 04 added, no task. */
  private static TestCluster cluster(DmVersion version) {
    TestCluster tc = TestCluster.empty(1, 2, version);
    for (int i = 1; i <= 4; i++) {
      tc.sim.addSource("mysql-replica-0" + i, false);
    }
    tc.sim.bindWorker("worker1", "mysql-replica-01");
    tc.sim.bindWorker("worker2", "mysql-replica-02");
    tc.sim.addTask("a", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-02", "mysql-replica-03");
    tc.sim.addTask("b", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-03");
    tc.advanceSeconds(2);
    return tc;
  }

  private static QueryStatusListResponse query(TestCluster tc, String name, String... sources) {
    return tc.grpc.master(tc.sim.masterAddresses().get(0),
        QueryStatusListRequest.newBuilder().setName(name).addAllSources(List.of(sources)).build(), DmStubs.DEADLINE);
  }

  private static List<String> sources(QueryStatusListResponse r) {
    return r.getSourcesList().stream().map(x -> x.getSourceStatus().getSource()).toList();
  }

  @Test
  void noNameNoSourcesAsksBoundSourcesAndAddsPlaceholdersForTheRest() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      QueryStatusListResponse r = query(tc, "");
      assertTrue(r.getResult());
      assertEquals(List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03"), sources(r),
          "sorted by source; 04 has no task and no worker: not listed");
      assertEquals(2, r.getSources(0).getSubTaskStatusCount());
      QueryStatusResponse placeholder = r.getSources(2);
      assertFalse(placeholder.getResult());
      assertEquals("source not bound", placeholder.getSourceStatus().getWorker());
      assertEquals("can't find task=a from dm-worker for source=mysql-replica-03, please use dmctl list-member to "
          + "check if worker is offline.", placeholder.getMsg());
      assertEquals(List.of(SubTaskStatus.newBuilder().setName("a").build(), SubTaskStatus.newBuilder().setName("b").build()),
          placeholder.getSubTaskStatusList(), "one entry per task, carrying only its name");
    }
  }

  @Test
  void dm53AddsNoPlaceholders() {
    try (TestCluster tc = cluster(DmVersion.V5_3)) {
      assertEquals(List.of("mysql-replica-01", "mysql-replica-02"), sources(query(tc, "")),
          "the unbound source and its subtasks are simply absent");
    }
  }

  @Test
  void sourcesListedWithoutAWorkerGetWorkerClientNotFoundAndNoPlaceholder() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      QueryStatusListResponse r = query(tc, "", "mysql-replica-03", "mysql-replica-01");
      assertTrue(r.getResult());
      assertEquals(List.of("mysql-replica-01", "mysql-replica-03"), sources(r));
      QueryStatusResponse none = r.getSources(1);
      assertFalse(none.getResult());
      assertEquals("[code=38029:class=dm-master:scope=internal:level=high], Message: mysql-replica-03 relevant "
          + "worker-client not found" + NOT_FOUND_WORKAROUND, none.getMsg());
      assertEquals("", none.getSourceStatus().getWorker());
      assertEquals(0, none.getSubTaskStatusCount(), "that entry exists, so no placeholder is added");
    }
  }

  @Test
  void unknownSourcesFailTheWholeAnswer() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      QueryStatusListResponse r = query(tc, "", "mysql-replica-01", "nope", "gone");
      assertFalse(r.getResult());
      assertEquals("sources [nope gone] haven't been added", r.getMsg());
      assertEquals(0, r.getSourcesCount());
    }
  }

  @Test
  void listedSourceWithARelayWorkerAnswersOncePerWorker() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      tc.sim.offlineWorker("worker2");
      tc.sim.onlineWorker("worker2"); // it takes mysql-replica-02 back
      tc.sim.unbindWorker("worker2");
      tc.sim.relayWorker("worker2", "mysql-replica-01");
      QueryStatusListResponse r = query(tc, "", "mysql-replica-01");
      assertEquals(List.of("mysql-replica-01", "mysql-replica-01"), sources(r));
      assertEquals(List.of("worker2", "worker1"), r.getSourcesList().stream().map(x -> x.getSourceStatus().getWorker())
          .toList(), "the relay worker, then the bound one");
      assertEquals("no sub task started", r.getSources(0).getMsg());
      assertEquals(2, r.getSources(1).getSubTaskStatusCount());
    }
  }

  @Test
  void byNameOnlyThatTasksSources() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      QueryStatusListResponse b = query(tc, "b");
      assertEquals(List.of("mysql-replica-01", "mysql-replica-03"), sources(b));
      assertEquals("b", b.getSources(0).getSubTaskStatus(0).getName());
      assertEquals(1, b.getSources(0).getSubTaskStatusCount());
      assertEquals("[code=38029:class=dm-master:scope=internal:level=high], Message: mysql-replica-03 relevant "
          + "worker-client not found" + NOT_FOUND_WORKAROUND, b.getSources(1).getMsg(), "no placeholder with a name");
      QueryStatusListResponse none = query(tc, "zzz");
      assertFalse(none.getResult());
      assertEquals("task zzz has no source or not exist", none.getMsg());
    }
  }

  @Test
  void aFailedWorkerGivesAnEntryWithoutSubtasksAndTheMasterWaitsForTheSlowest() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      tc.sim.fault(tc.sim.workerAddress("worker2"), Fault.hang());
      long t0 = System.nanoTime();
      QueryStatusListResponse r = query(tc, "");
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(tookMs >= 300, "DM-master waited its rpc-timeout (300 ms here) for the hung worker: " + tookMs);
      assertTrue(r.getSources(0).getResult(), "the healthy worker's answer came with it");
      QueryStatusResponse hung = r.getSources(1);
      assertFalse(hung.getResult());
      assertEquals("mysql-replica-02", hung.getSourceStatus().getSource());
      assertEquals("", hung.getSourceStatus().getWorker());
      assertEquals(0, hung.getSubTaskStatusCount());
    }
  }

  @Test
  void theDefaultRpcTimeoutIsThirtySeconds() {
    assertEquals(Duration.ofSeconds(30), SimulatorOptions.builder().build().masterRpcTimeout());
  }

  @Test
  void aSyncSubtaskOutsideAPessimisticLockIsToldItHasNotReachedIt() {
    try (TestCluster tc = cluster(DmVersion.V8_5)) {
      tc.sim.setShardMode("a", ShardMode.PESSIMISTIC);
      tc.sim.shardDdl("a", "mysql-replica-01", "ALTER TABLE `shard_db`.`shard_tbl` ADD COLUMN `c2` INT");
      QueryStatusListResponse r = query(tc, "a");
      var own = r.getSources(0).getSubTaskStatus(0).getSync().getUnresolvedGroups(0);
      assertEquals(List.of("`shard_db`.`shard_tbl`"), own.getSyncedList());
      var filled = r.getSources(1).getSubTaskStatus(0).getSync().getUnresolvedGroups(0);
      assertEquals("`shard_db`.`shard_tbl`", filled.getTarget());
      assertEquals(List.of("this DM-worker doesn't receive any shard DDL of this group"), filled.getUnsyncedList());
      var direct = tc.worker("worker2").getSubTaskStatus(0).getSync();
      assertEquals(0, direct.getUnresolvedGroupsCount(), "the worker itself does not know (fillUnsyncedStatus)");
    }
  }
}
