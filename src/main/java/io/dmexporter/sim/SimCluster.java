package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.UnitType;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The whole simulated DM cluster behind one lock: masters, workers, sources, tasks, faults and a
 * timeline of scheduled events. Every public operation first replays due events, then moves the
 * sources it touches to the current instant, then acts; gRPC and HTTP are thin layers over it.
 * DM-master's answers are computed by {@link SimMaster} under the same lock.
 */
final class SimCluster {
  /** Which DM service an endpoint serves. */
  enum Role { MASTER, WORKER }

  /** One listening address of the simulator. */
  record Endpoint(Role role, String name, String address) {}

  /** What the network layer needs to know about a call: who was called, is it up, which fault. */
  record Route(Endpoint endpoint, boolean down, Fault fault, Duration latency) {}

  /**
   * An answer: a response or a gRPC error status, and how much later than now it is sent (a
   * master waiting for its workers, a follower forwarding to the leader).
   */
  record Reply<T>(T response, Status error, Duration extraDelay) {
    static <T> Reply<T> of(T response) {
      return new Reply<>(response, null, Duration.ZERO);
    }

    static <T> Reply<T> failed(Status error) {
      return new Reply<>(null, error, Duration.ZERO);
    }

    Reply<T> later(Duration more) {
      return new Reply<>(response, error, extraDelay.plus(more));
    }
  }

  static final class Master {
    final String name;
    final long memberId;
    String address = "";
    boolean alive = true;

    Master(String name, long memberId) {
      this.name = name;
      this.memberId = memberId;
    }
  }

  static final class Worker {
    final String name;
    String address = "";
    boolean offline;
    String source;
    String relaySource;
    /** The source it was bound to last: DM's scheduler gives it back first. */
    String lastBound;

    Worker(String name) {
      this.name = name;
    }

    String stage() {
      return offline ? "offline" : source != null ? "bound" : relaySource != null ? "relay" : "free";
    }
  }

  /** DM-master's view of a task's configuration. */
  static final class TaskInfo {
    final String name;
    final TaskMode mode;
    /** null: not a shard-merge task. */
    ShardMode shardMode;
    ValidationMode validation;
    String cutoverPos = "";
    String cutoverGtid = "";

    TaskInfo(String name, TaskMode mode) {
      this.name = name;
      this.mode = mode;
    }
  }

  /** An unresolved shard-DDL lock of one task and target table. */
  static final class DdlLock {
    final String id;
    final String task;
    final ShardMode mode;
    final String owner;
    final List<String> ddls;
    final Map<String, Boolean> ready = new TreeMap<>();

    DdlLock(String id, String task, ShardMode mode, String owner, List<String> ddls) {
      this.id = id;
      this.task = task;
      this.mode = mode;
      this.owner = owner;
      this.ddls = ddls;
    }
  }

  /** Where shard DDLs of the simulator land downstream. */
  static final String SHARD_TARGET = "`shard_db`.`shard_tbl`";
  /** How long a follower DM-master waits before it forwards a request to the leader ({@code sharedLogic}). */
  static final Duration FORWARD_DELAY = Duration.ofMillis(100);

  private record Event(double at, long seq, Runnable action) {}

  final SimulatorOptions opts;
  private final Clock clock;
  private final Instant origin;
  final Map<String, Master> masters = new LinkedHashMap<>();
  final Map<String, Worker> workers = new LinkedHashMap<>();
  final Map<String, SimSource> sources = new TreeMap<>();
  final Map<String, TaskInfo> tasks = new TreeMap<>();
  final Map<String, DdlLock> locks = new TreeMap<>();
  private final Map<Integer, Endpoint> byPort = new HashMap<>();
  final Map<String, Fault> faults = new HashMap<>();
  private final PriorityQueue<Event> events =
      new PriorityQueue<>(Comparator.comparingDouble(Event::at).thenComparingLong(Event::seq));
  private final SimMaster master = new SimMaster(this);
  private long eventSeq;
  private boolean replaying;
  private double opTime;
  String leader;
  DmVersion version;

  SimCluster(SimulatorOptions opts) {
    this.opts = opts;
    this.clock = opts.clock();
    this.origin = clock.instant();
    this.version = opts.version();
    Random r = new Random(opts.seed());
    for (int i = 1; i <= opts.masters(); i++) {
      masters.put("master" + i, new Master("master" + i, r.nextLong() >>> 1));
    }
    leader = "master1";
    for (int i = 1; i <= opts.workers(); i++) {
      workers.put("worker" + i, new Worker("worker" + i));
    }
  }

  Clock clock() {
    return clock;
  }

  synchronized DmVersion version() {
    return version;
  }

  synchronized void setVersion(DmVersion v) {
    sync();
    version = v;
  }

  // ---------------------------------------------------------------- time

  /** Seconds of simulated time since the cluster was created. */
  double now() {
    return Duration.between(origin, clock.instant()).toNanos() / 1e9;
  }

  /** Replays due events in order, each at its own instant; returns the instant operations act at. */
  double sync() {
    if (replaying) {
      return opTime; // an event's action calls back into an operation: it acts at the event's time
    }
    replaying = true;
    try {
      double now = now();
      while (!events.isEmpty() && events.peek().at() <= now) {
        Event e = events.poll();
        opTime = e.at();
        sources.values().forEach(s -> s.advanceTo(e.at()));
        e.action().run();
        cleanup();
      }
      opTime = now;
      return now;
    } finally {
      replaying = false;
    }
  }

  /** Schedules an action at a simulated instant (seconds since creation). */
  synchronized void schedule(double at, Runnable action) {
    events.add(new Event(at, eventSeq++, action));
  }

  SimSource advanced(String sourceId) {
    double at = sync();
    SimSource s = source(sourceId);
    s.advanceTo(at);
    return s;
  }

  /** Every source moved to now. */
  double advanceAll() {
    double at = sync();
    sources.values().forEach(s -> s.advanceTo(at));
    return at;
  }

  // ---------------------------------------------------------------- endpoints and faults

  /** Assigns the listening ports: the first ones to the masters, the rest to the workers, in order. */
  synchronized void assignPorts(List<Integer> ports) {
    List<Integer> sorted = ports.stream().sorted().toList();
    if (sorted.size() != masters.size() + workers.size()) {
      throw new IllegalStateException("expected " + (masters.size() + workers.size()) + " ports, got " + sorted.size());
    }
    int i = 0;
    for (Master m : masters.values()) {
      m.address = "127.0.0.1:" + sorted.get(i);
      byPort.put(sorted.get(i++), new Endpoint(Role.MASTER, m.name, m.address));
    }
    for (Worker w : workers.values()) {
      w.address = "127.0.0.1:" + sorted.get(i);
      byPort.put(sorted.get(i++), new Endpoint(Role.WORKER, w.name, w.address));
    }
  }

  synchronized int endpointCount() {
    return masters.size() + workers.size();
  }

  synchronized Route route(int port) {
    Endpoint e = byPort.get(port);
    if (e == null) {
      return null;
    }
    boolean down = e.role() == Role.MASTER ? !masters.get(e.name()).alive : workers.get(e.name()).offline;
    return new Route(e, down, faults.get(e.address()), opts.latency());
  }

  synchronized List<String> masterAddresses() {
    return masters.values().stream().map(m -> m.address).toList();
  }

  synchronized List<String> workerAddresses() {
    return workers.values().stream().map(w -> w.address).toList();
  }

  synchronized String workerAddress(String name) {
    return worker(name).address;
  }

  synchronized void fault(String address, Fault fault) {
    requireEndpoint(address);
    faults.put(address, fault);
  }

  synchronized void clearFault(String address) {
    requireEndpoint(address);
    faults.remove(address);
  }

  private void requireEndpoint(String address) {
    if (byPort.values().stream().noneMatch(e -> e.address().equals(address))) {
      throw new NoSuchElementException("no master or worker listens on '" + address + "'");
    }
  }

  // ---------------------------------------------------------------- lookups

  private Master master(String name) {
    Master m = masters.get(name);
    if (m == null) {
      throw new NoSuchElementException("no master named '" + name + "' (masters: " + masters.keySet() + ")");
    }
    return m;
  }

  Worker worker(String name) {
    Worker w = workers.get(name);
    if (w == null) {
      throw new NoSuchElementException("no worker named '" + name + "'");
    }
    return w;
  }

  SimSource source(String id) {
    SimSource s = sources.get(id);
    if (s == null) {
      throw new NoSuchElementException("no source named '" + id + "'");
    }
    return s;
  }

  TaskInfo task(String name) {
    TaskInfo t = tasks.get(name);
    if (t == null) {
      throw new NoSuchElementException("no task named '" + name + "'");
    }
    return t;
  }

  synchronized List<String> sourceIds() {
    return List.copyOf(sources.keySet());
  }

  synchronized List<String> taskNames() {
    return List.copyOf(tasks.keySet());
  }

  /** DM-master's subtask configs: task → its sources, without subtasks that stop-task is deleting. */
  Map<String, List<String>> subtaskConfigs() {
    Map<String, List<String>> out = new TreeMap<>();
    for (TaskInfo t : tasks.values()) {
      List<String> ids = new ArrayList<>();
      for (SimSource s : sources.values()) {
        SimSubtask st = s.subtasks.get(t.name);
        if (st != null && !st.stopping) {
          ids.add(s.id);
        }
      }
      if (!ids.isEmpty()) {
        out.put(t.name, ids);
      }
    }
    return out;
  }

  /** Gives package code (the demo) direct access to a subtask after moving its source to now. */
  synchronized void withSubtask(String task, String source, BiConsumer<SimSubtask, SimSource> action) {
    SimSource s = advanced(source);
    SimSubtask st = s.subtasks.get(task);
    if (st == null) { // a Stopping subtask is still on its worker after DM-master dropped its task
      task(task);
      st = s.subtask(task);
    }
    action.accept(st, s);
    cleanup();
  }

  // ---------------------------------------------------------------- sources

  /** A source with a seeded upstream (rates, sizes, binlog position, server UUID). */
  synchronized void addSource(String id, boolean relay) {
    double at = sync();
    Random r = new Random(opts.seed() * 31 + id.hashCode());
    String uuid = new java.util.UUID(r.nextLong(), r.nextLong()).toString();
    double bytesPerRow = 100 + r.nextInt(300);
    Upstream up = new Upstream("mysql-bin", uuid, 4 + r.nextInt(3 * (int) (Upstream.FILE_BYTES / 2)), at,
        bytesPerRow * (5 + r.nextInt(196)), bytesPerRow, 1000 + r.nextInt(100_000));
    putSource(id, up, relay);
  }

  /** Adds a source with a given upstream, unbound. */
  synchronized SimSource putSource(String id, Upstream up, boolean relay) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a source needs a non-empty id");
    }
    if (sources.containsKey(id)) {
      throw new IllegalStateException("source '" + id + "' already exists");
    }
    SimSource s = new SimSource(id, up, sync(), new Random(opts.seed() * 37 + id.hashCode()));
    s.relay.enabled = relay;
    sources.put(id, s);
    return s;
  }

  /** operate-source stop: the source and its subtasks go; a task left with no subtask goes too. */
  synchronized void removeSource(String id) {
    SimSource s = advanced(id);
    if (s.worker != null) {
      workers.get(s.worker).source = null;
    }
    workers.values().stream().filter(w -> id.equals(w.relaySource)).forEach(w -> w.relaySource = null);
    sources.remove(id);
    locks.values().forEach(l -> l.ready.remove(id));
    cleanup();
  }

  // ---------------------------------------------------------------- workers (DM-master's scheduler)

  /** transfer-source / operate-source start -w: a free worker (or the source's relay worker) takes the source. */
  synchronized void bindWorker(String workerName, String sourceId) {
    Worker w = worker(workerName);
    SimSource s = advanced(sourceId);
    boolean relayOfIt = w.stage().equals("relay") && sourceId.equals(w.relaySource);
    if (!w.stage().equals("free") && !relayOfIt) {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage()
          + ", only a free worker (or a relay worker of that source) can be bound");
    }
    if (s.worker != null) {
      throw new IllegalStateException("source '" + sourceId + "' is already bound to '" + s.worker + "'");
    }
    bind(w, s);
  }

  private void bind(Worker w, SimSource s) {
    w.source = s.id;
    w.lastBound = s.id;
    s.serve(w.name, s.t);
  }

  synchronized void unbindWorker(String workerName) {
    Worker w = worker(workerName);
    if (w.source != null) {
      advanced(w.source).serve(null, sync());
      w.source = null;
    } else if (w.relaySource != null) {
      w.relaySource = null;
    } else {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage() + ", not bound");
    }
  }

  /** {@code handleWorkerOffline}: the worker loses its source, which goes to another worker if one can take it. */
  synchronized void offlineWorker(String workerName) {
    Worker w = worker(workerName);
    if (w.offline) {
      throw new IllegalStateException("worker '" + workerName + "' is already offline");
    }
    String had = w.source;
    w.offline = true;
    if (had != null) {
      advanced(had).serve(null, sync());
      w.source = null;
      tryBoundForSource(sources.get(had));
    }
  }

  /** {@code handleWorkerOnline}: free (or relay) again; it takes its last source back if that is unbound. */
  synchronized void onlineWorker(String workerName) {
    Worker w = worker(workerName);
    if (!w.offline) {
      throw new IllegalStateException("worker '" + workerName + "' is not offline");
    }
    advanceAll();
    w.offline = false;
    tryBoundForWorker(w);
  }

  /** {@code tryBoundForSource}: a relay worker of the source, then a worker that had it, then any free one. */
  private void tryBoundForSource(SimSource s) {
    List<Worker> candidates = workers.values().stream().sorted(Comparator.comparing(x -> x.name)).toList();
    Worker pick = candidates.stream().filter(x -> x.stage().equals("relay") && s.id.equals(x.relaySource)
        && s.id.equals(x.lastBound)).findFirst()
        .or(() -> candidates.stream().filter(x -> x.stage().equals("relay") && s.id.equals(x.relaySource)).findFirst())
        .or(() -> candidates.stream().filter(x -> x.stage().equals("free") && s.id.equals(x.lastBound)).findFirst())
        .or(() -> candidates.stream().filter(x -> x.stage().equals("free")).findFirst())
        .orElse(null);
    if (pick != null) {
      bind(pick, s);
    }
  }

  /** {@code tryBoundForWorker}: its last source if unbound, else its relay source, else any unbound source. */
  private void tryBoundForWorker(Worker w) {
    SimSource pick = null;
    SimSource last = w.lastBound == null ? null : sources.get(w.lastBound);
    if (last != null && last.worker == null && (w.relaySource == null || w.relaySource.equals(last.id))) {
      pick = last;
    } else if (w.relaySource != null) {
      SimSource relay = sources.get(w.relaySource);
      pick = relay != null && relay.worker == null ? relay : null;
      if (pick == null) {
        return; // its relay source is bound elsewhere: it stays a relay worker
      }
    } else {
      pick = sources.values().stream().filter(s -> s.worker == null).findFirst().orElse(null);
    }
    if (pick != null) {
      bind(w, pick);
    }
  }

  /** start-relay on a free worker: stage {@code relay}, it pulls relay log for the source but migrates nothing. */
  synchronized void relayWorker(String workerName, String sourceId) {
    Worker w = worker(workerName);
    source(sourceId);
    if (!w.stage().equals("free")) {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage() + ", only a free worker can pull relay");
    }
    w.relaySource = sourceId;
  }

  // ---------------------------------------------------------------- tasks

  /** start-task: one subtask per source, New and then running (or, with {@code stopped}, created Stopped). */
  synchronized void addTask(String name, TaskMode mode, List<String> sourceIds, boolean stopped) {
    double at = sync();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a task needs a non-empty name");
    }
    if (!mode.supportedBy(version)) {
      throw new IllegalArgumentException("task-mode " + mode.dmName() + " needs DM v7.5 or later; the simulator emulates "
          + version);
    }
    if (tasks.containsKey(name)) {
      throw new IllegalStateException("task '" + name + "' already exists");
    }
    if (sourceIds.isEmpty()) {
      throw new IllegalArgumentException("task '" + name + "' needs at least one source");
    }
    List<SimSource> targets = sourceIds.stream().map(this::source).toList();
    tasks.put(name, new TaskInfo(name, mode));
    for (SimSource s : targets) {
      s.advanceTo(at);
      Random r = new Random(opts.seed() * 31 + (name + "/" + s.id).hashCode());
      SimSubtask st = new SimSubtask(name, mode, s.up, r, at);
      if (stopped) {
        st.createStopped();
      }
      s.subtasks.put(name, st);
    }
  }

  /** stop-task: every subtask of the task is deleted (it passes through Stopping). */
  synchronized void removeTask(String name) {
    task(name);
    double at = sync();
    for (SimSource s : sources.values()) {
      SimSubtask st = s.subtasks.get(name);
      if (st != null) {
        s.advanceTo(at);
        st.stop(s.id);
      }
    }
    tasks.remove(name);
    locks.values().removeIf(l -> l.task.equals(name));
    cleanup();
  }

  /** Deletes subtasks that stop-task finished with, and tasks DM-master no longer has a subtask of. */
  void cleanup() {
    sources.values().forEach(SimSource::removeStopped);
    tasks.keySet().removeIf(t -> sources.values().stream().noneMatch(s -> s.subtasks.containsKey(t)));
    locks.values().removeIf(l -> !tasks.containsKey(l.task));
  }

  // ---------------------------------------------------------------- subtask stages

  synchronized void subtask(String task, String source, BiConsumer<SimSubtask, String> op) {
    withSubtask(task, source, (st, s) -> op.accept(st, s.id));
  }

  /** Every subtask of a task, in source order, with its source moved to now. */
  synchronized void eachSubtask(String task, BiConsumer<SimSubtask, String> op) {
    task(task);
    double at = sync();
    for (SimSource s : sources.values()) {
      SimSubtask st = s.subtasks.get(task);
      if (st != null) {
        s.advanceTo(at);
        op.accept(st, s.id);
      }
    }
    cleanup();
  }

  /** pause-task: every Running subtask pauses, one Paused by an error is canceled; the others are left as they are. */
  synchronized void pauseTask(String task) {
    eachSubtask(task, (st, id) -> {
      if (st.stage == Stage.Running || (st.stage == Stage.Paused && st.error != null && !st.canceled)) {
        st.pause(id);
      }
    });
  }

  /** resume-task: every Paused or Stopped subtask runs again; the others are left as they are. */
  synchronized void resumeTask(String task) {
    eachSubtask(task, (st, id) -> {
      if (st.stage == Stage.Paused || st.stage == Stage.Stopped) {
        st.resume(id);
      }
    });
  }

  // ---------------------------------------------------------------- shard DDL

  synchronized void setShardMode(String task, ShardMode mode) {
    task(task).shardMode = mode;
  }

  /**
   * The subtask's syncer meets a shard DDL: pessimistic, it joins (or opens) the task's DDL lock;
   * optimistic, the DDL conflicts and blocks the syncer (DM v5.3 pauses the subtask instead).
   */
  synchronized void shardDdl(String task, String source, String ddl) {
    TaskInfo info = task(task);
    if (info.shardMode == null) {
      throw new IllegalStateException("task '" + task + "' does not merge shards; set its shard mode first");
    }
    SimSource s = advanced(source);
    SimSubtask st = s.subtask(task);
    if (st.unit != UnitType.Sync) {
      throw new IllegalStateException("subtask " + st.id(source) + " is in " + st.unit + "; only Sync meets a shard DDL");
    }
    String lockId = task + "-" + SHARD_TARGET;
    DdlLock lock = locks.computeIfAbsent(lockId, id -> {
      String owner = info.shardMode == ShardMode.PESSIMISTIC ? source : source + "-" + SHARD_TARGET;
      DdlLock l = new DdlLock(id, task, info.shardMode, owner, List.of(ddl));
      boolean othersSynced = info.shardMode == ShardMode.OPTIMISTIC; // optimistic: the others already have the new schema
      sources.values().stream().filter(x -> x.subtasks.containsKey(task)).forEach(x -> l.ready.put(x.id, othersSynced));
      return l;
    });
    if (info.shardMode == ShardMode.PESSIMISTIC) {
      lock.ready.put(source, true);
      st.ddlLockId = lockId;
      st.blockingDdls = List.of(ddl);
      st.shardingGroup = ShardingGroup.newBuilder().setTarget(SHARD_TARGET).addDDLs(ddl)
          .setFirstLocation(s.up.position(st.syncPos)).addSynced(SHARD_TARGET).build();
      return;
    }
    lock.ready.put(source, false);
    String conflict = DmError.SHARD_DDL_OPTIMISM_TRY_SYNC_FAIL.text(String.format(
        DmError.SHARD_DDL_OPTIMISM_TRY_SYNC_FAIL.message(), lockId, "there will be conflicts if DDLs " + ddl
            + " are applied to the downstream. old table info: CREATE TABLE " + SHARD_TARGET + " (`id` INT PRIMARY KEY, "
            + "`c` INT), new table info: CREATE TABLE " + SHARD_TARGET + " (`id` INT PRIMARY KEY, `c` BIGINT)"), "");
    if (version.optimisticConflictStatus()) {
      st.blockDdlOwner = source + "-" + SHARD_TARGET;
      st.conflictMsg = conflict;
      st.blockedAt = st.syncPos;
    } else {
      DmError e = DmError.SYNCER_SHARD_DDL_CONFLICT;
      st.fail(source, e.toProto(String.format(e.message().replace("%v", "%s"), "[" + ddl + "]", conflict), ""),
          SimSubtask.FOREVER);
    }
  }

  /** The shard DDLs of the task are resolved: locks go, blocked syncers go on. */
  synchronized void resolveShardDdl(String task) {
    task(task);
    locks.values().removeIf(l -> l.task.equals(task));
    eachSubtask(task, (st, id) -> {
      st.ddlLockId = "";
      st.blockingDdls = List.of();
      st.shardingGroup = null;
      st.blockDdlOwner = "";
      st.conflictMsg = "";
      st.blockedAt = Double.NaN;
      if (st.flapError != null && st.flapError.getErrCode() == DmError.SYNCER_SHARD_DDL_CONFLICT.code()) {
        st.resolveError();
      }
    });
  }

  // ---------------------------------------------------------------- validation

  /** validation start: every subtask of the task gets a Running validator in {@code mode}. */
  synchronized void enableValidation(String task, ValidationMode mode) {
    TaskInfo info = task(task);
    info.validation = mode;
    eachSubtask(task, (st, id) -> {
      if (st.validator == null || st.validator.stage == Stage.Stopped) {
        st.validator = new SimValidator(mode, st.unit == UnitType.Sync ? st.syncedRows() : 0);
        st.validator.cutoverPos = info.cutoverPos;
        st.validator.cutoverGtid = info.cutoverGtid;
      }
    });
  }

  /** validation stop, or (with {@code failure}) a fatal validator error on one source. */
  synchronized void stopValidation(String task, String source, ProcessError failure) {
    BiConsumer<SimSubtask, String> stop = (st, id) -> {
      if (st.validator == null) {
        throw new IllegalStateException("the validator of task '" + task + "' is not enabled on " + id);
      }
      st.validator.stop(st.syncedRows(), st.syncPos, failure);
    };
    if (source == null) {
      eachSubtask(task, stop);
    } else {
      subtask(task, source, stop);
    }
  }

  /** The validator finds {@code rows} rows that differ downstream (new error rows). */
  synchronized void addValidationErrors(String task, String source, int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative, got " + rows);
    }
    subtask(task, source, (st, id) -> {
      if (st.validator == null) {
        throw new IllegalStateException("the validator of task '" + task + "' is not enabled on " + id);
      }
      st.validator.newErrors += rows;
    });
  }

  /** validation update --cutover-binlog-pos / --cutover-binlog-gtid. */
  synchronized void setValidationCutover(String task, String pos, String gtid) {
    TaskInfo info = task(task);
    info.cutoverPos = pos == null ? "" : pos;
    info.cutoverGtid = gtid == null ? "" : gtid;
    eachSubtask(task, (st, id) -> {
      if (st.validator != null) {
        st.validator.cutoverPos = info.cutoverPos;
        st.validator.cutoverGtid = info.cutoverGtid;
      }
    });
  }

  // ---------------------------------------------------------------- relay

  synchronized void setRelay(String sourceId, Stage stage, ErrorKind error, int repeat) {
    if (stage != Stage.New && stage != Stage.Running && stage != Stage.Paused
        && stage != Stage.Stopped && stage != Stage.Finished) {
      throw new IllegalArgumentException("relay stage must be New, Running, Paused, Stopped or Finished, got " + stage);
    }
    if (error != null && !error.relayError()) {
      throw new IllegalArgumentException("'" + error.id() + "' is not a relay error; use relay_read or relay_uuid_suffix");
    }
    SimSource s = advanced(sourceId);
    if (!s.relay.enabled) {
      s.relay.enabled = true;
      s.relay.position = s.relayStartPosition();
    }
    s.relay.set(stage, error == null ? null : error.toProto(), repeat);
  }

  synchronized void disableRelay(String sourceId) {
    SimSource s = advanced(sourceId);
    s.relay.enabled = false;
    s.relay.set(Stage.Running, null, 0);
    s.relay.checker = null;
  }

  // ---------------------------------------------------------------- masters

  synchronized void setLeader(String name) {
    Master m = master(name);
    if (!m.alive) {
      throw new IllegalStateException("master '" + name + "' is not alive and cannot lead");
    }
    sync();
    leader = name;
  }

  /** The masters lose their leader (e.g. during an election): alive, but none can answer. */
  synchronized void clearLeader() {
    sync();
    leader = null;
  }

  private boolean quorum() {
    return masters.values().stream().filter(x -> x.alive).count() * 2 > masters.size();
  }

  /** The master's process dies: alive=false in ListMember, its port refuses; a new leader needs a quorum. */
  synchronized void killMaster(String name) {
    Master m = master(name);
    sync();
    m.alive = false;
    if (name.equals(leader) || !quorum()) {
      elect();
    }
  }

  synchronized void reviveMaster(String name) {
    sync();
    master(name).alive = true;
    if (leader == null) {
      elect();
    }
  }

  private void elect() {
    leader = quorum() ? masters.values().stream().filter(x -> x.alive).map(x -> x.name).findFirst().orElse(null) : null;
  }

  /**
   * Runs a DM-master RPC at {@code masterName} ({@code sharedLogic}): with no leader every RPC
   * fails with DM's "not leader" error; a follower forwards to the leader after 100 ms.
   */
  synchronized <T> Reply<T> askMaster(String masterName, Function<SimMaster, Reply<T>> call) {
    sync();
    if (leader == null) {
      return Reply.failed(Status.UNKNOWN.withDescription(DmError.MASTER_NOT_LEADER.text()));
    }
    Reply<T> reply = call.apply(master);
    return masterName.equals(leader) ? reply : reply.later(FORWARD_DELAY);
  }

  // ---------------------------------------------------------------- the wire (workers)

  /** {@code pb.Worker/QueryStatus} as answered by this worker. */
  synchronized QueryStatusResponse workerStatus(String workerName, String task) {
    Worker w = worker(workerName);
    Fault f = faults.get(w.address);
    if (f != null && f.kind() == Fault.Kind.RESULT_FALSE) {
      return QueryStatusResponse.newBuilder().setResult(false).setMsg(f.message())
          .setSourceStatus(SourceStatus.newBuilder().setWorker(w.name)).build();
    }
    String sourceId = w.source != null ? w.source : w.relaySource;
    if (sourceId == null) {
      return QueryStatusResponse.newBuilder().setResult(false).setMsg(DmError.WORKER_NO_START.text())
          .setSourceStatus(SourceStatus.newBuilder().setWorker(w.name)).build();
    }
    SimSource s = advanced(sourceId);
    QueryStatusResponse r = s.workerStatus(w.name, task, version);
    // Only this source's subtasks can have finished stopping: a full cleanup per query would
    // cost every source's subtasks on every query (quadratic in the number of workers).
    if (s.removeStopped()) {
      cleanup();
    }
    return r;
  }

  // ---------------------------------------------------------------- state

  synchronized ClusterState state() {
    double at = advanceAll();
    List<ClusterState.Master> ms = masters.values().stream().map(m -> new ClusterState.Master(
        m.name, m.address, m.alive, m.name.equals(leader), describe(m.address))).toList();
    List<ClusterState.Worker> ws = workers.values().stream().map(w -> new ClusterState.Worker(
        w.name, w.address, w.stage(), w.source, w.relaySource, describe(w.address))).toList();
    List<ClusterState.Source> ss = sources.values().stream().map(s -> new ClusterState.Source(s.id, s.worker,
        new ClusterState.Relay(s.relay.enabled, s.relay.stage.name(), s.relay.position >= s.up.headAt(at) - 0.5,
            s.relay.error == null ? List.of() : List.of(s.relay.error.getErrCode())))).toList();
    List<ClusterState.Task> ts = new ArrayList<>();
    for (TaskInfo t : tasks.values()) {
      List<ClusterState.Subtask> subs = new ArrayList<>();
      for (SimSource s : sources.values()) {
        SimSubtask st = s.subtasks.get(t.name);
        if (st != null) {
          subs.add(new ClusterState.Subtask(s.id, st.stage.name(), st.unit.name(),
              st.unit == UnitType.Sync || st.unit == UnitType.InvalidUnit ? "" : SimSubtask.percent(st.p),
              st.error == null ? List.of() : List.of(st.error.getErrCode()), st.canceled, st.ddlLockId,
              st.blockDdlOwner, st.validator == null ? null : st.validator.stage.name(),
              st.checker == null ? 0 : st.checker.level()));
        }
      }
      ts.add(new ClusterState.Task(t.name, t.mode.dmName(), t.shardMode == null ? "" : t.shardMode.dmName(),
          t.validation == null ? null : t.validation.dmName(), subs));
    }
    List<ClusterState.DdlLock> ls = master.ddlLocks("", List.of()).stream().map(l -> new ClusterState.DdlLock(
        l.getID(), l.getTask(), l.getMode(), l.getOwner(), l.getDDLsList(), l.getSyncedList(), l.getUnsyncedList()))
        .toList();
    return new ClusterState(clock.instant().toString(), at, version.label(), leader, ms, ws, ss, ts, ls);
  }

  private String describe(String address) {
    Fault f = faults.get(address);
    return f == null ? null : f.describe();
  }
}
