package io.dmexporter.poll;

import io.dmexporter.dm.DmClient;
import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.WireMapper.SourceReport;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.TaskStatusRules;
import io.grpc.Deadline;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls DM on a timer. Each cycle queries every endpoint concurrently under one deadline
 * ({@code --poll.timeout}), builds one immutable {@link Snapshot} and publishes it with a single
 * reference swap; readers never wait on DM.
 */
public final class Poller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  /** Slack over the deadline for callbacks to land; every call already carries the deadline. */
  private static final long GRACE_MILLIS = 1000;

  private final PollSettings settings;
  private final DmClient client;
  private final Clock clock;
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());
  private final TargetTracker tracker = new TargetTracker();
  private ScheduledExecutorService scheduler;

  // State carried between cycles, touched only by the cycle (one at a time).
  private Membership lastMembership;
  private Instant lastSuccess;
  /** DM-masters whose every call succeeded in the last cycle. */
  private Set<String> mastersUp = Set.of();
  /** Static mode: the source and worker an address served when it last answered. */
  private final Map<String, WorkerMember> staticIdentity = new HashMap<>();

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
    Deadline deadline = Deadline.after(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    Cycle cycle = new Cycle(deadline);
    cycle.run();
    double seconds = (System.nanoTime() - begin) / 1e9;
    Instant end = clock.instant();
    if (cycle.anySuccess) {
      lastSuccess = end;
    }
    List<Subtask> subtasks = dedupeSubtasks(cycle.subtasks);
    List<Source> sources = dedupeSources(cycle.sources);
    Map<String, Relay> relays = new HashMap<>();
    for (Source s : sources) {
      if (s.up() && s.relay() != null) {
        relays.putIfAbsent(s.sourceId(), s.relay());
      }
    }
    Snapshot snapshot = new Snapshot(end, seconds, lastSuccess,
        TaskStatusRules.derive(subtasks, relays::get), subtasks, sources, cycle.membership, cycle.health());
    current.set(snapshot);
    return snapshot;
  }

  /** One cycle's calls and what they returned. */
  private final class Cycle {
    final Deadline deadline;
    final List<Subtask> subtasks = new ArrayList<>();
    final List<Source> sources = new ArrayList<>();
    final Map<TargetTracker.Key, List<Outcome<?>>> calls = new LinkedHashMap<>();
    Membership membership;
    boolean anySuccess;

    Cycle(Deadline deadline) {
      this.deadline = deadline;
    }

    void run() {
      List<CompletableFuture<Outcome<ListMemberResponse>>> members = new ArrayList<>();
      for (String master : settings.masterAddresses()) {
        members.add(client.listMember(master, deadline));
      }
      // Start on the workers we already know, so a hung DM-master cannot eat their time.
      Map<String, CompletableFuture<Outcome<QueryStatusResponse>>> workerCalls = new LinkedHashMap<>();
      Map<String, WorkerMember> workers = initialWorkers();
      workers.keySet().forEach(a -> workerCalls.put(a, client.queryWorker(a, deadline)));

      Outcome<ListMemberResponse> answer = firstSuccess(members);
      if (answer != null) {
        membership = WireMapper.membership(answer.value());
        lastMembership = membership;
      }
      CompletableFuture<Outcome<QueryStatusListResponse>> masterCall = null;
      switch (settings.mode()) {
        case WORKERS -> {
          if (membership != null) {
            workers = servingWorkers(membership);
            markUnreachable(membership);
            for (String gone : new ArrayList<>(workerCalls.keySet())) {
              if (!workers.containsKey(gone)) {
                workerCalls.remove(gone).cancel(true);
              }
            }
            workers.keySet().forEach(a -> workerCalls.computeIfAbsent(a, x -> client.queryWorker(x, deadline)));
          }
        }
        case MASTER -> {
          String target = answer == null ? null : queryTarget(answer, members);
          if (target != null) {
            masterCall = client.queryMaster(target, deadline);
          }
        }
        case STATIC -> { }
      }

      awaitAll(members);
      awaitAll(workerCalls.values());
      if (masterCall != null) {
        awaitAll(List.of(masterCall));
      }
      members.forEach(f -> addCall(TargetRole.MASTER, f.join()));
      Map<String, WorkerMember> queried = workers;
      workerCalls.forEach((address, f) -> readWorker(queried.get(address), f.join()));
      if (settings.mode() == PollSettings.QueryMode.MASTER) {
        readMaster(masterCall);
      }
    }

    private Map<String, WorkerMember> initialWorkers() {
      Map<String, WorkerMember> workers = new LinkedHashMap<>();
      if (settings.mode() == PollSettings.QueryMode.STATIC) {
        for (String a : settings.workerAddresses()) {
          workers.put(a, staticIdentity.getOrDefault(a, new WorkerMember("", a, "bound", "")));
        }
      } else if (settings.mode() == PollSettings.QueryMode.WORKERS && lastMembership != null) {
        workers.putAll(servingWorkers(lastMembership));
      }
      return workers;
    }

    private Map<String, WorkerMember> servingWorkers(Membership m) {
      Map<String, WorkerMember> workers = new LinkedHashMap<>();
      for (WorkerMember w : m.workers()) {
        if (w.serving() && !w.address().isEmpty()) {
          workers.putIfAbsent(w.address(), w);
        }
      }
      return workers;
    }

    /** Sources still bound to a worker that DM-master lists as offline cannot be read. */
    private void markUnreachable(Membership m) {
      for (WorkerMember w : m.workers()) {
        if ("offline".equals(w.stage()) && !w.sourceId().isEmpty()) {
          sources.add(Source.down(w.sourceId(), w.name(), "worker is offline"));
        }
      }
    }

    /**
     * The leader when it is a configured master that answered this cycle, or that is still
     * answering and answered last cycle; otherwise the master that answered, which forwards to the
     * leader as DM followers do.
     */
    private String queryTarget(Outcome<ListMemberResponse> answer, List<CompletableFuture<Outcome<ListMemberResponse>>> members) {
      String leader = WireMapper.leaderAddress(answer.value());
      int i = leader == null ? -1 : settings.masterAddresses().indexOf(leader);
      if (i >= 0) {
        CompletableFuture<Outcome<ListMemberResponse>> call = members.get(i);
        boolean answered = call.isDone() ? call.join().ok() : mastersUp.contains(leader);
        if (answered) {
          return leader;
        }
      }
      return answer.address();
    }

    private void readWorker(WorkerMember member, Outcome<QueryStatusResponse> call) {
      addCall(TargetRole.WORKER, call);
      if (call.ok()) {
        SourceReport report = WireMapper.sourceReport(call.value(), member.name());
        if (settings.mode() == PollSettings.QueryMode.STATIC) {
          staticIdentity.put(call.address(),
              new WorkerMember(report.source().worker(), call.address(), "bound", report.source().sourceId()));
        }
        if (report.source().sourceId().isEmpty() && report.subtasks().isEmpty()) {
          return; // a free worker: nothing bound, nothing to report
        }
        sources.add(report.source());
        subtasks.addAll(report.subtasks());
      } else if (!member.sourceId().isEmpty()) {
        sources.add(Source.down(member.sourceId(), member.name(), call.message()));
      }
    }

    private void readMaster(CompletableFuture<Outcome<QueryStatusListResponse>> masterCall) {
      if (masterCall == null) {
        if (lastMembership != null) {
          // No DM-master could be asked: every source we know of is unreadable this cycle.
          lastMembership.workers().stream().filter(w -> !w.sourceId().isEmpty())
              .forEach(w -> sources.add(Source.down(w.sourceId(), w.name(), "no DM-master answered")));
        }
        return;
      }
      Outcome<QueryStatusListResponse> call = masterCall.join();
      addCall(TargetRole.MASTER, call);
      if (!call.ok()) {
        if (membership != null) {
          membership.workers().stream().filter(w -> !w.sourceId().isEmpty())
              .forEach(w -> sources.add(Source.down(w.sourceId(), w.name(), call.message())));
        }
        return;
      }
      for (QueryStatusResponse r : call.value().getSourcesList()) {
        String sourceId = r.getSourceStatus().getSource();
        if (!r.getResult()) {
          if (!sourceId.isEmpty()) {
            sources.add(Source.down(sourceId, r.getSourceStatus().getWorker(), r.getMsg()));
          }
          continue;
        }
        SourceReport report = WireMapper.sourceReport(r, "");
        sources.add(report.source());
        subtasks.addAll(report.subtasks());
      }
    }

    private void addCall(TargetRole role, Outcome<?> call) {
      calls.computeIfAbsent(new TargetTracker.Key(call.address(), role), k -> new ArrayList<>()).add(call);
      anySuccess |= call.ok();
    }

    List<TargetHealth> health() {
      List<TargetHealth> health = new ArrayList<>(calls.size());
      calls.forEach((key, list) -> health.add(tracker.record(key.address(), key.role(), list)));
      mastersUp = health.stream().filter(h -> h.role() == TargetRole.MASTER && h.up())
          .map(TargetHealth::address).collect(java.util.stream.Collectors.toUnmodifiableSet());
      tracker.retainOnly(calls.keySet());
      Set<String> addresses = new HashSet<>();
      calls.keySet().forEach(k -> addresses.add(k.address()));
      client.retainOnly(addresses);
      return health;
    }

    private <T> Outcome<T> firstSuccess(List<CompletableFuture<Outcome<T>>> futures) {
      if (futures.isEmpty()) {
        return null;
      }
      CompletableFuture<Outcome<T>> first = new CompletableFuture<>();
      AtomicInteger pending = new AtomicInteger(futures.size());
      for (CompletableFuture<Outcome<T>> f : futures) {
        f.thenAccept(o -> {
          if (o.ok()) {
            first.complete(o);
          } else if (pending.decrementAndGet() == 0) {
            first.complete(null);
          }
        });
      }
      return await(first);
    }

    private void awaitAll(java.util.Collection<? extends CompletableFuture<?>> futures) {
      await(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
    }

    private <T> T await(CompletableFuture<T> f) {
      long millis = Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS)) + GRACE_MILLIS;
      try {
        return f.get(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("poll cycle interrupted", e);
      } catch (ExecutionException | TimeoutException e) {
        // Every call completes by its deadline with an Outcome; reaching here is a bug.
        throw new IllegalStateException("DM calls did not complete by their deadline", e);
      }
    }
  }

  private static List<Subtask> dedupeSubtasks(List<Subtask> subtasks) {
    Map<List<String>, Subtask> unique = new LinkedHashMap<>();
    for (Subtask s : subtasks) {
      unique.putIfAbsent(List.of(s.task(), s.sourceId(), s.worker()), s);
    }
    return List.copyOf(unique.values());
  }

  private static List<Source> dedupeSources(List<Source> sources) {
    // A source read successfully wins over a report that it could not be read.
    Map<List<String>, Source> unique = new LinkedHashMap<>();
    for (Source s : sources) {
      unique.merge(List.of(s.sourceId(), s.worker()), s, (a, b) -> a.up() ? a : b);
    }
    return List.copyOf(unique.values());
  }

  /** Stops polling and closes every channel. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(settings.timeout().toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
  }
}
