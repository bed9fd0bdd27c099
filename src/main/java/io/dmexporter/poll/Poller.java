package io.dmexporter.poll;

import io.dmexporter.dm.DmClient;
import io.dmexporter.dm.SourceReport;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.status.TaskStatusRules;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls DM on a timer. Each cycle queries every endpoint concurrently under one deadline
 * ({@code --poll.timeout}), builds one immutable {@link Snapshot} and publishes it with a single
 * reference swap; readers never wait on DM. A cycle that throws is counted
 * ({@link #cycleFailures()}) and publishes a snapshot in which nothing is confirmed. The poller
 * does not own the {@link DmClient}'s channels: whoever created them closes them, after
 * {@link #close()}.
 */
public final class Poller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);

  private final PollSettings settings;
  private final DmClient client;
  private final Clock clock;
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());
  private final TargetTracker tracker = new TargetTracker();
  private final ReportedFields reportedFields = new ReportedFields();
  private final BadValueLog badValues = new BadValueLog();
  /** One cycle at a time; close() takes it to know that none is running. */
  private final ReentrantLock cycleLock = new ReentrantLock();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;
  // Guarded by this.
  private Thread thread;
  private long cycles;

  // State carried between cycles, touched only under cycleLock.
  private Membership lastMembership;
  private Instant lastSuccess;
  /** DM-masters whose every call succeeded in the last cycle. */
  private Set<String> mastersUp = Set.of();
  /** Static mode: the source and worker an address served when it last answered, and its tasks. */
  private final Map<String, WorkerMember> staticIdentity = new HashMap<>();
  private final Map<String, Set<String>> staticTasks = new HashMap<>();
  private Cycle.CatalogueMode catalogueMode = Cycle.CatalogueMode.PROBE;
  private Map<String, Set<String>> lastCatalogue = Map.of();
  /** What the last failed cycle logged (null after a success), and how many failed in a row. */
  private String loggedFailure;
  private long failedInARow;

  public Poller(PollSettings settings, DmClient client, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
  }

  /** The latest published snapshot (empty before the first cycle ends). */
  public Snapshot current() {
    return current.get();
  }

  /** Cycles that threw since start (a bug, never a DM failure: those are data in the snapshot). */
  public long cycleFailures() {
    return failures.get();
  }

  /** Cycles finished since start, failed ones included, whether run by the timer or {@link #runCycle()}. */
  public synchronized long cycles() {
    return cycles;
  }

  /** Waits until {@code n} cycles have finished since start; false if that took longer than {@code timeout}. */
  public synchronized boolean awaitCycles(long n, java.time.Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (cycles < n) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Starts polling now and then every interval, on one background thread. A cycle that overruns
   * the interval is followed by the next at once, never by a burst of missed ones.
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("poller is closed");
    }
    if (thread != null) {
      return;
    }
    thread = new Thread(this::loop, "dm-poller");
    thread.setDaemon(true);
    // An Error ends polling (the JVM is not to be trusted after one); the DM series then go stale.
    thread.setUncaughtExceptionHandler((t, e) -> log.error("polling stopped by {}", e.toString(), e));
    thread.start();
  }

  private void loop() {
    long interval = settings.interval().toNanos();
    long next = System.nanoTime();
    while (!closed) {
      try {
        runCycle();
      } catch (ClosedException e) {
        return;
      } catch (RuntimeException e) {
        // Publishing the failed cycle failed too: keep polling, the next cycle may do better.
        log.error("poll cycle failed, and so did reporting it: {}", e.toString());
      }
      next = Math.max(next + interval, System.nanoTime());
      if (!sleepUntil(next)) {
        return;
      }
    }
  }

  /** False when closed while sleeping. */
  private synchronized boolean sleepUntil(long when) {
    try {
      for (long left = when - System.nanoTime(); !closed && left > 0; left = when - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      return false;
    }
    return !closed;
  }

  /** Thrown by {@link #runCycle()} once the poller is closed, also to a cycle that close() interrupted. */
  public static final class ClosedException extends IllegalStateException {
    ClosedException() {
      super("poller is closed");
    }
  }

  /**
   * Runs one cycle now (after any cycle in progress), publishes and returns its snapshot. A cycle
   * that throws is counted and logged, and its snapshot marks everything it could not confirm
   * as down; {@link Error}s are not caught. Throws {@link ClosedException} once closed.
   */
  public Snapshot runCycle() {
    try {
      cycleLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClosedException();
    }
    Snapshot s;
    try {
      if (closed) {
        throw new ClosedException();
      }
      long begin = System.nanoTime();
      try {
        s = cycle(begin);
        if (loggedFailure != null) {
          log.info("poll cycles succeed again after {} failed", failedInARow);
        }
        loggedFailure = null;
        failedInARow = 0;
      } catch (RuntimeException e) {
        if (closed) {
          throw new ClosedException(); // close() interrupted it: not a failure of the cycle
        }
        s = failed(begin, e);
      }
      synchronized (this) {
        cycles++;
        notifyAll();
      }
    } finally {
      cycleLock.unlock();
    }
    return s;
  }

  private Snapshot failed(long begin, RuntimeException e) {
    failures.incrementAndGet();
    failedInARow++;
    StackTraceElement[] where = e.getStackTrace();
    String what = e + (where.length > 0 ? " at " + where[0] : "");
    if (!what.equals(loggedFailure)) {
      log.error("poll cycle failed, every DM endpoint counts as down until one succeeds: {}", what);
      loggedFailure = what;
    }
    log.debug("poll cycle failure", e);
    Snapshot s = FailedCycle.snapshot(current.get(), clock.instant(), (System.nanoTime() - begin) / 1e9,
        "poll cycle failed: " + e);
    current.set(s);
    return s;
  }

  private Snapshot cycle(long begin) {
    Cycle cycle = new Cycle(settings, client, begin + settings.timeout().toNanos(),
        new Cycle.Memory(lastMembership, mastersUp, Map.copyOf(staticIdentity), catalogueMode, lastCatalogue));
    Cycle.Result r = cycle.run();
    catalogueMode = cycle.learnedMode;
    if (r.membership() != null) {
      lastMembership = r.membership();
    }
    Map<String, Set<String>> catalogue = r.catalogue();
    if (catalogue != null) {
      lastCatalogue = catalogue;
    } else if (settings.mode() != QueryMode.STATIC) {
      // DM-master could not tell this cycle: its last answer still says which tasks exist.
      catalogue = lastCatalogue.isEmpty() ? null : lastCatalogue;
    }
    Cycle.Result withCatalogue = new Cycle.Result(r.membership(), r.workers(), r.master(), r.masterAsked(),
        catalogue, r.calls(), r.anySuccess());
    Membership membership = r.membership() != null ? r.membership() : lastMembership;
    Assembly.Parts parts = settings.mode() == QueryMode.MASTER && !r.masterAsked()
        ? Assembly.noMaster(lastMembership, catalogue)
        : Assembly.assemble(withCatalogue, membership, staticTasks);
    if (settings.mode() == QueryMode.STATIC) {
      rememberStatic(r.workers());
    }
    badValues.record(parts.badValues());
    List<Subtask> subtasks = reportedFields.apply(parts.subtasks());

    double seconds = (System.nanoTime() - begin) / 1e9;
    Instant end = clock.instant();
    if (r.anySuccess()) {
      lastSuccess = end;
    }
    Snapshot snapshot = new Snapshot(end, seconds, lastSuccess,
        TaskStatusRules.derive(subtasks, parts.unknown(), parts::relayOf), subtasks, parts.unknown(),
        parts.sources(), r.membership(), health(r));
    current.set(snapshot);
    return snapshot;
  }

  private void rememberStatic(List<Cycle.WorkerCall> workers) {
    for (Cycle.WorkerCall w : workers) {
      if (w.outcome().ok()) {
        SourceReport report = w.outcome().value();
        String address = w.outcome().address();
        staticIdentity.put(address,
            new WorkerMember(report.source().worker(), address, "bound", report.source().sourceId()));
        Set<String> tasks = new LinkedHashSet<>();
        report.subtasks().forEach(s -> tasks.add(s.task()));
        staticTasks.put(address, tasks);
      }
    }
  }

  private List<TargetHealth> health(Cycle.Result r) {
    List<TargetHealth> health = new ArrayList<>(r.calls().size());
    r.calls().forEach((key, list) -> health.add(tracker.record(key.address(), key.role(), list)));
    mastersUp = health.stream().filter(h -> h.role() == TargetRole.MASTER && h.up())
        .map(TargetHealth::address).collect(Collectors.toUnmodifiableSet());
    tracker.retainOnly(r.calls().keySet());
    Set<String> addresses = new HashSet<>();
    r.calls().keySet().forEach(k -> addresses.add(k.address()));
    client.retainOnly(addresses);
    return health;
  }

  /**
   * Stops polling: interrupts the cycle in progress (its calls end with their deadline) and waits
   * for it. No cycle runs after this returns, so no channel is asked for; the channels' owner
   * closes them next.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
      notifyAll();
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(TimeUnit.NANOSECONDS.toMillis(settings.timeout().toNanos() + 2 * Cycle.GRACE_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A cycle run by another thread through runCycle() ends by its deadline; wait for it too.
    cycleLock.lock();
    cycleLock.unlock();
  }
}
