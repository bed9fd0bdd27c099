package io.dmexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.Outcome;
import io.dmexporter.model.PollError;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Health bookkeeping per endpoint, and logging once per change of state rather than per cycle. */
class TargetTrackerTest {
  private static final String W = "127.0.0.1:8262";

  private static Outcome<String> ok() {
    return new Outcome<>(W, "answer", null, null, 0.01, false);
  }

  private static Outcome<String> failed(PollError e, String msg) {
    return new Outcome<>(W, null, e, msg, 0.02, false);
  }

  /** Runs {@code body} and returns what it logged (Logback writes to System.err). */
  private static String logged(Runnable body) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static long lines(String log, String containing) {
    return log.lines().filter(l -> l.contains(containing)).count();
  }

  @Test
  void logsOncePerChangeNotPerCycle() {
    TargetTracker t = new TargetTracker();
    String log = logged(() -> {
      t.record(W, TargetRole.WORKER, List.of(ok()));
      for (int i = 0; i < 5; i++) {
        t.record(W, TargetRole.WORKER, List.of(failed(PollError.RESULT_FALSE, "source mysql-replica-01 not bound")));
      }
      for (int i = 0; i < 3; i++) {
        t.record(W, TargetRole.WORKER, List.of(failed(PollError.RESULT_FALSE, "relay unit not valid")));
      }
      for (int i = 0; i < 4; i++) {
        // each timeout has its own detail text; that is not a change of state
        t.record(W, TargetRole.WORKER, List.of(failed(PollError.TIMEOUT, "DEADLINE_EXCEEDED after 0.5" + i + "s")));
      }
      t.record(W, TargetRole.WORKER, List.of(ok()));
      t.record(W, TargetRole.WORKER, List.of(ok()));
    });
    assertEquals(1, lines(log, "not bound"), log);
    assertEquals(1, lines(log, "relay unit not valid"), log);
    assertEquals(1, lines(log, "failed: timeout"), log);
    assertEquals(1, lines(log, "is up again"), log);
    assertEquals(1, lines(log, "answered"), log);
  }

  @Test
  void countsFailuresByReasonAndForgetsTargetsThatLeft() {
    TargetTracker t = new TargetTracker();
    logged(() -> {
      t.record(W, TargetRole.WORKER, List.of(failed(PollError.UNAVAILABLE, "refused")));
      t.record(W, TargetRole.WORKER, List.of(failed(PollError.UNAVAILABLE, "refused")));
      TargetHealth h = t.record(W, TargetRole.WORKER, List.of(failed(PollError.BAD_RESPONSE, "garbage")));
      assertFalse(h.up());
      assertEquals(PollError.BAD_RESPONSE, h.error());
      assertEquals(Map.of(PollError.UNAVAILABLE, 2L, PollError.BAD_RESPONSE, 1L), h.errorCounts());
      assertEquals(0.02, h.durationSeconds(), 1e-9);

      // a master asked several times in a cycle (member list, task catalogue, status) is down if
      // any call failed; its duration is that of its slowest call
      TargetHealth m = t.record(W, TargetRole.MASTER, List.of(ok(), failed(PollError.TIMEOUT, "slow"), ok()));
      assertFalse(m.up());
      assertEquals(0.02, m.durationSeconds(), 1e-9);

      t.retainOnly(Set.of(new TargetTracker.Key(W, TargetRole.MASTER)));
      TargetHealth back = t.record(W, TargetRole.WORKER, List.of(ok()));
      assertTrue(back.up());
      assertEquals(Map.of(), back.errorCounts(), "a target that left starts afresh");
    });
  }
}
