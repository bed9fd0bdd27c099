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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls DM on a timer. Each cycle queries every endpoint concurrently under one deadline
 * ({@code --poll.timeout}), builds one immutable {@link Snapshot} and publishes it with a single
 * reference swap; readers never wait on DM.
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
  private ScheduledExecutorService scheduler;

  // State carried between cycles, touched only by the cycle (one at a time).
  private Membership lastMembership;
  private Instant lastSuccess;
  /** DM-masters whose every call succeeded in the last cycle. */
  private Set<String> mastersUp = Set.of();
  /** Static mode: the source and worker an address served when it last answered, and its tasks. */
  private final Map<String, WorkerMember> staticIdentity = new HashMap<>();
  private final Map<String, Set<String>> staticTasks = new HashMap<>();
  private Cycle.CatalogueMode catalogueMode = Cycle.CatalogueMode.PROBE;
  private Map<String, Set<String>> lastCatalogue = Map.of();

  public Poller(PollSettings settings, DmClient client, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
  }

  /** The latest published snapshot (empty before the first cycle ends). */
  public Snapshot current() {
    return current.get();
  }

  /** Starts polling now and then every interval, on one background thread. */
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dm-poller-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleAtFixedRate(this::safeCycle, 0, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void safeCycle() {
    try {
      runCycle();
    } catch (RuntimeException | Error e) {
      // A bug in one cycle must not stop polling for good.
      log.error("poll cycle failed", e);
    }
  }

  /** Runs one cycle now, publishes and returns its snapshot. Not for concurrent use. */
  public synchronized Snapshot runCycle() {
    long begin = System.nanoTime();
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

  /** Stops polling and closes every channel. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(settings.timeout().toNanos() + Cycle.GRACE_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
  }
}
