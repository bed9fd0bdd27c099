package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import org.junit.jupiter.api.Test;

/** Errors as DM reports them, and DM's task checker: auto-resume with back-off, never after a manual pause. */
class ErrorsTest {
  private static final String SRC = "mysql-replica-01";

  @Test
  void resumableErrorIsAutoResumedAfterTheBackOff() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceSeconds(10);
      tc.sim.pauseSubtask("t", SRC, true); // Sync's typical error is a resumable bad connection
      SubTaskStatus paused = tc.subtask();
      assertEquals(Stage.Paused, paused.getStage());
      assertFalse(paused.getResult().getIsCanceled());
      ProcessError e = paused.getResult().getErrors(0);
      assertEquals(10001, e.getErrCode());
      assertEquals("database", e.getErrClass());
      assertEquals("downstream", e.getErrScope());
      assertEquals("high", e.getErrLevel());
      assertFalse(e.getMessage().isEmpty() || e.getRawCause().isEmpty() || e.getWorkaround().isEmpty());

      tc.advanceSeconds(29.9);
      assertEquals(Stage.Paused, tc.subtask().getStage());
      tc.advanceSeconds(0.2);
      SubTaskStatus resumed = tc.subtask();
      assertEquals(Stage.Running, resumed.getStage());
      assertFalse(resumed.hasResult(), "a resumed subtask reports no errors");
    }
  }

  @Test
  void flappingErrorRecursAfterEachResumeWithALongerBackOff() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceSeconds(10);
      tc.sim.failSubtask("t", SRC, ErrorKind.BAD_CONNECTION, 1);
      tc.advanceSeconds(31); // auto-resumed at +30
      assertEquals(Stage.Running, tc.subtask().getStage());
      tc.advanceSeconds(20); // fails again 20 s after the resume
      assertEquals(Stage.Paused, tc.subtask().getStage());
      assertEquals(1, tc.subtask().getResult().getErrorsCount());
      tc.advanceSeconds(40); // the second back-off is 60 s, not 30
      assertEquals(Stage.Paused, tc.subtask().getStage());
      tc.advanceSeconds(21);
      assertEquals(Stage.Running, tc.subtask().getStage());
      tc.advanceSeconds(600);
      assertEquals(Stage.Running, tc.subtask().getStage(), "the flapping is over");
    }
  }

  @Test
  void manualPauseIsCanceledAndNeverAutoResumed() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceSeconds(10);
      tc.sim.pauseSubtask("t", SRC, false);
      tc.advanceSeconds(3600);
      SubTaskStatus s = tc.subtask();
      assertEquals(Stage.Paused, s.getStage());
      assertTrue(s.getResult().getIsCanceled());
      assertEquals(0, s.getResult().getErrorsCount());
      tc.sim.resumeSubtask("t", SRC);
      assertEquals(Stage.Running, tc.subtask().getStage());
    }
  }

  @Test
  void nonResumableErrorWaitsForTheOperator() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      for (int i = 0; i < 120 && !(tc.subtask().getUnit() == UnitType.Load && tc.subtask().getLoad().getFinishedBytes() > 0); i++) {
        tc.advanceSeconds(5);
      }
      assertEquals(UnitType.Load, tc.subtask().getUnit());
      long loaded = tc.subtask().getLoad().getFinishedBytes();
      tc.sim.pauseSubtask("t", SRC, true);
      assertEquals(10006, tc.subtask().getResult().getErrors(0).getErrCode());
      tc.advanceSeconds(3600);
      SubTaskStatus s = tc.subtask();
      assertEquals(Stage.Paused, s.getStage());
      assertEquals(loaded, s.getLoad().getFinishedBytes(), "a paused load does not move");
      assertEquals(0, s.getLoad().getBps());
      tc.sim.resumeSubtask("t", SRC);
      tc.advanceSeconds(5);
      assertTrue(tc.subtask().getLoad().getFinishedBytes() > loaded);
    }
  }

  @Test
  void anErrorCanHitANewSubtaskAndIllegalRequestsAreRejected() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      tc.sim.failSubtask("t", SRC, ErrorKind.CHECK_PRIVILEGE, 0);
      assertEquals(Stage.Paused, tc.subtask().getStage());
      tc.advanceSeconds(10);
      assertEquals(Stage.Paused, tc.subtask().getStage(), "a paused New subtask does not start by itself");
      assertThrows(IllegalTransitionException.class, () -> tc.sim.pauseSubtask("t", SRC, false));
      tc.sim.stopSubtask("t", SRC);
      IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
          () -> tc.sim.resumeSubtask("t", SRC));
      assertTrue(e.getMessage().contains("Stopped"), e.getMessage());
      tc.sim.startSubtask("t", SRC);
      assertEquals(Stage.Running, tc.subtask().getStage());
      tc.sim.finishSubtask("t", SRC);
      assertEquals(Stage.Finished, tc.subtask().getStage());
      assertThrows(IllegalTransitionException.class, () -> tc.sim.startSubtask("t", SRC));
      assertThrows(java.util.NoSuchElementException.class, () -> tc.sim.resumeSubtask("nope", SRC));
    }
  }
}
