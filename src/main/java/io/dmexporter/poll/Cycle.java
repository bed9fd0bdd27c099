package io.dmexporter.poll;

import io.dmexporter.dm.DmClient;
import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.SourceAnswer;
import io.dmexporter.dm.SourceReport;
import io.dmexporter.dm.TaskCatalogue;
import io.dmexporter.model.Membership;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.poll.PollSettings.QueryMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One poll cycle's calls, all under one deadline: the member list from every DM-master, the
 * status from every serving worker (workers mode, started on the workers already known while the
 * member list is in flight) or from DM-master (master mode), and DM-master's task catalogue.
 * It only gathers answers; {@link Assembly} turns them into a snapshot.
 */
final class Cycle {
  /** Slack over the deadline for callbacks to land; every call already carries the deadline. */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A worker asked this cycle and its answer. */
  record WorkerCall(WorkerMember member, Outcome<SourceReport> outcome) {}

  /** What a cycle gathered. {@code catalogue} is null when DM-master could not be asked for it. */
  record Result(
      Membership membership,
      List<WorkerCall> workers,
      Outcome<List<SourceAnswer>> master,
      boolean masterAsked,
      Map<String, Set<String>> catalogue,
      Map<TargetTracker.Key, List<Outcome<?>>> calls,
      boolean anySuccess) {}

  /** What the cycle needs to know from earlier cycles. */
  record Memory(
      Membership lastMembership,
      Set<String> mastersUp,
      Map<String, WorkerMember> staticIdentity,
      CatalogueMode catalogueMode,
      Map<String, Set<String>> lastCatalogue) {}

  /** Which call gives DM-master's task catalogue. */
  enum CatalogueMode {
    /** Not known yet: try {@code ListTaskConfigs}. */
    PROBE,
    /** {@code ListTaskConfigs} (DM v8.0+). */
    LIST,
    /** {@code GetSubTaskCfg} per task (older DM). */
    PER_TASK
  }

  private final PollSettings settings;
  private final DmClient client;
  private final long deadline;
  private final Memory memory;
  private final Map<TargetTracker.Key, List<Outcome<?>>> calls = new LinkedHashMap<>();
  private boolean anySuccess;
  private boolean finished;
  /** Set when {@code ListTaskConfigs} answered UNIMPLEMENTED or proved to work. */
  volatile CatalogueMode learnedMode;

  Cycle(PollSettings settings, DmClient client, long deadline, Memory memory) {
    this.settings = settings;
    this.client = client;
    this.deadline = deadline;
    this.memory = memory;
    this.learnedMode = memory.catalogueMode();
  }

  Result run() {
    List<CompletableFuture<Outcome<Membership>>> members = new ArrayList<>();
    for (String master : settings.masterAddresses()) {
      members.add(client.listMember(master, deadline));
    }
    // Start on the workers we already know, so a hung DM-master cannot eat their time.
    Map<String, WorkerMember> workers = initialWorkers();
    Map<String, CompletableFuture<Outcome<SourceReport>>> workerCalls = new LinkedHashMap<>();
    workers.forEach((a, w) -> workerCalls.put(a, client.queryWorker(a, w.name(), deadline)));

    Outcome<Membership> answer = firstSuccess(members);
    Membership membership = answer == null ? null : answer.value();
    CompletableFuture<Outcome<List<SourceAnswer>>> masterCall = null;
    CompletableFuture<Map<String, Set<String>>> catalogue = CompletableFuture.completedFuture(null);
    String target = answer == null ? null : queryTarget(answer, members);
    if (settings.mode() == QueryMode.WORKERS && membership != null) {
      workers = servingWorkers(membership);
      for (String gone : new ArrayList<>(workerCalls.keySet())) {
        if (!workers.containsKey(gone)) {
          workerCalls.remove(gone).cancel(true);
        }
      }
      workers.forEach((a, w) -> workerCalls.computeIfAbsent(a, x -> client.queryWorker(x, w.name(), deadline)));
    }
    if (settings.mode() == QueryMode.MASTER && target != null) {
      masterCall = client.queryMaster(target, deadline);
    }
    if (target != null) {
      catalogue = catalogue(target, memory.lastCatalogue().keySet());
    }

    // A hung DM-master's member list is awaited last: it must not hold up the catalogue's second round.
    awaitAll(workerCalls.values());
    if (masterCall != null) {
      awaitAll(List.of(masterCall));
    }
    Map<String, Set<String>> known = awaitOrNull(catalogue);
    List<WorkerCall> workerResults = new ArrayList<>(workerCalls.size());
    Map<String, WorkerMember> queried = workers;
    workerCalls.forEach((address, f) -> workerResults.add(new WorkerCall(queried.get(address), f.join())));
    Outcome<List<SourceAnswer>> master = masterCall == null ? null : masterCall.join();
    if (target != null && learnedMode == CatalogueMode.PER_TASK && known != null && System.nanoTime() < deadline) {
      // Tasks first seen in this cycle's answers: ask for their sources too.
      Set<String> seen = tasksIn(workerResults, master);
      seen.removeAll(known.keySet());
      if (!seen.isEmpty()) {
        Map<String, Set<String>> more = awaitOrNull(perTask(target, seen));
        if (more != null) {
          known = new TreeMap<>(known);
          known.putAll(more);
        }
      }
    }

    awaitAll(members);
    members.forEach(f -> addCall(TargetRole.MASTER, f.join()));
    workerResults.forEach(w -> addCall(TargetRole.WORKER, w.outcome()));
    if (master != null) {
      addCall(TargetRole.MASTER, master);
    }
    return finish(membership, workerResults, master, masterCall != null, known);
  }

  // ---------------------------------------------------------------- the task catalogue

  /**
   * DM-master's task → sources map: {@code ListTaskConfigs} where DM has it, else
   * {@code GetSubTaskCfg} for each task known so far. Completes with null when DM-master could
   * not tell this cycle.
   */
  private CompletableFuture<Map<String, Set<String>>> catalogue(String target, Set<String> knownTasks) {
    if (learnedMode == CatalogueMode.PER_TASK) {
      return perTask(target, knownTasks);
    }
    return client.listTaskConfigs(target, deadline).thenCompose(o -> {
      if (!o.ok()) {
        record(TargetRole.MASTER, o);
        return CompletableFuture.completedFuture(null);
      }
      if (!o.value().supported()) {
        learnedMode = CatalogueMode.PER_TASK;
        return perTask(target, knownTasks);
      }
      record(TargetRole.MASTER, o);
      learnedMode = CatalogueMode.LIST;
      TaskCatalogue c = o.value();
      return CompletableFuture.completedFuture(c.sourcesByTask());
    });
  }

  private CompletableFuture<Map<String, Set<String>>> perTask(String target, Collection<String> tasks) {
    if (System.nanoTime() >= deadline) {
      return CompletableFuture.completedFuture(null); // too late to ask: the cycle is ending
    }
    Map<String, CompletableFuture<Outcome<Set<String>>>> asks = new TreeMap<>();
    for (String task : tasks) {
      asks.put(task, client.subtaskSources(target, task, deadline));
    }
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, Set<String>> sources = new TreeMap<>();
      boolean allOk = true;
      for (Map.Entry<String, CompletableFuture<Outcome<Set<String>>>> e : asks.entrySet()) {
        Outcome<Set<String>> o = e.getValue().join();
        if (o.unimplemented()) {
          return null; // a DM-master without task configs: nothing to learn, nothing wrong with it
        }
        record(TargetRole.MASTER, o);
        if (o.ok()) {
          if (!o.value().isEmpty()) {
            sources.put(e.getKey(), o.value());
          }
        } else {
          allOk = false;
        }
      }
      return allOk ? sources : null;
    });
  }

  private static Set<String> tasksIn(List<WorkerCall> workers, Outcome<List<SourceAnswer>> master) {
    Set<String> tasks = new TreeSet<>();
    for (WorkerCall w : workers) {
      if (w.outcome().ok()) {
        w.outcome().value().subtasks().forEach(s -> tasks.add(s.task()));
      }
    }
    if (master != null && master.ok()) {
      for (SourceAnswer a : master.value()) {
        tasks.addAll(a.unreadTasks());
        if (a.read()) {
          a.report().subtasks().forEach(s -> tasks.add(s.task()));
        }
      }
    }
    return tasks;
  }

  // ---------------------------------------------------------------- workers and masters

  private Map<String, WorkerMember> initialWorkers() {
    Map<String, WorkerMember> workers = new LinkedHashMap<>();
    if (settings.mode() == QueryMode.STATIC) {
      for (String a : settings.workerAddresses()) {
        workers.put(a, memory.staticIdentity().getOrDefault(a, new WorkerMember("", a, "bound", "")));
      }
    } else if (settings.mode() == QueryMode.WORKERS && memory.lastMembership() != null) {
      workers.putAll(servingWorkers(memory.lastMembership()));
    }
    return workers;
  }

  private static Map<String, WorkerMember> servingWorkers(Membership m) {
    Map<String, WorkerMember> workers = new LinkedHashMap<>();
    for (WorkerMember w : m.workers()) {
      if (w.serving() && !w.address().isEmpty()) {
        workers.putIfAbsent(w.address(), w);
      }
    }
    return workers;
  }

  /**
   * The leader when it is a configured master that answered this cycle, or that is still
   * answering and answered last cycle; otherwise the master that answered, which forwards to the
   * leader as DM followers do.
   */
  private String queryTarget(Outcome<Membership> answer, List<CompletableFuture<Outcome<Membership>>> members) {
    String leader = answer.value().leaderAddress();
    int i = leader == null ? -1 : settings.masterAddresses().indexOf(leader);
    if (i >= 0) {
      CompletableFuture<Outcome<Membership>> call = members.get(i);
      boolean answered = call.isDone() ? call.join().ok() : memory.mastersUp().contains(leader);
      if (answered) {
        return leader;
      }
    }
    return answer.address();
  }

  /** Records a call whose answer may land on another thread; one that lands after the cycle ended is dropped. */
  private synchronized void record(TargetRole role, Outcome<?> call) {
    if (!finished) {
      addCall(role, call);
    }
  }

  private synchronized void addCall(TargetRole role, Outcome<?> call) {
    calls.computeIfAbsent(new TargetTracker.Key(call.address(), role), k -> new ArrayList<>()).add(call);
    anySuccess |= call.ok();
  }

  /** Ends the cycle: what it recorded is final. */
  private synchronized Result finish(Membership membership, List<WorkerCall> workers,
      Outcome<List<SourceAnswer>> master, boolean masterAsked, Map<String, Set<String>> catalogue) {
    finished = true;
    return new Result(membership, workers, master, masterAsked, catalogue, new LinkedHashMap<>(calls), anySuccess);
  }

  // ---------------------------------------------------------------- waiting

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

  private void awaitAll(Collection<? extends CompletableFuture<?>> futures) {
    await(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
  }

  /** The catalogue is a chain of calls: if it has not completed by the deadline, this cycle goes without. */
  private <T> T awaitOrNull(CompletableFuture<T> f) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()) + GRACE_NANOS, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("poll cycle interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  private <T> T await(CompletableFuture<T> f) {
    long nanos = Math.max(0, deadline - System.nanoTime()) + GRACE_NANOS;
    try {
      return f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("poll cycle interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      // Every call completes by its deadline with an Outcome; reaching here is a bug.
      throw new IllegalStateException("DM calls did not complete by their deadline", e);
    }
  }
}
