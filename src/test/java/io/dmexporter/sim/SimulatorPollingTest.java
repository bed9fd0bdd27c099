package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.ChannelPool;
import io.dmexporter.dm.DmClient;
import io.dmexporter.model.MasterMember;
import io.dmexporter.model.PollError;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.poll.Poller;
import io.grpc.InsecureChannelCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exporter's real poller against the simulator over gRPC: every fault kind and a leader change. */
class SimulatorPollingTest {
  private static final Duration TIMEOUT = Duration.ofMillis(800);
  private Simulator sim;
  private Poller poller;
  private ChannelPool channels;

  @BeforeEach
  void start() {
    // 3 masters, 3 workers bound to 3 sources, 2 tasks; DM-master gives up on a hung worker after 300 ms
    sim = Simulator.start(SimulatorOptions.builder().masters(3).workers(3).subtasksPerWorker(2).relay(true)
        .masterRpcTimeout(Duration.ofMillis(300)).build());
  }

  @AfterEach
  void stop() {
    if (poller != null) {
      poller.close();
      channels.close();
    }
    sim.close();
  }

  private Snapshot poll(QueryMode mode) {
    return poll(mode, TIMEOUT);
  }

  private Snapshot poll(QueryMode mode, Duration timeout) {
    if (poller == null) {
      channels = new ChannelPool(InsecureChannelCredentials.create(), null);
      poller = new Poller(new PollSettings(mode, sim.masterAddresses(), List.of(), Duration.ofSeconds(30), timeout),
          new DmClient(channels), Clock.systemUTC());
    }
    return poller.runCycle();
  }

  private static TargetHealth target(Snapshot s, String address) {
    return s.targets().stream().filter(t -> t.address().equals(address)).findFirst().orElseThrow();
  }

  private static Source source(Snapshot s, String id) {
    return s.sources().stream().filter(x -> x.sourceId().equals(id)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void healthyClusterIsFullyVisible(QueryMode mode) {
    // the exporter's default cycle deadline: a first cycle (cold JIT, new connections) on a loaded
    // 2-core machine can take longer than the 800 ms that keeps the fault cases quick
    Snapshot s = poll(mode, Duration.ofSeconds(5));
    assertEquals(3, s.sources().size());
    assertTrue(s.sources().stream().allMatch(Source::up));
    assertTrue(s.sources().stream().allMatch(x -> x.relay() != null));
    assertEquals(6, s.subtasks().size());
    assertEquals(2, s.tasks().size());
    assertTrue(s.targets().stream().allMatch(TargetHealth::up), s.targets().toString());
    assertEquals(3, s.membership().workers().size());
  }

  static Stream<QueryMode> modes() {
    return Stream.of(QueryMode.WORKERS, QueryMode.MASTER);
  }

  /** fault on worker1, the poll error the exporter must classify it as. */
  static Stream<Arguments> workerFaults() {
    return Stream.of(
        Arguments.of(Fault.hang(), PollError.TIMEOUT),
        Arguments.of(Fault.delay(Duration.ofSeconds(3)), PollError.TIMEOUT),
        Arguments.of(Fault.unavailable(), PollError.UNAVAILABLE),
        Arguments.of(Fault.garbage(), PollError.BAD_RESPONSE),
        Arguments.of(Fault.resultFalse("simulated: worker is busy"), PollError.RESULT_FALSE));
  }

  @ParameterizedTest(name = "workers mode, {0}")
  @MethodSource("workerFaults")
  void faultedWorkerIsDownAloneInWorkersMode(Fault fault, PollError expected) {
    String w1 = sim.workerAddress("worker1");
    sim.fault(w1, fault);
    Snapshot s = poll(QueryMode.WORKERS);
    TargetHealth t = target(s, w1);
    assertFalse(t.up());
    assertEquals(TargetRole.WORKER, t.role());
    assertEquals(expected, t.error(), t.message());
    assertFalse(source(s, sim.sourceIds().get(0)).up());
    assertTrue(source(s, sim.sourceIds().get(1)).up() && source(s, sim.sourceIds().get(2)).up());
    assertEquals(4, s.subtasks().size(), "the other workers' subtasks are still read");

    sim.clearFault(w1);
    Snapshot healed = poll(QueryMode.WORKERS);
    assertTrue(target(healed, w1).up());
    assertTrue(source(healed, sim.sourceIds().get(0)).up());
  }

  @ParameterizedTest(name = "master mode, {0}")
  @MethodSource("workerFaults")
  void faultedWorkerIsASourceDownInMasterMode(Fault fault, PollError ignored) {
    sim.fault(sim.workerAddress("worker1"), fault.kind() == Fault.Kind.DELAY ? Fault.hang() : fault);
    Snapshot s = poll(QueryMode.MASTER);
    Source down = source(s, sim.sourceIds().get(0));
    assertFalse(down.up());
    // DM-master names the worker only when the worker itself answered (result=false); for an RPC
    // error it leaves sourceStatus.worker empty (getStatusFromWorkers) and the exporter takes the
    // worker from ListMember's binding: worker1 either way
    assertEquals("worker1", down.worker());
    assertFalse(down.error().isEmpty());
    assertTrue(source(s, sim.sourceIds().get(1)).up());
    assertTrue(target(s, sim.masterAddresses().get(0)).up(), "DM-master itself answered");
  }

  static Stream<Arguments> masterFaults() {
    return Stream.of(
        Arguments.of(Fault.hang(), PollError.TIMEOUT),
        Arguments.of(Fault.unavailable(), PollError.UNAVAILABLE),
        Arguments.of(Fault.garbage(), PollError.BAD_RESPONSE),
        Arguments.of(Fault.resultFalse("simulated: not leader yet"), PollError.RESULT_FALSE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masterFaults")
  void aFaultedMasterIsCoveredByTheOther(Fault fault, PollError expected) {
    String m1 = sim.masterAddresses().get(0);
    sim.fault(m1, fault);
    Snapshot s = poll(QueryMode.WORKERS);
    TargetHealth t = target(s, m1);
    assertFalse(t.up());
    assertEquals(TargetRole.MASTER, t.role());
    assertEquals(expected, t.error(), t.message());
    assertTrue(target(s, sim.masterAddresses().get(1)).up(), s.targets().toString());
    assertEquals(3, s.sources().stream().filter(Source::up).count(), "workers found through master2");
  }

  @Test
  void leaderChangeIsFollowed() {
    Snapshot before = poll(QueryMode.MASTER);
    assertEquals("master1", leader(before));
    sim.setLeader("master2");
    Snapshot after = poll(QueryMode.MASTER);
    assertEquals("master2", leader(after));
    assertEquals(6, after.subtasks().size());
    sim.killMaster("master2"); // two of three masters are left: a quorum, so master1 leads
    Snapshot failover = poll(QueryMode.MASTER);
    assertEquals("master1", leader(failover));
    assertFalse(target(failover, sim.masterAddresses().get(1)).up());
    assertEquals(PollError.UNAVAILABLE, target(failover, sim.masterAddresses().get(1)).error());
    assertEquals(6, failover.subtasks().size(), "the new leader answers for everyone");
  }

  private static String leader(Snapshot s) {
    return s.membership().masters().stream().filter(MasterMember::leader).map(MasterMember::name)
        .findFirst().orElse(null);
  }

  @Test
  void offlineWorkerWithoutFailoverLeavesItsSourceUnbound() {
    sim.offlineWorker("worker3"); // no free worker: mysql-replica-03 is left without one, as in DM
    String src3 = sim.sourceIds().get(2);
    Snapshot workers = poll(QueryMode.WORKERS);
    assertTrue(workers.sources().stream().noneMatch(x -> x.sourceId().equals(src3) && x.up()));
    assertTrue(workers.targets().stream().noneMatch(t -> t.address().equals(sim.workerAddress("worker3"))),
        "an offline worker is not queried");
    assertEquals(4, workers.subtasks().size());
    poller.close();
    poller = null;
    Snapshot master = poll(QueryMode.MASTER);
    Source down = source(master, src3);
    assertFalse(down.up());
    assertTrue(down.error().startsWith("can't find task="), "DM-master's placeholder: " + down.error());
  }
}
