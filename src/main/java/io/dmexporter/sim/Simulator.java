package io.dmexporter.sim;

import io.dmexporter.dm.pb.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running DM cluster simulator: DM-masters and DM-workers on loopback gRPC ports, an optional
 * HTTP control API, and the control methods tests call. See docs/simulator.md.
 */
public final class Simulator implements AutoCloseable {
  private final SimCluster cluster;
  private final SimServer server;
  private final ControlServer control;

  private Simulator(SimCluster cluster, SimServer server, ControlServer control) {
    this.cluster = cluster;
    this.server = server;
    this.control = control;
  }

  /** Starts masters and workers, one source per worker (bound), and tasks task1..taskM over all sources. */
  public static Simulator start(SimulatorOptions opts) {
    SimCluster cluster = new SimCluster(opts);
    int n = opts.workers();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String id = sourceId(i, n);
      ids.add(id);
      cluster.addSource(id, opts.relay());
      cluster.bindWorker("worker" + i, id);
    }
    for (int t = 1; t <= opts.subtasksPerWorker() && !ids.isEmpty(); t++) {
      String task = "task" + t;
      cluster.addTask(task, TaskMode.ALL, ids, false);
      for (String id : ids) {
        cluster.withSubtask(task, id, (st, s) -> st.seedRunning(opts.initialUnit()));
      }
    }
    return launch(cluster, opts);
  }

  /** Starts masters and free workers only: declare sources and tasks with the control methods. */
  public static Simulator startEmpty(SimulatorOptions opts) {
    return launch(new SimCluster(opts), opts);
  }

  static Simulator launch(SimCluster cluster, SimulatorOptions opts) {
    SimServer server = null;
    try {
      server = new SimServer(cluster);
      ControlServer control = opts.controlAddress() == null ? null : new ControlServer(cluster, opts.controlAddress());
      return new Simulator(cluster, server, control);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      throw e instanceof IOException io ? new UncheckedIOException("cannot start the DM simulator: " + io.getMessage(), io)
          : (RuntimeException) e;
    }
  }

  /** {@code mysql-replica-01}; zero-padded to the width of the largest number. */
  static String sourceId(int i, int count) {
    int width = Math.max(2, String.valueOf(count).length());
    return String.format("mysql-replica-%0" + width + "d", i);
  }

  public List<String> masterAddresses() {
    return cluster.masterAddresses();
  }

  public List<String> workerAddresses() {
    return cluster.workerAddresses();
  }

  public String workerAddress(String workerName) {
    return cluster.workerAddress(workerName);
  }

  /** Base URL of the HTTP control API, or null when it was not asked for. */
  public String controlUrl() {
    return control == null ? null : control.url();
  }

  public List<String> sourceIds() {
    return cluster.sourceIds();
  }

  public List<String> taskNames() {
    return cluster.taskNames();
  }

  public ClusterState state() {
    return cluster.state();
  }

  // ---- sources, workers, tasks

  public void addSource(String id, boolean relay) {
    cluster.addSource(id, relay);
  }

  public void removeSource(String id) {
    cluster.removeSource(id);
  }

  public void bindWorker(String worker, String source) {
    cluster.bindWorker(worker, source);
  }

  public void unbindWorker(String worker) {
    cluster.unbindWorker(worker);
  }

  public void offlineWorker(String worker) {
    cluster.offlineWorker(worker);
  }

  public void onlineWorker(String worker) {
    cluster.onlineWorker(worker);
  }

  public void relayWorker(String worker, String source) {
    cluster.relayWorker(worker, source);
  }

  public void addTask(String name, String... sources) {
    addTask(name, TaskMode.ALL, sources);
  }

  /** start-task: one subtask per source, New for a second and then running its first unit. */
  public void addTask(String name, TaskMode mode, String... sources) {
    cluster.addTask(name, mode, List.of(sources), false);
  }

  /** A task whose subtasks are created Stopped (DM's OpenAPI creates tasks so); start or resume runs them. */
  public void createStopped(String name, TaskMode mode, String... sources) {
    cluster.addTask(name, mode, List.of(sources), true);
  }

  /** stop-task on every source: the subtasks are deleted (they pass through Stopping) and the task is gone. */
  public void removeTask(String name) {
    cluster.removeTask(name);
  }

  /** The same as {@link #removeTask}, in dmctl's words. */
  public void stopTask(String name) {
    cluster.removeTask(name);
  }

  // ---- subtask stages (DM's subtask life; IllegalTransitionException otherwise)

  /** Runs a New subtask now, or starts one created Stopped. */
  public void startSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.start(id));
  }

  /**
   * pause-task, or with {@code withError} the error typical of the subtask's unit. Pausing a
   * subtask already Paused by an error keeps the error and sets isCanceled (no more auto-resume).
   */
  public void pauseSubtask(String task, String source, boolean withError) {
    cluster.subtask(task, source, (st, id) -> {
      if (withError) {
        st.fail(id, ErrorKind.typicalFor(st.unit).toProto(), 0);
      } else {
        st.pause(id);
      }
    });
  }

  /** An error occurs; with {@code repeat > 0} it recurs 20 s after each of the next {@code repeat} resumes. */
  public void failSubtask(String task, String source, ErrorKind kind, int repeat) {
    if (kind.relayError()) {
      throw new IllegalArgumentException("'" + kind.id() + "' is a relay error; use failRelay");
    }
    cluster.subtask(task, source, (st, id) -> st.fail(id, kind.toProto(), repeat));
  }

  /** resume-task: a Paused or Stopped subtask runs again (through Resuming). */
  public void resumeSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.resume(id));
  }

  /** stop-task on one source: the subtask is deleted (DM has no Stopped subtask after stop-task). */
  public void stopSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.stop(id));
  }

  public void finishSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.finish(id));
  }

  /** pause-task on every subtask of the task that is Running (or Paused by an error); the others are left alone. */
  public void pauseTask(String task) {
    cluster.pauseTask(task);
  }

  /** resume-task on every Paused or Stopped subtask of the task. */
  public void resumeTask(String task) {
    cluster.resumeTask(task);
  }

  /**
   * While stuck, the subtask's unit does not finish stopping or starting: pause leaves it
   * Pausing, resume Resuming, stop Stopping. Unsticking completes what was held.
   */
  public void stickSubtask(String task, String source, boolean stuck) {
    cluster.subtask(task, source, (st, id) -> {
      if (stuck) {
        st.stuck = true;
      } else {
        st.release();
      }
    });
  }

  // ---- shard DDL and validation

  /** The task's shard-mode (null: the task does not merge shards). */
  public void setShardMode(String task, ShardMode mode) {
    cluster.setShardMode(task, mode);
  }

  /**
   * The subtask's syncer (in Sync) meets the shard DDL {@code ddl}: pessimistic, it joins the
   * task's DDL lock (unresolvedDDLLockID, blockingDDLs, unresolvedGroups, ShowDDLLocks);
   * optimistic, the DDL conflicts: blockDDLOwner and conflictMsg, the syncer stops (DM v5.3: the
   * subtask pauses with error 36062 instead, again after each resume).
   */
  public void shardDdl(String task, String source, String ddl) {
    cluster.shardDdl(task, source, ddl);
  }

  /** The task's shard DDLs are resolved: its locks and conflicts go, blocked syncers go on. */
  public void resolveShardDdl(String task) {
    cluster.resolveShardDdl(task);
  }

  /** validation start: a Running validator on every subtask of the task (shown on Sync subtasks, DM v6.2+). */
  public void enableValidation(String task, ValidationMode mode) {
    cluster.enableValidation(task, mode);
  }

  /** validation stop: every validator of the task is Stopped (its result isCanceled). */
  public void stopValidation(String task) {
    cluster.stopValidation(task, null, null);
  }

  /** The validator of one subtask stops on an error (ErrValidatorGetEvent, 43003). */
  public void failValidator(String task, String source) {
    cluster.stopValidation(task, source, DmError.VALIDATOR_GET_EVENT.toProto("failed to get event",
        "ERROR 2013 (HY000): Lost connection to MySQL server during query"));
  }

  /** The validator of one subtask finds {@code rows} more rows that differ downstream. */
  public void addValidationErrors(String task, String source, int rows) {
    cluster.addValidationErrors(task, source, rows);
  }

  /** validation update --cutover-binlog-pos/--cutover-binlog-gtid (shown from DM v7.5). */
  public void setValidationCutover(String task, String binlogPos, String binlogGtid) {
    cluster.setValidationCutover(task, binlogPos, binlogGtid);
  }

  // ---- relay, masters, faults, time, version

  /** Sets the relay's stage (Paused without error = pause-relay); with {@code withError} a relay_read error. */
  public void setRelay(String source, Stage stage, boolean withError) {
    cluster.setRelay(source, stage, withError ? ErrorKind.RELAY_READ : null, 0);
  }

  /** The relay pauses on a relay error; it recurs 20 s after each of the next {@code repeat} (auto-)resumes. */
  public void failRelay(String source, ErrorKind kind, int repeat) {
    cluster.setRelay(source, Stage.Paused, kind, repeat);
  }

  public void disableRelay(String source) {
    cluster.disableRelay(source);
  }

  /** The DM release line emulated now. */
  public DmVersion version() {
    return cluster.version();
  }

  /** Emulates another DM release line from now on (what goes on the wire; the cluster itself stays). */
  public void setVersion(DmVersion version) {
    cluster.setVersion(version);
  }

  /** The masters have no leader (an election, a lost quorum): every DM-master RPC fails until {@link #setLeader}. */
  public void clearLeader() {
    cluster.clearLeader();
  }

  public void setLeader(String masterName) {
    cluster.setLeader(masterName);
  }

  public void killMaster(String masterName) {
    cluster.killMaster(masterName);
  }

  public void reviveMaster(String masterName) {
    cluster.reviveMaster(masterName);
  }

  public void fault(String address, Fault fault) {
    cluster.fault(address, fault);
  }

  public void clearFault(String address) {
    cluster.clearFault(address);
  }

  /** Moves a {@link ManualClock} forward; the simulator catches up on the next call. */
  public void advance(Duration step) {
    if (!(cluster.clock() instanceof ManualClock manual)) {
      throw new IllegalStateException("the simulator runs on a real clock; only a ManualClock can be advanced");
    }
    manual.advance(step);
  }

  SimCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    if (control != null) {
      control.close();
    }
    server.close();
  }
}
