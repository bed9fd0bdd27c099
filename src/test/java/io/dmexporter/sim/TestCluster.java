package io.dmexporter.sim;

import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SubTaskStatus;
import java.time.Duration;

/** A simulator on a manual clock plus a gRPC client: the fixture most simulator tests share. */
final class TestCluster implements AutoCloseable {
  final ManualClock clock;
  final Simulator sim;
  final DmStubs grpc = new DmStubs();

  private TestCluster(ManualClock clock, Simulator sim) {
    this.clock = clock;
    this.sim = sim;
  }

  /** Masters and {@code workers} free workers, nothing else. */
  static TestCluster empty(int masters, int workers) {
    ManualClock c = new ManualClock();
    return new TestCluster(c, Simulator.startEmpty(SimulatorOptions.builder()
        .masters(masters).workers(workers).clock(c).seed(7).masterRpcTimeout(Duration.ofMillis(300)).build()));
  }

  /** Like {@link #empty(int, int)}, emulating {@code version}. */
  static TestCluster empty(int masters, int workers, DmVersion version) {
    ManualClock c = new ManualClock();
    return new TestCluster(c, Simulator.startEmpty(SimulatorOptions.builder().masters(masters).workers(workers)
        .clock(c).seed(7).masterRpcTimeout(Duration.ofMillis(300)).version(version).build()));
  }

  /** One worker bound to {@code mysql-replica-01}, running one task {@code t} in {@code mode}. */
  static TestCluster oneSubtask(TaskMode mode, boolean relay) {
    TestCluster tc = empty(1, 1);
    tc.sim.addSource("mysql-replica-01", relay);
    tc.sim.bindWorker("worker1", "mysql-replica-01");
    tc.sim.addTask("t", mode, "mysql-replica-01");
    return tc;
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  void advanceSeconds(double s) {
    advance(Duration.ofNanos(Math.round(s * 1e9)));
  }

  /** Moves the clock to {@code seconds} since the cluster started. */
  void advanceTo(double seconds) {
    double now = sim.state().seconds();
    if (seconds < now) {
      throw new IllegalArgumentException("already at " + now + " s, cannot go back to " + seconds);
    }
    advanceSeconds(seconds - now);
  }

  /** The task checker's back-off level of task {@code t} on {@code mysql-replica-01}. */
  int autoResumeLevel() {
    return sim.state().tasks().stream().filter(t -> t.name().equals("t")).findFirst().orElseThrow()
        .subtasks().get(0).autoResumeLevel();
  }

  QueryStatusResponse worker(String name) {
    return grpc.worker(sim.workerAddress(name));
  }

  /** Task {@code t} as worker1 reports it over gRPC. */
  SubTaskStatus subtask() {
    return worker("worker1").getSubTaskStatus(0);
  }

  @Override
  public void close() {
    grpc.close();
    sim.close();
  }
}
