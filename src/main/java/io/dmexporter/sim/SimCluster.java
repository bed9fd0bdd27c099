package io.dmexporter.sim;

import io.dmexporter.dm.pb.ListLeaderMember;
import io.dmexporter.dm.pb.ListMasterMember;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.ListWorkerMember;
import io.dmexporter.dm.pb.MasterInfo;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.dm.pb.WorkerInfo;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The whole simulated DM cluster behind one lock: masters, workers, sources, tasks, faults and a
 * timeline of scheduled events. Every public operation first replays due events, then moves the
 * sources it touches to the current instant, then acts; gRPC and HTTP are thin layers over it.
 */
final class SimCluster {
  /** Which DM service an endpoint serves. */
  enum Role { MASTER, WORKER }

  /** One listening address of the simulator. */
  record Endpoint(Role role, String name, String address) {}

  /** What the network layer needs to know about a call: who was called, is it up, which fault. */
  record Route(Endpoint endpoint, boolean down, Fault fault, Duration latency) {}

  /** A response and how much later than now it should be sent (a master waiting for workers). */
  record Reply<T>(T response, Duration extraDelay) {}

  private static final class Master {
    final String name;
    final long memberId;
    String address = "";
    boolean alive = true;

    Master(String name, long memberId) {
      this.name = name;
      this.memberId = memberId;
    }
  }

  private static final class Worker {
    final String name;
    String address = "";
    boolean offline;
    String source;
    String relaySource;

    Worker(String name) {
      this.name = name;
    }

    String stage() {
      return offline ? "offline" : source != null ? "bound" : relaySource != null ? "relay" : "free";
    }
  }

  private record Event(double at, long seq, Runnable action) {}

  private final SimulatorOptions opts;
  private final Clock clock;
  private final Instant origin;
  private final Map<String, Master> masters = new LinkedHashMap<>();
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final Map<String, SimSource> sources = new TreeMap<>();
  private final Map<String, TaskMode> tasks = new TreeMap<>();
  private final Map<Integer, Endpoint> byPort = new HashMap<>();
  private final Map<String, Fault> faults = new HashMap<>();
  private final PriorityQueue<Event> events =
      new PriorityQueue<>(Comparator.comparingDouble(Event::at).thenComparingLong(Event::seq));
  private long eventSeq;
  private boolean replaying;
  private double opTime;
  private String leader;

  SimCluster(SimulatorOptions opts) {
    this.opts = opts;
    this.clock = opts.clock();
    this.origin = clock.instant();
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

  // ---------------------------------------------------------------- time

  /** Seconds of simulated time since the cluster was created. */
  double now() {
    return Duration.between(origin, clock.instant()).toNanos() / 1e9;
  }

  /** Replays due events in order, each at its own instant; returns the instant operations act at. */
  private double sync() {
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

  private SimSource advanced(String sourceId) {
    double at = sync();
    SimSource s = source(sourceId);
    s.advanceTo(at);
    return s;
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

  private Worker worker(String name) {
    Worker w = workers.get(name);
    if (w == null) {
      throw new NoSuchElementException("no worker named '" + name + "'");
    }
    return w;
  }

  private SimSource source(String id) {
    SimSource s = sources.get(id);
    if (s == null) {
      throw new NoSuchElementException("no source named '" + id + "'");
    }
    return s;
  }

  private TaskMode task(String name) {
    TaskMode m = tasks.get(name);
    if (m == null) {
      throw new NoSuchElementException("no task named '" + name + "'");
    }
    return m;
  }

  synchronized List<String> sourceIds() {
    return List.copyOf(sources.keySet());
  }

  synchronized List<String> taskNames() {
    return List.copyOf(tasks.keySet());
  }

  /** Gives package code (the demo) direct access to a subtask after moving its source to now. */
  synchronized void withSubtask(String task, String source, BiConsumer<SimSubtask, SimSource> action) {
    task(task);
    SimSource s = advanced(source);
    action.accept(s.subtask(task), s);
  }

  // ---------------------------------------------------------------- sources, workers, tasks

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
    SimSource s = new SimSource(id, up, sync());
    s.relay.enabled = relay;
    sources.put(id, s);
    return s;
  }

  synchronized void removeSource(String id) {
    SimSource s = advanced(id);
    if (s.worker != null) {
      workers.get(s.worker).source = null;
    }
    workers.values().stream().filter(w -> id.equals(w.relaySource)).forEach(w -> w.relaySource = null);
    sources.remove(id);
  }

  synchronized void bindWorker(String workerName, String sourceId) {
    Worker w = worker(workerName);
    SimSource s = advanced(sourceId);
    if (!w.stage().equals("free")) {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage() + ", only a free worker can be bound");
    }
    if (s.worker != null) {
      throw new IllegalStateException("source '" + sourceId + "' is already bound to '" + s.worker + "'");
    }
    s.worker = w.name;
    w.source = s.id;
  }

  synchronized void unbindWorker(String workerName) {
    Worker w = worker(workerName);
    if (w.source != null) {
      advanced(w.source).worker = null;
      w.source = null;
    } else if (w.relaySource != null) {
      w.relaySource = null;
    } else {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage() + ", not bound");
    }
  }

  /** Like DM's scheduler: an offline worker loses its source, which moves to a free worker if there is one. */
  synchronized void offlineWorker(String workerName) {
    Worker w = worker(workerName);
    if (w.offline) {
      throw new IllegalStateException("worker '" + workerName + "' is already offline");
    }
    String had = w.source;
    if (had != null) {
      advanced(had).worker = null;
      w.source = null;
    }
    w.relaySource = null;
    w.offline = true;
    bindUnboundSources();
  }

  synchronized void onlineWorker(String workerName) {
    Worker w = worker(workerName);
    if (!w.offline) {
      throw new IllegalStateException("worker '" + workerName + "' is not offline");
    }
    sync();
    w.offline = false;
    bindUnboundSources();
  }

  private void bindUnboundSources() {
    double at = sync();
    for (SimSource s : sources.values()) {
      if (s.worker != null) {
        continue;
      }
      Worker free = workers.values().stream().filter(x -> x.stage().equals("free")).findFirst().orElse(null);
      if (free == null) {
        return;
      }
      s.advanceTo(at);
      s.worker = free.name;
      free.source = s.id;
    }
  }

  /** Worker stage {@code relay}: it pulls relay log for the source but migrates nothing. */
  synchronized void relayWorker(String workerName, String sourceId) {
    Worker w = worker(workerName);
    source(sourceId);
    if (!w.stage().equals("free")) {
      throw new IllegalStateException("worker '" + workerName + "' is " + w.stage() + ", only a free worker can pull relay");
    }
    w.relaySource = sourceId;
  }

  synchronized void addTask(String name, TaskMode mode, List<String> sourceIds) {
    double at = sync();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a task needs a non-empty name");
    }
    if (tasks.containsKey(name)) {
      throw new IllegalStateException("task '" + name + "' already exists");
    }
    if (sourceIds.isEmpty()) {
      throw new IllegalArgumentException("task '" + name + "' needs at least one source");
    }
    List<SimSource> targets = sourceIds.stream().map(this::source).toList();
    tasks.put(name, mode);
    for (SimSource s : targets) {
      s.advanceTo(at);
      Random r = new Random(opts.seed() * 31 + (name + "/" + s.id).hashCode());
      s.subtasks.put(name, new SimSubtask(name, mode, s.up, r, at));
    }
  }

  synchronized void removeTask(String name) {
    task(name);
    double at = sync();
    for (SimSource s : sources.values()) {
      s.advanceTo(at);
      s.subtasks.remove(name);
    }
    tasks.remove(name);
  }

  // ---------------------------------------------------------------- subtask stages

  synchronized void subtask(String task, String source, BiConsumer<SimSubtask, String> op) {
    withSubtask(task, source, (st, s) -> op.accept(st, s.id));
  }

  // ---------------------------------------------------------------- relay

  synchronized void setRelay(String sourceId, Stage stage, boolean withError) {
    if (stage != Stage.New && stage != Stage.Running && stage != Stage.Paused
        && stage != Stage.Stopped && stage != Stage.Finished) {
      throw new IllegalArgumentException("relay stage must be New, Running, Paused, Stopped or Finished, got " + stage);
    }
    SimSource s = advanced(sourceId);
    if (!s.relay.enabled) {
      s.relay.enabled = true;
      s.relay.position = s.relayStartPosition();
    }
    s.relay.stage = stage;
    s.relay.error = withError ? ErrorKind.RELAY_READ : null;
  }

  synchronized void disableRelay(String sourceId) {
    SimSource s = advanced(sourceId);
    s.relay.enabled = false;
    s.relay.error = null;
    s.relay.stage = Stage.Running;
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

  /** The master's process dies: alive=false in ListMember, its port refuses; leadership moves on. */
  synchronized void killMaster(String name) {
    Master m = master(name);
    sync();
    m.alive = false;
    if (name.equals(leader)) {
      masters.values().stream().filter(x -> x.alive).findFirst().ifPresent(x -> leader = x.name);
    }
  }

  synchronized void reviveMaster(String name) {
    sync();
    master(name).alive = true;
  }

  // ---------------------------------------------------------------- the wire

  private static final String NO_SOURCE_MSG =
      "[code=40045:class=dm-worker:scope=internal:level=high], Message: no mysql source is being handled in the worker";

  /** {@code pb.Worker/QueryStatus} as answered by this worker. */
  synchronized QueryStatusResponse workerStatus(String workerName, String task) {
    Worker w = worker(workerName);
    Fault f = faults.get(w.address);
    if (f != null && f.kind() == Fault.Kind.RESULT_FALSE) {
      return QueryStatusResponse.newBuilder().setResult(false).setMsg(f.message()).build();
    }
    String sourceId = w.source != null ? w.source : w.relaySource;
    if (sourceId == null) {
      return QueryStatusResponse.newBuilder().setResult(false).setMsg(NO_SOURCE_MSG).build();
    }
    SimSource s = advanced(sourceId);
    if (w.source == null) {
      // a relay-only worker reports the relay, no subtasks
      SourceStatus.Builder ss = SourceStatus.newBuilder().setSource(s.id).setWorker(w.name);
      if (s.relay.enabled) {
        ss.setRelayStatus(s.relay.toProto(s.up, s.t));
      }
      return QueryStatusResponse.newBuilder().setResult(true).setSourceStatus(ss).build();
    }
    return s.workerStatus(task);
  }

  /** {@code pb.Master/QueryStatus}: the leader asks each source's worker, as DM-master does. */
  synchronized Reply<QueryStatusListResponse> masterStatus(String masterName, QueryStatusListRequest req) {
    double at = sync();
    Fault own = faults.get(master(masterName).address);
    QueryStatusListResponse.Builder resp = QueryStatusListResponse.newBuilder().setResult(true);
    if (own != null && own.kind() == Fault.Kind.RESULT_FALSE) {
      return new Reply<>(resp.setResult(false).setMsg(own.message()).build(), Duration.ZERO);
    }
    Set<String> ids = new TreeSet<>();
    String task = req.getName();
    if (!task.isEmpty()) {
      if (!tasks.containsKey(task)) {
        return new Reply<>(resp.setResult(false).setMsg("task " + task
            + " has no source or not exist, please check the task name and status").build(), Duration.ZERO);
      }
      sources.values().stream().filter(s -> s.subtasks.containsKey(task)).forEach(s -> ids.add(s.id));
    } else {
      ids.addAll(sources.keySet());
    }
    if (req.getSourcesCount() > 0) {
      List<String> unknown = req.getSourcesList().stream().filter(s -> !sources.containsKey(s)).toList();
      if (!unknown.isEmpty()) {
        return new Reply<>(resp.setResult(false).setMsg("sources " + unknown + " haven't been added").build(),
            Duration.ZERO);
      }
      ids.retainAll(req.getSourcesList());
    }
    Duration wait = Duration.ZERO;
    for (String id : ids) {
      SimSource s = sources.get(id);
      s.advanceTo(at);
      QueryStatusResponse.Builder entry = QueryStatusResponse.newBuilder().setResult(false)
          .setSourceStatus(SourceStatus.newBuilder().setSource(id).setWorker(s.worker == null ? "" : s.worker));
      if (s.worker == null) {
        resp.addSources(entry.setMsg("source " + id + " relevant worker-client not found"));
        continue;
      }
      Worker w = workers.get(s.worker);
      Fault f = faults.get(w.address);
      Duration hop = opts.latency();
      if (f == null || f.kind() == Fault.Kind.DELAY) {
        resp.addSources(s.workerStatus(task));
        hop = hop.plus(f == null ? Duration.ZERO : f.delay());
      } else {
        switch (f.kind()) {
          case HANG -> {
            entry.setMsg("rpc error: code = DeadlineExceeded desc = context deadline exceeded");
            hop = opts.masterForwardTimeout();
          }
          case UNAVAILABLE -> entry.setMsg("rpc error: code = Unavailable desc = connection error: desc = "
              + "\"transport: Error while dialing: dial tcp " + w.address + ": connect: connection refused\"");
          case GARBAGE -> entry.setMsg("rpc error: code = Internal desc = grpc: error unmarshalling response: "
              + "proto: cannot parse invalid wire-format data");
          default -> entry.setMsg(f.message());
        }
        resp.addSources(entry);
      }
      wait = wait.compareTo(hop) >= 0 ? wait : hop;
    }
    return new Reply<>(resp.build(), wait);
  }

  /** {@code pb.Master/ListMember}: all three lists when no flag is set; {@code names} filters masters and workers. */
  synchronized ListMemberResponse listMember(String masterName, ListMemberRequest req) {
    sync();
    Fault own = faults.get(master(masterName).address);
    if (own != null && own.kind() == Fault.Kind.RESULT_FALSE) {
      return ListMemberResponse.newBuilder().setResult(false).setMsg(own.message()).build();
    }
    boolean all = !req.getLeader() && !req.getMaster() && !req.getWorker();
    Set<String> names = Set.copyOf(req.getNamesList());
    ListMemberResponse.Builder r = ListMemberResponse.newBuilder().setResult(true);
    if (all || req.getLeader()) {
      Master l = masters.get(leader);
      ListLeaderMember.Builder lm = ListLeaderMember.newBuilder();
      if (l.alive) {
        lm.setName(l.name).setAddr(l.address);
      } else {
        lm.setMsg("no leader");
      }
      r.addMembers(Members.newBuilder().setLeader(lm));
    }
    if (all || req.getMaster()) {
      ListMasterMember.Builder mm = ListMasterMember.newBuilder();
      for (Master m : masters.values()) {
        if (names.isEmpty() || names.contains(m.name)) {
          mm.addMasters(MasterInfo.newBuilder().setName(m.name).setMemberID(m.memberId).setAlive(m.alive)
              .addClientURLs("http://" + m.address));
        }
      }
      r.addMembers(Members.newBuilder().setMaster(mm));
    }
    if (all || req.getWorker()) {
      ListWorkerMember.Builder wm = ListWorkerMember.newBuilder();
      for (Worker w : workers.values()) {
        if (names.isEmpty() || names.contains(w.name)) {
          String src = w.source != null ? w.source : w.relaySource;
          wm.addWorkers(WorkerInfo.newBuilder().setName(w.name).setAddr(w.address).setStage(w.stage())
              .setSource(src == null ? "" : src));
        }
      }
      r.addMembers(Members.newBuilder().setWorker(wm));
    }
    return r.build();
  }

  // ---------------------------------------------------------------- state

  synchronized ClusterState state() {
    double at = sync();
    sources.values().forEach(s -> s.advanceTo(at));
    List<ClusterState.Master> ms = masters.values().stream().map(m -> new ClusterState.Master(
        m.name, m.address, m.alive, m.name.equals(leader), describe(m.address))).toList();
    List<ClusterState.Worker> ws = workers.values().stream().map(w -> new ClusterState.Worker(
        w.name, w.address, w.stage(), w.source != null ? w.source : w.relaySource, describe(w.address))).toList();
    List<ClusterState.Source> ss = sources.values().stream().map(s -> new ClusterState.Source(s.id, s.worker,
        new ClusterState.Relay(s.relay.enabled, s.relay.stage.name(), s.relay.position >= s.up.headAt(at) - 0.5,
            s.relay.error == null ? List.of() : List.of(s.relay.error.code())))).toList();
    List<ClusterState.Task> ts = new ArrayList<>();
    for (Map.Entry<String, TaskMode> t : tasks.entrySet()) {
      List<ClusterState.Subtask> subs = new ArrayList<>();
      for (SimSource s : sources.values()) {
        SimSubtask st = s.subtasks.get(t.getKey());
        if (st != null) {
          subs.add(new ClusterState.Subtask(s.id, st.stage.name(), st.unit.name(),
              st.unit == UnitType.Sync ? "" : SimSubtask.percent(st.p),
              st.error == null ? List.of() : List.of(st.error.code()), st.canceled, st.ddlLockId));
        }
      }
      ts.add(new ClusterState.Task(t.getKey(), t.getValue().name().toLowerCase(java.util.Locale.ROOT), subs));
    }
    return new ClusterState(clock.instant().toString(), at, ms, ws, ss, ts);
  }

  private String describe(String address) {
    Fault f = faults.get(address);
    return f == null ? null : f.describe();
  }
}
