package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fault kind, seen by a real gRPC client with deadlines, on a worker, through the master, and on the master. */
class FaultTest {
  private static final Duration SHORT = Duration.ofMillis(400);
  private TestCluster tc;
  private String master;
  private String worker1;

  @BeforeEach
  void start() {
    tc = TestCluster.empty(1, 2);
    for (int i = 1; i <= 2; i++) {
      tc.sim.addSource("mysql-replica-0" + i, false);
      tc.sim.bindWorker("worker" + i, "mysql-replica-0" + i);
    }
    tc.sim.addTask("t", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-02");
    master = tc.sim.masterAddresses().get(0);
    worker1 = tc.sim.workerAddress("worker1");
  }

  @AfterEach
  void stop() {
    tc.close();
  }

  /** fault, what a direct client of the endpoint gets (null = an answer), what DM-master says about its source. */
  static Stream<Arguments> workerFaults() {
    return Stream.of(
        Arguments.of(Fault.hang(), Status.Code.DEADLINE_EXCEEDED, "code = DeadlineExceeded"),
        Arguments.of(Fault.unavailable(), Status.Code.UNAVAILABLE, "code = Unavailable"),
        Arguments.of(Fault.garbage(), Status.Code.CANCELLED, "failed to unmarshal the received message"),
        Arguments.of(Fault.resultFalse("worker is shutting down"), null, "worker is shutting down"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workerFaults")
  void workerFaultIsSeenDirectlyAndThroughTheMaster(Fault fault, Status.Code direct, String masterMsg) {
    tc.sim.fault(worker1, fault);
    if (direct == null) {
      QueryStatusResponse r = tc.grpc.worker(worker1, "", SHORT);
      assertFalse(r.getResult());
      assertEquals(fault.message(), r.getMsg());
    } else {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tc.grpc.worker(worker1, "", SHORT));
      assertEquals(direct, e.getStatus().getCode(), e.toString());
    }
    QueryStatusListResponse all = tc.grpc.master(master, QueryStatusListRequest.getDefaultInstance(), Duration.ofSeconds(5));
    assertTrue(all.getResult());
    assertFalse(all.getSources(0).getResult());
    assertTrue(all.getSources(0).getMsg().contains(masterMsg), all.getSources(0).getMsg());
    assertEquals("mysql-replica-01", all.getSources(0).getSourceStatus().getSource());
    assertTrue(all.getSources(1).getResult(), "the other source is unaffected");

    tc.sim.clearFault(worker1);
    assertTrue(tc.grpc.worker(worker1, "", SHORT).getResult());
  }

  /** grpc-java cancels a call whose response it cannot parse; the parse failure is the cause. */
  @Test
  void garbageIsUndecodable() {
    tc.sim.fault(worker1, Fault.garbage());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tc.grpc.worker(worker1, "", SHORT));
    assertEquals(Status.Code.CANCELLED, e.getStatus().getCode());
    assertEquals("Failed to read message.", e.getStatus().getDescription());
    Status cause = Status.fromThrowable(e.getStatus().getCause());
    assertEquals(Status.Code.INTERNAL, cause.getCode());
    assertTrue(cause.getDescription().contains("Invalid protobuf byte sequence"), cause.toString());
  }

  @Test
  void delayHoldsTheAnswerBackAndTheMasterWaitsForIt() {
    tc.sim.fault(worker1, Fault.delay(Duration.ofMillis(500)));
    assertTakesAtLeast(500, () -> tc.grpc.worker(worker1));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> tc.grpc.worker(worker1, "", Duration.ofMillis(150)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    // DM-master's rpc-timeout is 300 ms here: it gives up on the worker and says so
    QueryStatusListResponse late = assertTakesAtLeast(300, () -> tc.grpc.master(master));
    assertFalse(late.getSources(0).getResult());
    assertTrue(late.getSources(0).getMsg().endsWith("RawCause: rpc error: code = DeadlineExceeded desc = context "
        + "deadline exceeded"), late.getSources(0).getMsg());
    assertTrue(late.getSources(1).getResult(), "the other worker's answer waited for the slow one");
    tc.sim.fault(worker1, Fault.delay(Duration.ofMillis(200)));
    QueryStatusListResponse r = assertTakesAtLeast(200, () -> tc.grpc.master(master));
    assertTrue(r.getSources(0).getResult(), "a slow worker within the rpc-timeout still answers");
  }

  @Test
  void hangingWorkerMakesTheMasterWaitItsRpcTimeout() {
    tc.sim.fault(worker1, Fault.hang());
    QueryStatusListResponse r = assertTakesAtLeast(300, () -> tc.grpc.master(master));
    assertEquals("[code=38008:class=dm-master:scope=internal:level=high], Message: grpc request error, RawCause: "
        + "rpc error: code = DeadlineExceeded desc = context deadline exceeded", r.getSources(0).getMsg());
    assertEquals("", r.getSources(0).getSourceStatus().getWorker(), "an RPC error leaves the worker name empty");
    assertEquals(0, r.getSources(0).getSubTaskStatusCount(), "and no subtask entries");
  }

  static Stream<Arguments> masterFaults() {
    return Stream.of(
        Arguments.of(Fault.hang(), Status.Code.DEADLINE_EXCEEDED),
        Arguments.of(Fault.unavailable(), Status.Code.UNAVAILABLE),
        Arguments.of(Fault.garbage(), Status.Code.CANCELLED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masterFaults")
  void masterFaultBreaksBothMasterMethods(Fault fault, Status.Code code) {
    tc.sim.fault(master, fault);
    for (Function<String, Object> call : calls()) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call.apply(master));
      assertEquals(code, e.getStatus().getCode());
    }
    tc.sim.clearFault(master);
    calls().forEach(c -> c.apply(master));
  }

  @Test
  void masterResultFalse() {
    tc.sim.fault(master, Fault.resultFalse("etcd is unreachable"));
    QueryStatusListResponse r = tc.grpc.master(master);
    assertFalse(r.getResult());
    assertEquals("etcd is unreachable", r.getMsg());
    var m = tc.grpc.members(master, ListMemberRequest.getDefaultInstance(), SHORT);
    assertFalse(m.getResult());
    assertEquals("etcd is unreachable", m.getMsg());
  }

  private java.util.List<Function<String, Object>> calls() {
    return java.util.List.of(
        a -> tc.grpc.master(a, QueryStatusListRequest.getDefaultInstance(), SHORT),
        a -> tc.grpc.members(a, ListMemberRequest.getDefaultInstance(), SHORT));
  }

  @Test
  void offlineWorkerRefusesAndItsSourceLosesItsWorker() {
    tc.sim.offlineWorker("worker1");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tc.grpc.worker(worker1, "", SHORT));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    QueryStatusListResponse r = tc.grpc.master(master);
    assertFalse(r.getSources(0).getResult());
    assertEquals("can't find task=t from dm-worker for source=mysql-replica-01, please use dmctl list-member to check "
        + "if worker is offline.", r.getSources(0).getMsg(), "DM-master's placeholder for the unbound source");
    QueryStatusListResponse byName = tc.grpc.master(master, QueryStatusListRequest.newBuilder().setName("t").build(),
        SHORT);
    assertEquals("[code=38029:class=dm-master:scope=internal:level=high], Message: mysql-replica-01 relevant "
        + "worker-client not found, Workaround: Please use list-member command to see if the some workers are offline.",
        byName.getSources(0).getMsg());
    tc.sim.onlineWorker("worker1");
    assertTrue(tc.grpc.master(master).getSources(0).getResult(), "the returning worker takes the source back");
  }

  @Test
  void aMasterPortDoesNotServeTheWorkerService() {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(master).usePlaintext().build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> WorkerGrpc.newBlockingStub(ch)
          .withDeadlineAfter(2, TimeUnit.SECONDS).queryStatus(io.dmexporter.dm.pb.QueryStatusRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void globalLatencyDelaysEveryAnswer() {
    try (Simulator sim = Simulator.start(SimulatorOptions.builder().workers(1).latency(Duration.ofMillis(300)).build());
        DmStubs grpc = new DmStubs()) {
      assertTakesAtLeast(300, () -> grpc.worker(sim.workerAddresses().get(0)));
      assertTakesAtLeast(300, () -> grpc.master(sim.masterAddresses().get(0)));
    }
  }

  private static <T> T assertTakesAtLeast(long millis, java.util.function.Supplier<T> call) {
    long t0 = System.nanoTime();
    T out = call.get();
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(took >= millis, "took " + took + " ms, expected at least " + millis);
    return out;
  }
}
