package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Units advance Check → Dump → Load → Sync with monotonic numbers, driven only by the manual clock. */
class ProgressionTest {
  private static final Pattern POS = Pattern.compile("\\(mysql-bin\\.(\\d{6}), (\\d+)\\)");
  private static final Pattern PROGRESS = Pattern.compile("\\d{1,3}\\.\\d{2} %");

  @Test
  void allModeWalksEveryUnitWithMonotonicNumbers() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      assertEquals(Stage.New, tc.subtask().getStage());
      assertEquals(UnitType.InvalidUnit, tc.subtask().getUnit(), "a New subtask has no unit yet");
      assertEquals(SubTaskStatus.StatusCase.STATUS_NOT_SET, tc.subtask().getStatusCase());
      tc.advanceSeconds(1);
      SubTaskStatus first = tc.subtask();
      assertEquals(Stage.Running, first.getStage());
      assertEquals(UnitType.Dump, first.getUnit(), "no Check unit on a DM-worker: prechecks run in DM-master");

      List<UnitType> units = new ArrayList<>(List.of(UnitType.Dump));
      SubTaskStatus prev = first;
      for (int i = 0; i < 1200 && !(prev.getUnit() == UnitType.Sync && prev.getSync().getSynced()); i++) {
        tc.advanceSeconds(1);
        SubTaskStatus cur = tc.subtask();
        assertEquals(Stage.Running, cur.getStage());
        if (cur.getUnit() != units.get(units.size() - 1)) {
          units.add(cur.getUnit());
        } else {
          assertMonotonic(prev, cur);
        }
        prev = cur;
      }
      assertEquals(List.of(UnitType.Dump, UnitType.Load, UnitType.Sync), units);
      assertTrue(prev.getSync().getSynced(), "the syncer catches up with the upstream: " + prev.getSync());
      assertEquals(0, prev.getSync().getSecondsBehindMaster());
      assertEquals(prev.getSync().getMasterBinlog(), prev.getSync().getSyncerBinlog());
      long rows = prev.getSync().getTotalRows();
      tc.advanceSeconds(60);
      SubTaskStatus later = tc.subtask();
      assertTrue(later.getSync().getTotalRows() > rows, "rows keep flowing");
      assertTrue(later.getSync().getRecentRps() > 0);
    }
  }

  @Test
  void fullModeFinishesAfterLoadAndIncrementalStartsInSync() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.FULL, false)) {
      tc.advanceSeconds(1000);
      SubTaskStatus s = tc.subtask();
      assertEquals(Stage.Finished, s.getStage());
      assertEquals(UnitType.Load, s.getUnit());
      assertEquals("100.00 %", s.getLoad().getProgress());
      assertEquals(s.getLoad().getTotalBytes(), s.getLoad().getFinishedBytes());
    }
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceSeconds(2);
      assertEquals(UnitType.Sync, tc.subtask().getUnit());
      assertEquals(Stage.Running, tc.subtask().getStage());
    }
  }

  @Test
  void resultDoesNotDependOnHowOftenSomeoneLooks() {
    try (TestCluster often = TestCluster.oneSubtask(TaskMode.ALL, false);
        TestCluster once = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      for (int i = 0; i < 300; i++) {
        often.advanceSeconds(1);
        often.subtask();
      }
      once.advanceSeconds(300);
      assertEquals(once.subtask(), often.subtask());
    }
  }

  @Test
  void nothingMovesWhileNoWorkerServesTheSource() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      tc.advanceSeconds(60);
      SubTaskStatus before = tc.subtask();
      assertEquals(UnitType.Dump, before.getUnit());
      tc.sim.unbindWorker("worker1");
      tc.advanceSeconds(60);
      tc.sim.bindWorker("worker1", "mysql-replica-01");
      assertEquals(before.getDump(), tc.subtask().getDump());
    }
  }

  @Test
  void syncerHeldByAPausedRelayFallsBehindReportingZeroLag() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, true)) {
      tc.advanceSeconds(30);
      assertTrue(tc.subtask().getSync().getSynced());
      assertEquals("local", tc.subtask().getSync().getBinlogType());
      tc.sim.setRelay("mysql-replica-01", Stage.Paused, false);
      tc.advanceSeconds(30);
      var status = tc.worker("worker1");
      var relay = status.getSourceStatus().getRelayStatus();
      assertFalse(relay.getRelayCatchUpMaster());
      assertEquals(relay.getRelayBinlog(), status.getSubTaskStatus(0).getSync().getSyncerBinlog());
      var sync = status.getSubTaskStatus(0).getSync();
      assertEquals(0, sync.getSecondsBehindMaster(),
          "DM's lag counts only jobs in flight: a syncer held by the relay reports 0 while it falls behind");
      assertTrue(offset(sync.getMasterBinlog()) - offset(sync.getSyncerBinlog()) > 0, "the binlog gap shows it");
      assertEquals(0, status.getSubTaskStatus(0).getSync().getRecentRps());
      tc.sim.setRelay("mysql-replica-01", Stage.Running, false);
      tc.advanceSeconds(3);
      assertTrue(tc.subtask().getSync().getSecondsBehindMaster() > 0, "catching up, it has old events in flight");
      tc.advanceSeconds(60);
      assertTrue(tc.worker("worker1").getSourceStatus().getRelayStatus().getRelayCatchUpMaster());
      assertTrue(tc.subtask().getSync().getSynced());
    }
  }

  private static void assertMonotonic(SubTaskStatus a, SubTaskStatus b) {
    switch (b.getUnit()) {
      case Dump -> {
        assertTrue(b.getDump().getCompletedTables() >= a.getDump().getCompletedTables());
        assertTrue(b.getDump().getFinishedBytes() >= a.getDump().getFinishedBytes());
        assertTrue(b.getDump().getFinishedRows() >= a.getDump().getFinishedRows());
        assertTrue(b.getDump().getFinishedRows() <= b.getDump().getEstimateTotalRows());
        assertTrue(PROGRESS.matcher(b.getDump().getProgress()).matches(), b.getDump().getProgress());
        assertTrue(b.getDump().getBps() > 0);
      }
      case Load -> {
        assertTrue(b.getLoad().getFinishedBytes() >= a.getLoad().getFinishedBytes());
        assertTrue(b.getLoad().getFinishedBytes() <= b.getLoad().getTotalBytes());
        assertTrue(PROGRESS.matcher(b.getLoad().getProgress()).matches(), b.getLoad().getProgress());
      }
      default -> {
        assertTrue(b.getSync().getTotalRows() >= a.getSync().getTotalRows());
        assertTrue(b.getSync().getIoTotalBytes() >= a.getSync().getIoTotalBytes());
        assertTrue(b.getSync().getDumpIOTotalBytes() >= a.getSync().getDumpIOTotalBytes());
        assertTrue(offset(b.getSync().getSyncerBinlog()) >= offset(a.getSync().getSyncerBinlog()));
        assertTrue(offset(b.getSync().getMasterBinlog()) > offset(a.getSync().getMasterBinlog()));
        assertTrue(offset(b.getSync().getSyncerBinlog()) <= offset(b.getSync().getMasterBinlog()));
      }
    }
  }

  /** A position as one number across file rotations. */
  private static long offset(String pos) {
    Matcher m = POS.matcher(pos);
    assertTrue(m.matches(), pos);
    return Long.parseLong(m.group(1)) * (1L << 40) + Long.parseLong(m.group(2));
  }
}
