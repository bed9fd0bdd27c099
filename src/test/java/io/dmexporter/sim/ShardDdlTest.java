package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shard DDL as a DM-worker reports it (syncer/status.go): pessimistic locks versus optimistic conflicts. */
class ShardDdlTest {
  private static final String DDL = "ALTER TABLE `shard_db`.`shard_tbl` ADD COLUMN `c2` INT";
  private static final String S1 = "mysql-replica-01";

  private static TestCluster sharded(ShardMode mode) {
    TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false);
    tc.sim.setShardMode("t", mode);
    tc.advanceSeconds(30);
    return tc;
  }

  @Test
  void pessimisticFillsTheLockIdBlockingDdlsAndUnresolvedGroups() {
    try (TestCluster tc = sharded(ShardMode.PESSIMISTIC)) {
      tc.sim.shardDdl("t", S1, DDL);
      SubTaskStatus st = tc.subtask();
      assertEquals("t-`shard_db`.`shard_tbl`", st.getUnresolvedDDLLockID());
      SyncStatus sync = st.getSync();
      assertEquals(List.of(DDL), sync.getBlockingDDLsList());
      assertEquals("`shard_db`.`shard_tbl`", sync.getUnresolvedGroups(0).getTarget());
      assertEquals(List.of(DDL), sync.getUnresolvedGroups(0).getDDLsList());
      assertEquals("", sync.getBlockDDLOwner());
      assertEquals("", sync.getConflictMsg());
      tc.sim.resolveShardDdl("t");
      SubTaskStatus after = tc.subtask();
      assertEquals("", after.getUnresolvedDDLLockID());
      assertEquals(0, after.getSync().getBlockingDDLsCount() + after.getSync().getUnresolvedGroupsCount());
    }
  }

  @Test
  void optimisticShowsOnlyBlockDdlOwnerAndConflictMsgAndTheSyncerStops() {
    try (TestCluster tc = sharded(ShardMode.OPTIMISTIC)) {
      assertTrue(tc.subtask().getSync().getSynced());
      tc.sim.shardDdl("t", S1, DDL);
      tc.advanceSeconds(60);
      SubTaskStatus st = tc.subtask();
      SyncStatus sync = st.getSync();
      assertEquals("mysql-replica-01-`shard_db`.`shard_tbl`", sync.getBlockDDLOwner());
      assertTrue(sync.getConflictMsg().startsWith("[code=11111:class=functional:scope=internal:level=medium], Message: "
          + "fail to try sync the optimistic shard ddl lock t-`shard_db`.`shard_tbl`: there will be conflicts if DDLs "
          + DDL), sync.getConflictMsg());
      assertEquals("", st.getUnresolvedDDLLockID());
      assertEquals(0, sync.getBlockingDDLsCount());
      assertEquals(0, sync.getUnresolvedGroupsCount());
      assertEquals(0, sync.getRecentTps(), "the blocked syncer reads nothing");
      assertEquals(0, sync.getSecondsBehindMaster(), "and, with no job in flight, DM reports no lag");
      assertTrue(!sync.getSynced() && !sync.getSyncerBinlog().equals(sync.getMasterBinlog()),
          "while the binlog gap grows: " + sync);
      tc.sim.resolveShardDdl("t");
      tc.advanceSeconds(60);
      SyncStatus resolved = tc.subtask().getSync();
      assertEquals("", resolved.getBlockDDLOwner());
      assertEquals("", resolved.getConflictMsg());
      assertTrue(resolved.getSynced(), "and catches up once resolved");
    }
  }

  @Test
  void onlyAShardMergeTaskInSyncMeetsAShardDdl() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceSeconds(2);
      assertThrows(IllegalStateException.class, () -> tc.sim.shardDdl("t", S1, DDL));
    }
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      tc.sim.setShardMode("t", ShardMode.PESSIMISTIC);
      tc.advanceSeconds(2);
      assertThrows(IllegalStateException.class, () -> tc.sim.shardDdl("t", S1, DDL), "a subtask in Dump");
    }
  }
}
