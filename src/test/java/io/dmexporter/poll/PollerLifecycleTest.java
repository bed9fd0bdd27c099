package io.dmexporter.poll;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.ChannelPool;
import io.dmexporter.dm.DmClient;
import io.dmexporter.dm.Outcome;
import io.dmexporter.model.PollError;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.DmFakes;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Seed;
import io.grpc.InsecureChannelCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One owner per resource: closing stops the cycles and the channels for good; a failed cycle confirms nothing. */
class PollerLifecycleTest {
  private final DmFakes dm = new DmFakes();
  private final ChannelPool channels = new ChannelPool(InsecureChannelCredentials.create(), null);

  @AfterEach
  void closeAll() throws Exception {
    channels.close();
    dm.close();
  }

  private static PollSettings settings(List<String> workers, Duration interval, Duration timeout) {
    return new PollSettings(QueryMode.STATIC, List.of(), workers, interval, timeout);
  }

  /** Waits for a condition that the code under test makes true by itself. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within 30 s: " + what);
      Thread.sleep(5);
    }
  }

  private FakeDm worker;

  /** A poller of one worker that never answers: its cycles last until {@code timeout}. */
  private Poller pollerOfAHungWorker(Duration timeout) throws Exception {
    worker = dm.fake();
    worker.fault = FakeDm.Fault.HANG;
    return new Poller(settings(List.of(worker.address()), Duration.ofHours(1), timeout), new DmClient(channels),
        Clock.systemUTC());
  }

  @Test
  void closeInterruptsTheCycleInProgressAndNoCycleRunsAfterIt() throws Exception {
    Poller poller = pollerOfAHungWorker(Duration.ofHours(1));
    poller.start();
    await("the first cycle asks the hung worker", () -> worker.workerQueryCalls.get() == 1);

    // The cycle's deadline is an hour away: close() ends it by interrupting, not by outwaiting it.
    assertTimeoutPreemptively(Duration.ofSeconds(30), poller::close);
    assertEquals(0, poller.cycles(), "the interrupted cycle published nothing");
    assertEquals(0, poller.cycleFailures(), "an interrupted cycle is no failure");
    assertThrows(Poller.ClosedException.class, poller::runCycle, "no cycle after close");
    assertThrows(IllegalStateException.class, poller::start);

    channels.close();
    assertEquals(Set.of(), channels.addresses());
    assertTrue(channels.isClosed());
    worker.fault = FakeDm.Fault.NONE;
    Outcome<?> late = new DmClient(channels).queryWorker(worker.address(), "w", System.nanoTime() + 1_000_000_000L).get();
    assertFalse(late.ok(), "a closed pool opens no channel");
    assertEquals(Set.of(), channels.addresses());
    assertEquals(1, worker.workerQueryCalls.get(), "nothing reached DM after close");
  }

  @Test
  void closeWaitsForACycleRunByAnotherThread() throws Exception {
    Poller poller = pollerOfAHungWorker(Duration.ofSeconds(1));
    java.util.concurrent.atomic.AtomicReference<Throwable> second = new java.util.concurrent.atomic.AtomicReference<>();
    Thread other = new Thread(() -> {
      poller.runCycle();
      try {
        poller.runCycle(); // refused: close() came in between
      } catch (Poller.ClosedException e) {
        second.set(e);
      }
    });
    other.start();
    await("the other thread's cycle asks the hung worker", () -> worker.workerQueryCalls.get() == 1);
    poller.close(); // not interrupted (not the poller's thread): it outwaits the 1 s deadline
    assertEquals(1, poller.cycles(), "the cycle in progress finished before close() returned");
    other.join();
    assertTrue(second.get() instanceof Poller.ClosedException, "the next cycle was refused");
    assertEquals(1, poller.cycles());
  }

  @Test
  void theTimerRunsCyclesUntilClosed() throws Exception {
    FakeDm worker = dm.fake();
    worker.workerStatus = Seed.workers().get("worker1");
    try (Poller poller = new Poller(settings(List.of(worker.address()), Duration.ofMillis(5), Duration.ofSeconds(5)),
        new DmClient(channels), Clock.systemUTC())) {
      poller.start();
      assertTrue(poller.awaitCycles(20, Duration.ofSeconds(60)), "20 cycles at a 5 ms interval");
      assertFalse(poller.awaitCycles(Long.MAX_VALUE, Duration.ofMillis(1)));
      assertEquals(0, poller.cycleFailures());
      assertEquals(Set.of(worker.address()), channels.addresses(), "one channel, reused by every cycle");
    }
  }

  @Test
  void aCycleThatThrowsIsCountedAndConfirmsNothing() throws Exception {
    FakeDm w1 = dm.fake();
    w1.workerStatus = Seed.workers().get("worker1");
    FailingClock clock = new FailingClock();
    var exporter = dm.start(QueryMode.STATIC, List.of(), List.of(w1.address()), Duration.ofSeconds(2), clock);
    Map<String, Double> m = dm.cycle();
    String[] target = {"address", w1.address(), "role", "worker"};
    String[] source = {"source_id", "mysql-replica-01", "worker", "worker1"};
    assertEquals(0, m.get("dm_exporter_poll_cycle_failures_total"), "present from the start");
    assertEquals(1, m.get(series("dm_exporter_target_up", target)));
    assertEquals(1, m.get(series("dm_task_subtasks", "task", "test")));

    clock.failNext = new IllegalStateException("a bug in the cycle");
    Snapshot failed = exporter.poller().runCycle();
    assertEquals(1, exporter.poller().cycleFailures());
    assertTrue(failed.targets().stream().noneMatch(TargetHealth::up), "no endpoint is confirmed");
    assertTrue(failed.sources().stream().noneMatch(Source::up));
    assertEquals(List.of(), failed.subtasks());
    m = Scrape.metrics(exporter.port());
    assertEquals(1, m.get("dm_exporter_poll_cycle_failures_total"));
    assertEquals(0, m.get(series("dm_exporter_target_up", target)), "no stale target_up 1");
    assertEquals(0, m.get(series("dm_source_up", source)));
    assertEquals(1, m.get(series("dm_task_subtasks_unknown", "task", "test")));
    assertNull(m.get(series("dm_task_subtasks", "task", "test")), "nothing of the last cycle is served as current");

    m = dm.cycle();
    assertEquals(1, m.get("dm_exporter_poll_cycle_failures_total"), "the next cycle succeeded");
    assertEquals(1, m.get(series("dm_exporter_target_up", target)));
    assertEquals(1, m.get(series("dm_task_subtasks", "task", "test")));
  }

  @Test
  void errorsAreNotCaught() throws Exception {
    FakeDm w1 = dm.fake();
    FailingClock clock = new FailingClock();
    Poller poller = new Poller(settings(List.of(w1.address()), Duration.ofHours(1), Duration.ofSeconds(2)),
        new DmClient(channels), clock);
    clock.failNext = new OutOfMemoryError("simulated");
    assertThrows(OutOfMemoryError.class, poller::runCycle);
    assertEquals(0, poller.cycleFailures(), "an Error is no cycle failure to count and carry on from");
    poller.close();
  }

  @Test
  void aFailedCycleMarksEverythingOfTheLastSnapshotDown() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    var sub = new io.dmexporter.model.UnknownSubtask("t2", "s2", "", "no DM-worker is bound to the source");
    Snapshot last = new Snapshot(t0, 0.1, t0, List.of(), List.of(), List.of(sub),
        List.of(Source.down("s2", "", "x"), new Source("s1", "w1", true, "", io.dmexporter.model.ProcessResult.NONE, null)),
        null, List.of(new TargetHealth("a:1", io.dmexporter.model.TargetRole.WORKER, true, 0.2, null, null,
            Map.of(PollError.TIMEOUT, 3L))));
    Snapshot s = FailedCycle.snapshot(last, t0.plusSeconds(15), 0.3, "poll cycle failed: boom");
    assertEquals(t0.plusSeconds(15), s.time());
    assertEquals(t0, s.lastSuccess(), "a failed cycle reached no DM");
    assertEquals(List.of(new TargetHealth("a:1", io.dmexporter.model.TargetRole.WORKER, false, 0.2, null,
        "poll cycle failed: boom", Map.of(PollError.TIMEOUT, 3L))), s.targets(), "down, counters kept");
    assertEquals(List.of(Source.down("s2", "", "poll cycle failed: boom"), Source.down("s1", "w1", "poll cycle failed: boom")),
        s.sources());
    assertEquals(List.of(new io.dmexporter.model.UnknownSubtask("t2", "s2", "", "poll cycle failed: boom")), s.unknownSubtasks());
    assertEquals(1, s.tasks().size());
    assertEquals(1, s.tasks().get(0).unknownSubtasks());
    assertNull(s.membership());
  }

  /** The system clock, but throws once when told to: a cycle that fails for a reason of its own. */
  static final class FailingClock extends Clock {
    volatile Throwable failNext;

    @Override
    public Instant instant() {
      Throwable t = failNext;
      if (t != null) {
        failNext = null;
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
