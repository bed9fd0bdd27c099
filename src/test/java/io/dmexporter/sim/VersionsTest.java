package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import io.dmexporter.dm.pb.DumpStatus;
import io.dmexporter.dm.pb.LoadStatus;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import io.dmexporter.dm.pb.UnitType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each emulated DM line puts on the wire ("Fields by DM version"), checked against the
 * tags v5.3.0, v6.1.0, v6.4.0, v8.5.0 and v9.0.0-beta.1 of pingcap/tiflow.
 */
class VersionsTest {
  private static final String DDL = "ALTER TABLE `shard_db`.`shard_tbl` MODIFY COLUMN `c` BIGINT";

  /**
   * worker1 → 01: task d in Dump; worker2 → 02: task d in Load; worker3 → 03: task s in Sync,
   * optimistic, validated (cutover set), with a DDL conflict; 04 unbound with task d.
   */
  private static TestCluster cluster(DmVersion version) {
    TestCluster tc = TestCluster.empty(1, 3, version);
    for (int i = 1; i <= 4; i++) {
      tc.sim.addSource("mysql-replica-0" + i, false);
      if (i < 4) {
        tc.sim.bindWorker("worker" + i, "mysql-replica-0" + i);
      }
    }
    tc.sim.addTask("d", TaskMode.ALL, "mysql-replica-01", "mysql-replica-02", "mysql-replica-04");
    tc.sim.cluster().withSubtask("d", "mysql-replica-01", (st, s) -> st.seedRunning(UnitType.Dump));
    tc.sim.cluster().withSubtask("d", "mysql-replica-02", (st, s) -> st.seedRunning(UnitType.Load));
    tc.sim.addTask("s", TaskMode.INCREMENTAL, "mysql-replica-03");
    tc.sim.cluster().withSubtask("s", "mysql-replica-03", (st, s) -> st.seedRunning(UnitType.Sync));
    tc.sim.setShardMode("s", ShardMode.OPTIMISTIC);
    tc.sim.enableValidation("s", ValidationMode.FULL);
    tc.sim.setValidationCutover("s", "(mysql-bin.000009, 4)", "");
    tc.advanceSeconds(10);
    tc.sim.shardDdl("s", "mysql-replica-03", DDL);
    tc.advanceSeconds(1);
    return tc;
  }

  @ParameterizedTest(name = "{0}: dump counters {1}, bps/progress {2}, row counters {3}, validation {4}, cutover {5}, "
      + "io bytes {6}, conflict fields {7}, placeholders {8}, ListTaskConfigs {9}")
  @CsvSource({
      "v5.3, false, false, false, false, false, false, false, false, false",
      "v6.1, true,  false, false, false, false, false, true,  true,  false",
      "v6.4, true,  true,  true,  true,  false, false, true,  true,  false",
      "v8.5, true,  true,  true,  true,  true,  false, true,  true,  true",
      "v9.0, true,  true,  true,  true,  true,  true,  true,  true,  true",
  })
  void fieldsFilledByVersion(String label, boolean dumpCounters, boolean fullDataBps, boolean rowCounters,
      boolean validation, boolean cutover, boolean ioBytes, boolean conflictFields, boolean placeholders,
      boolean listTaskConfigs) {
    try (TestCluster tc = cluster(DmVersion.parse(label))) {
      SubTaskStatus dumpSt = tc.worker("worker1").getSubTaskStatus(0);
      assertEquals(UnitType.Dump, dumpSt.getUnit());
      assertTrue(dumpSt.hasDump(), "the dump status is there, even when empty");
      DumpStatus dump = dumpSt.getDump();
      if (!dumpCounters) {
        assertEquals(DumpStatus.getDefaultInstance(), dump, "DM up to v5.3 has an empty DumpStatus");
      } else {
        assertTrue(dump.getTotalTables() > 0 && dump.getFinishedBytes() > 0 && dump.getEstimateTotalRows() > 0, dump.toString());
      }
      assertEquals(fullDataBps, dump.getBps() > 0, dump.toString());
      assertEquals(fullDataBps, dump.getProgress().matches("\\d+\\.\\d\\d %"), dump.toString());

      LoadStatus load = tc.worker("worker2").getSubTaskStatus(0).getLoad();
      assertTrue(load.getTotalBytes() > 0 && !load.getProgress().isEmpty(), load.toString());
      assertEquals(fullDataBps, load.getBps() > 0, load.toString());

      SubTaskStatus syncSt = tc.worker("worker3").getSubTaskStatus(0);
      SyncStatus sync = syncSt.getSync();
      assertTrue(sync.getTotalEvents() > 0 && sync.getTotalTps() > 0 && sync.getRecentTps() >= 0, sync.toString());
      if (rowCounters) {
        assertEquals(sync.getTotalEvents(), sync.getTotalRows(), "v6.4+ fill both counter sets with the same values");
        assertEquals(sync.getTotalTps(), sync.getTotalRps());
        assertEquals(sync.getRecentTps(), sync.getRecentRps());
      } else {
        assertEquals(0, sync.getTotalRows() + sync.getTotalRps() + sync.getRecentRps());
      }
      assertEquals(ioBytes, sync.getIoTotalBytes() > 0 && sync.getDumpIOTotalBytes() > 0, sync.toString());
      assertEquals(validation, syncSt.hasValidation());
      if (validation) {
        assertEquals("full", syncSt.getValidation().getMode());
        assertEquals(cutover ? "(mysql-bin.000009, 4)" : "", syncSt.getValidation().getCutoverBinlogPos());
      }
      if (conflictFields) {
        assertEquals(Stage.Running, syncSt.getStage(), "the conflict blocks the syncer; the subtask keeps running");
        assertEquals("mysql-replica-03-`shard_db`.`shard_tbl`", sync.getBlockDDLOwner());
        assertTrue(sync.getConflictMsg().contains(DDL), sync.getConflictMsg());
      } else {
        assertEquals(Stage.Paused, syncSt.getStage(), "DM v5.3 pauses the subtask on an optimistic conflict");
        assertEquals(36062, syncSt.getResult().getErrors(0).getErrCode());
        assertEquals("", sync.getBlockDDLOwner());
      }

      var all = tc.grpc.master(tc.sim.masterAddresses().get(0), QueryStatusListRequest.getDefaultInstance(),
          DmStubs.DEADLINE);
      assertEquals(placeholders, all.getSourcesList().stream()
          .anyMatch(r -> r.getSourceStatus().getSource().equals("mysql-replica-04")));

      var stub = tc.grpc.masterStub(tc.sim.masterAddresses().get(0));
      if (listTaskConfigs) {
        assertTrue(stub.listTaskConfigs(Empty.getDefaultInstance()).getResult());
      } else {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> stub.listTaskConfigs(Empty.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v5.3", "v6.1", "v6.4"})
  void dumpAndLoadSyncModesNeedV75(String label) {
    try (TestCluster tc = TestCluster.empty(1, 1, DmVersion.parse(label))) {
      tc.sim.addSource("mysql-replica-01", false);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tc.sim.addTask("x", TaskMode.DUMP, "mysql-replica-01"));
      assertTrue(e.getMessage().contains("needs DM v7.5"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> tc.sim.addTask("x", TaskMode.LOAD_SYNC, "mysql-replica-01"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"v5.3, V5_3", "5.3, V5_3", "v6.1, V6_1", "V6.4, V6_4", "v8.5, V8_5", "v9, V9_0", "v9.0, V9_0", "9, V9_0"})
  void versionSpellings(String text, DmVersion expected) {
    assertEquals(expected, DmVersion.parse(text));
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(strings = {"", "v7.5", "v8", "latest"})
  void unknownVersionsAreRefused(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DmVersion.parse(text));
    assertFalse(e.getMessage().isEmpty());
  }
}
