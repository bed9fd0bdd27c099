package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Errors as DM reports them (codes from pkg/terror/error_list.go) and DM's task checker
 * (worker/task_checker.go, config/checker_config.go): a check every 5 s from when the worker took
 * the source, back-off 1 s doubling with jitter up to 5 min, one level back per 5 min.
 */
class ErrorsTest {
  private static final String SRC = "mysql-replica-01";

  @ParameterizedTest(name = "{0}: {1} {2} {3} {4}")
  @CsvSource({
      "DUPLICATE_ENTRY,    10006, database,   downstream, high",
      "BAD_CONNECTION,     10002, database,   downstream, high",
      "DUMP_ACCESS_DENIED, 32001, dump-unit,  internal,   high",
      "SYNC_GET_EVENT,     36069, sync-unit,  upstream,   high",
      "RELAY_READ,         30015, relay-unit, upstream,   high",
      "RELAY_UUID_SUFFIX,  30001, relay-unit, internal,   high",
  })
  void errorCodesAreDmsOwn(ErrorKind kind, int code, String errClass, String scope, String level) {
    ProcessError e = kind.toProto();
    assertEquals(List.of(code, errClass, scope, level),
        List.of(e.getErrCode(), e.getErrClass(), e.getErrScope(), e.getErrLevel()));
    assertFalse(e.getMessage().isEmpty() || e.getMessage().contains("%"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} resumable={1}")
  @CsvSource({
      "DUPLICATE_ENTRY, false",    // "Error 1062" in the raw cause
      "BAD_CONNECTION, true",
      "DUMP_ACCESS_DENIED, false", // ErrDumpUnitRuntime is an unresumable code
      "SYNC_GET_EVENT, true",
      "RELAY_READ, true",          // relay errors are judged by code only
      "RELAY_UUID_SUFFIX, false",  // one of UnresumableRelayErrCodes
  })
  void resumabilityIsDecidedByCodeAndRawCauseAsDmDoes(ErrorKind kind, boolean resumable) {
    assertEquals(resumable, kind.resumable());
  }

  @Test
  void resumabilityRules() {
    ProcessError.Builder e = ProcessError.newBuilder().setErrCode(10006);
    assertFalse(Resumability.subtask(e.setRawCause("Error 1406: Data too long for column 'c' at row 1").build()));
    assertFalse(Resumability.subtask(e.setRawCause("unsupported modify column length 10 is less than origin 20").build()));
    assertFalse(Resumability.subtask(e.setRawCause("ERROR 1236 (HY000): Could not find first log file name in binary "
        + "log index file").build()));
    assertTrue(Resumability.subtask(e.setRawCause("driver: bad connection").build()));
    assertFalse(Resumability.subtask(e.setErrCode(34020).setRawCause("").build()), "ErrLoadLightningHasDup");
    assertTrue(Resumability.subtask(e.setErrCode(34019).setRawCause("Table 'db.t' doesn't exist").build()));
    assertFalse(Resumability.subtask(e.setErrCode(34019).setRawCause("checksum").build()));
    assertTrue(Resumability.relay(ProcessError.newBuilder().setErrCode(30015)
        .setRawCause("ERROR 1236 (HY000): Could not find first log file name in binary log index file").build()));
    assertFalse(Resumability.relay(ProcessError.newBuilder().setErrCode(30008).build()));
  }

  @Test
  void resumableErrorIsResumedAtTheNextCheck() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceTo(10); // the worker took the source at 0: checks at 5, 10, 15, …
      tc.sim.pauseSubtask("t", SRC, true); // Sync's typical error is a resumable bad connection
      SubTaskStatus paused = tc.subtask();
      assertEquals(Stage.Paused, paused.getStage());
      assertFalse(paused.getResult().getIsCanceled());
      ProcessError e = paused.getResult().getErrors(0);
      assertEquals(10002, e.getErrCode());
      assertEquals("driver: bad connection", e.getRawCause());
      assertFalse(e.getWorkaround().isEmpty());

      tc.advanceTo(14.9);
      assertEquals(Stage.Paused, tc.subtask().getStage(), "nothing resumes between checks");
      tc.advanceTo(15);
      SubTaskStatus resumed = tc.subtask();
      assertEquals(Stage.Running, resumed.getStage(), "the first check after the error resumes it (back-off 1 s)");
      assertFalse(resumed.hasResult(), "a resumed subtask reports no errors");
      assertEquals(1, tc.autoResumeLevel());
    }
  }

  /** Pause lengths of an error that recurs 20 s after every resume, measured second by second. */
  @Test
  void flappingErrorBacksOffFrom1sTo5MinWithJitter() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceTo(10);
      tc.sim.failSubtask("t", SRC, ErrorKind.BAD_CONNECTION, 14);
      List<Double> pauses = new ArrayList<>();
      double pausedAt = 10;
      Stage last = Stage.Paused;
      for (int s = 11; pauses.size() < 15 && s < 5000; s++) {
        tc.advanceTo(s);
        Stage now = tc.subtask().getStage();
        if (last == Stage.Paused && now == Stage.Running) {
          pauses.add(s - pausedAt);
        } else if (last == Stage.Running && now == Stage.Paused) {
          pausedAt = s;
        }
        last = now;
      }
      assertEquals(15, pauses.size(), "every error pause ended: " + pauses);
      for (int k = 0; k < pauses.size(); k++) {
        // the k-th resume waits for back-off level k (1 s at level 0, then 2^k/2..2^k s, at most 300 s)
        // since the previous resume, 20 s before the error; from level 9 the level only goes up when
        // the draw is under 300 s, so it can stay at 9; the check comes every 5 s
        int level = Math.min(k, 9);
        double backoffMin = level == 0 ? 1 : Math.pow(2, level) / 2;
        double backoffMax = Math.min(300, Math.pow(2, k));
        double sinceResume = k == 0 ? Double.POSITIVE_INFINITY : 20;
        double low = Math.max(0, backoffMin - sinceResume);
        double high = Math.max(0, backoffMax - sinceResume) + 5;
        assertTrue(pauses.get(k) >= low && pauses.get(k) <= high,
            "pause " + k + " lasted " + pauses.get(k) + " s, DM's back-off allows " + low + ".." + high + ": " + pauses);
      }
      assertTrue(pauses.subList(0, 4).stream().allMatch(p -> p <= 5), "the first pauses are short: " + pauses);
      assertTrue(pauses.get(14) >= 150, "later ones last minutes: " + pauses);
    }
  }

  @Test
  void backOffStepsBackOneLevelPerFiveMinutesWithoutAnErrorPause() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceTo(10);
      tc.sim.failSubtask("t", SRC, ErrorKind.BAD_CONNECTION, 3);
      // error at 10; resumed at the checks 15, 40, 65 and 90, each 20 s + one check after the last resume
      tc.advanceTo(100);
      assertEquals(Stage.Running, tc.subtask().getStage());
      assertEquals(4, tc.autoResumeLevel());
      tc.advanceTo(394);
      assertEquals(4, tc.autoResumeLevel(), "no step back within 5 min of the last error pause (90)");
      tc.advanceTo(395);
      assertEquals(3, tc.autoResumeLevel(), "the first check more than 5 min later steps back one level, not to 0");
      tc.advanceTo(699);
      assertEquals(3, tc.autoResumeLevel());
      tc.advanceTo(700);
      assertEquals(2, tc.autoResumeLevel(), "and one more level 5 min after that");
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
  void pausingAnErrorPausedSubtaskKeepsItsErrorsAndStopsAutoResume() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, false)) {
      tc.advanceTo(10);
      tc.sim.failSubtask("t", SRC, ErrorKind.BAD_CONNECTION, 0);
      tc.sim.pauseSubtask("t", SRC, false);
      SubTaskStatus s = tc.subtask();
      assertEquals(Stage.Paused, s.getStage());
      assertTrue(s.getResult().getIsCanceled());
      assertEquals(10002, s.getResult().getErrors(0).getErrCode(), "the error is kept");
      tc.advanceTo(3600);
      assertEquals(Stage.Paused, tc.subtask().getStage(), "isCanceled: the task checker leaves it alone");
      assertThrows(IllegalTransitionException.class, () -> tc.sim.pauseSubtask("t", SRC, false),
          "pausing it once more is refused, as DM does");
      tc.sim.resumeSubtask("t", SRC);
      assertFalse(tc.subtask().hasResult());
    }
  }

  @Test
  void nonResumableErrorWaitsForTheOperator() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      for (int i = 0; i < 120 && !loading(tc.subtask()); i++) {
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

  private static boolean loading(SubTaskStatus s) {
    return s.getUnit() == UnitType.Load && s.getLoad().getFinishedBytes() > 0;
  }

  @Test
  void relayErrorsAreAutoResumedByTheRelayCheck() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.INCREMENTAL, true)) {
      tc.advanceTo(10);
      tc.sim.failRelay(SRC, ErrorKind.RELAY_READ, 0);
      var relay = tc.worker("worker1").getSourceStatus().getRelayStatus();
      assertEquals(Stage.Paused, relay.getStage());
      assertEquals(30015, relay.getResult().getErrors(0).getErrCode());
      tc.advanceTo(15);
      assertEquals(Stage.Running, tc.worker("worker1").getSourceStatus().getRelayStatus().getStage());

      tc.sim.failRelay(SRC, ErrorKind.RELAY_UUID_SUFFIX, 0);
      tc.advanceTo(1000);
      assertEquals(Stage.Paused, tc.worker("worker1").getSourceStatus().getRelayStatus().getStage(),
          "an unresumable relay code waits for the operator");

      tc.sim.setRelay(SRC, Stage.Running, false);
      tc.sim.setRelay(SRC, Stage.Paused, false);
      tc.advanceTo(2000);
      var paused = tc.worker("worker1").getSourceStatus().getRelayStatus();
      assertEquals(Stage.Paused, paused.getStage(), "pause-relay is never auto-resumed");
      assertTrue(paused.getResult().getIsCanceled());
    }
  }

  @Test
  void anErrorCanHitANewSubtaskAndIllegalRequestsAreRejected() {
    try (TestCluster tc = TestCluster.oneSubtask(TaskMode.ALL, false)) {
      tc.sim.failSubtask("t", SRC, ErrorKind.DUMP_ACCESS_DENIED, 0);
      assertEquals(Stage.Paused, tc.subtask().getStage());
      tc.advanceSeconds(10);
      assertEquals(Stage.Paused, tc.subtask().getStage(), "an unresumable error is not auto-resumed");
      tc.sim.resumeSubtask("t", SRC);
      assertEquals(Stage.Running, tc.subtask().getStage());
      assertEquals(UnitType.Dump, tc.subtask().getUnit());
      tc.sim.finishSubtask("t", SRC);
      assertEquals(Stage.Finished, tc.subtask().getStage());
      assertThrows(IllegalTransitionException.class, () -> tc.sim.startSubtask("t", SRC));
      assertThrows(IllegalTransitionException.class, () -> tc.sim.resumeSubtask("t", SRC));
      assertThrows(IllegalArgumentException.class, () -> tc.sim.failSubtask("t", SRC, ErrorKind.RELAY_READ, 0));
      assertThrows(java.util.NoSuchElementException.class, () -> tc.sim.resumeSubtask("nope", SRC));
    }
  }
}
