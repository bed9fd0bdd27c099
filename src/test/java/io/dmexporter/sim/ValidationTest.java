package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.dm.pb.ValidationStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The continuous validator's status (DM v6.2+, syncer/data_validator.go GetValidatorStatus). */
class ValidationTest {
  private static final Pattern ROWS = Pattern.compile("insert/update/delete: (\\d+)/(\\d+)/(\\d+)");
  private static final String S1 = "mysql-replica-01";

  private static TestCluster validated() {
    TestCluster tc = TestCluster.empty(1, 2);
    tc.sim.addSource(S1, false);
    tc.sim.addSource("mysql-replica-02", false);
    tc.sim.bindWorker("worker1", S1);
    tc.sim.bindWorker("worker2", "mysql-replica-02");
    tc.sim.addTask("t", TaskMode.INCREMENTAL, S1);
    tc.sim.addTask("d", TaskMode.ALL, "mysql-replica-02");
    tc.advanceSeconds(2);
    tc.sim.enableValidation("t", ValidationMode.FULL);
    tc.sim.enableValidation("d", ValidationMode.FAST);
    tc.advanceSeconds(30);
    return tc;
  }

  private static long total(String rows) {
    Matcher m = ROWS.matcher(rows);
    assertTrue(m.matches(), rows);
    return Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3));
  }

  @Test
  void aRunningValidatorReportsItsRowsInDmsFormatAndNoResult() {
    try (TestCluster tc = validated()) {
      SubTaskStatus st = tc.subtask();
      ValidationStatus v = st.getValidation();
      assertEquals("t", v.getTask());
      assertEquals(S1, v.getSource());
      assertEquals("full", v.getMode());
      assertEquals(Stage.Running, v.getStage());
      assertFalse(v.hasResult(), "no result while it runs without errors");
      assertTrue(total(v.getProcessedRowsStatus()) > 0, v.getProcessedRowsStatus());
      total(v.getPendingRowsStatus());
      assertEquals("new/ignored/resolved: 0/0/0", v.getErrorRowsStatus());
      assertTrue(v.getValidatorBinlog().startsWith("(mysql-bin."), v.getValidatorBinlog());
      assertEquals("", v.getCutoverBinlogPos());
      SubTaskStatus dump = tc.worker("worker2").getSubTaskStatus(0);
      assertEquals(UnitType.Dump, dump.getUnit());
      assertFalse(dump.hasValidation(), "DM reports the validator only on a subtask in Sync");
    }
  }

  @Test
  void errorRowsStopAndFailure() {
    try (TestCluster tc = validated()) {
      tc.sim.addValidationErrors("t", S1, 3);
      assertEquals("new/ignored/resolved: 3/0/0", tc.subtask().getValidation().getErrorRowsStatus());
      tc.sim.failValidator("t", S1);
      ValidationStatus failed = tc.subtask().getValidation();
      assertEquals(Stage.Stopped, failed.getStage());
      assertFalse(failed.getResult().getIsCanceled());
      assertEquals(43003, failed.getResult().getErrors(0).getErrCode());
      assertEquals("validator", failed.getResult().getErrors(0).getErrClass());
      long processed = total(failed.getProcessedRowsStatus());
      tc.advanceSeconds(60);
      assertEquals(processed, total(tc.subtask().getValidation().getProcessedRowsStatus()), "a stopped validator stays put");
      assertEquals(Stage.Running, tc.subtask().getStage(), "the subtask itself goes on");

      tc.sim.enableValidation("t", ValidationMode.FULL);
      assertEquals(Stage.Running, tc.subtask().getValidation().getStage());
      tc.sim.stopValidation("t");
      ValidationStatus stopped = tc.subtask().getValidation();
      assertEquals(Stage.Stopped, stopped.getStage());
      assertTrue(stopped.getResult().getIsCanceled(), "stop-validation cancels it");
      assertEquals(0, stopped.getResult().getErrorsCount());
    }
  }

  @Test
  void cutoverPositionFromV75() {
    try (TestCluster tc = validated()) {
      tc.sim.setValidationCutover("t", "(mysql-bin.000002, 154)", "");
      assertEquals("(mysql-bin.000002, 154)", tc.subtask().getValidation().getCutoverBinlogPos());
      tc.sim.setVersion(DmVersion.V6_4);
      assertEquals("", tc.subtask().getValidation().getCutoverBinlogPos());
      tc.sim.setVersion(DmVersion.V6_1);
      assertFalse(tc.subtask().hasValidation(), "no validator status before v6.2");
    }
  }
}
