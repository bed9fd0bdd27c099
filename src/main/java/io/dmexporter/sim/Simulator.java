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
      cluster.addTask(task, TaskMode.ALL, ids);
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

  public void addTask(String name, TaskMode mode, String... sources) {
    cluster.addTask(name, mode, List.of(sources));
  }

  public void removeTask(String name) {
    cluster.removeTask(name);
  }

  // ---- subtask stages (DM's diagram; IllegalTransitionException otherwise)

  public void startSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.start(id));
  }

  /** pause-task, or with {@code withError} the error typical of the subtask's unit. */
  public void pauseSubtask(String task, String source, boolean withError) {
    cluster.subtask(task, source, (st, id) -> {
      if (withError) {
        st.fail(id, ErrorKind.typicalFor(st.unit), 0);
      } else {
        st.pause(id);
      }
    });
  }

  /** An error occurs; with {@code repeat > 0} it recurs after each of the next {@code repeat} resumes. */
  public void failSubtask(String task, String source, ErrorKind kind, int repeat) {
    cluster.subtask(task, source, (st, id) -> st.fail(id, kind, repeat));
  }

  public void resumeSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.resume(id));
  }

  public void stopSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.stop(id));
  }

  public void finishSubtask(String task, String source) {
    cluster.subtask(task, source, (st, id) -> st.finish(id));
  }

  // ---- relay, masters, faults, time

  /** Sets the relay's stage and error; enables a disabled relay. */
  public void setRelay(String source, Stage stage, boolean withError) {
    cluster.setRelay(source, stage, withError);
  }

  public void disableRelay(String source) {
    cluster.disableRelay(source);
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
