package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import io.dmexporter.dm.pb.CfgType;
import io.dmexporter.dm.pb.CommonWorkerResponse;
import io.dmexporter.dm.pb.DDLLock;
import io.dmexporter.dm.pb.GetCfgRequest;
import io.dmexporter.dm.pb.GetCfgResponse;
import io.dmexporter.dm.pb.GetSubTaskCfgRequest;
import io.dmexporter.dm.pb.GetSubTaskCfgResponse;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListTaskConfigsResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.OperateSourceRequest;
import io.dmexporter.dm.pb.OperateSourceResponse;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.ShowDDLLocksRequest;
import io.dmexporter.dm.pb.ShowDDLLocksResponse;
import io.dmexporter.dm.pb.SourceOp;
import io.dmexporter.dm.pb.WorkerInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DM-master's other RPCs: ListMember, OperateSource ShowSource, ShowDDLLocks, GetSubTaskCfg, GetCfg, ListTaskConfigs. */
class MasterCallsTest {
  private TestCluster tc;
  private String leader;

  /** 3 masters; worker1 → 01, worker2 → 02; 03 added, unbound; task t on 01 and 03. */
  @BeforeEach
  void start() {
    tc = TestCluster.empty(3, 2);
    for (int i = 1; i <= 3; i++) {
      tc.sim.addSource("mysql-replica-0" + i, i == 1);
    }
    tc.sim.bindWorker("worker1", "mysql-replica-01");
    tc.sim.bindWorker("worker2", "mysql-replica-02");
    tc.sim.addTask("t", TaskMode.ALL, "mysql-replica-01", "mysql-replica-03");
    tc.advanceSeconds(2);
    leader = tc.sim.masterAddresses().get(0);
  }

  @AfterEach
  void stop() {
    tc.close();
  }

  private MasterGrpc.MasterBlockingStub master() {
    return tc.grpc.masterStub(leader);
  }

  @Test
  void listMemberSortsByNameAndFiltersTheLeaderByName() {
    var r = tc.grpc.members(leader, ListMemberRequest.newBuilder().setLeader(true).addNames("master2").build(),
        DmStubs.DEADLINE);
    assertTrue(r.getResult());
    assertEquals("", r.getMembers(0).getLeader().getName(), "the leader is not among the names asked for");
    tc.sim.offlineWorker("worker2");
    List<WorkerInfo> ws = tc.grpc.members(leader, ListMemberRequest.newBuilder().setWorker(true).build(),
        DmStubs.DEADLINE).getMembers(0).getWorker().getWorkersList();
    assertEquals(List.of("worker1", "worker2"), ws.stream().map(WorkerInfo::getName).toList());
    assertEquals(List.of("bound", "offline"), ws.stream().map(WorkerInfo::getStage).toList());
    assertEquals("", ws.get(1).getSource(), "an offline worker has no source (ToOffline clears the bound)");
  }

  @Test
  void showSourceListsEverySourceAndAsksTheBoundOnesWorkers() {
    OperateSourceResponse r = master().operateSource(OperateSourceRequest.newBuilder().setOp(SourceOp.ShowSource).build());
    assertTrue(r.getResult());
    assertEquals(List.of(
        CommonWorkerResponse.newBuilder().setResult(true).setSource("mysql-replica-03")
            .setMsg("source is added but there is no free worker to bound").build(),
        CommonWorkerResponse.newBuilder().setResult(true).setSource("mysql-replica-01").setWorker("worker1").build(),
        CommonWorkerResponse.newBuilder().setResult(true).setSource("mysql-replica-02").setWorker("worker2").build()),
        r.getSourcesList());
    OperateSourceResponse one = master().operateSource(OperateSourceRequest.newBuilder().setOp(SourceOp.ShowSource)
        .addSourceID("mysql-replica-02").build());
    assertEquals(List.of("mysql-replica-02"), one.getSourcesList().stream().map(CommonWorkerResponse::getSource).toList());
  }

  @Test
  void showSourceWaitsForABoundSourcesWorker() {
    tc.sim.fault(tc.sim.workerAddress("worker1"), Fault.hang());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tc.grpc.masterStub(leader)
        .withDeadlineAfter(1, TimeUnit.SECONDS)
        .operateSource(OperateSourceRequest.newBuilder().setOp(SourceOp.ShowSource).build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(),
        "ShowSource fans out: one hung worker delays the whole answer (10 tries, each up to rpc-timeout)");
  }

  @Test
  void showSourceGivesUpOnAWorkerThatCannotBeReached() {
    tc.sim.fault(tc.sim.workerAddress("worker2"), Fault.unavailable());
    long t0 = System.nanoTime();
    OperateSourceResponse r = tc.grpc.masterStub(leader).withDeadlineAfter(30, TimeUnit.SECONDS)
        .operateSource(OperateSourceRequest.newBuilder().setOp(SourceOp.ShowSource).addSourceID("mysql-replica-02")
            .build());
    assertTrue(System.nanoTime() - t0 >= Duration.ofSeconds(9).toNanos(), "ten tries one second apart");
    assertEquals(CommonWorkerResponse.newBuilder().setResult(false).setSource("mysql-replica-02").setWorker("worker2")
        .setMsg("[code=38045:class=dm-master:scope=internal:level=medium], Message: fail to get expected result")
        .build(), r.getSources(0));
  }

  @Test
  void getSubTaskCfgAnswersFromDmMastersStateForUnboundSourcesToo() {
    tc.sim.offlineWorker("worker1");
    GetSubTaskCfgResponse r = master().getSubTaskCfg(GetSubTaskCfgRequest.newBuilder().setName("t").build());
    assertTrue(r.getResult());
    assertEquals(2, r.getCfgsCount());
    assertTrue(r.getCfgs(0).contains("\nname = \"t\"\n") && r.getCfgs(0).contains("\nsource-id = \"mysql-replica-01\"\n"),
        r.getCfgs(0));
    assertTrue(r.getCfgs(1).contains("\nsource-id = \"mysql-replica-03\"\n"), r.getCfgs(1));
    assertTrue(r.getCfgs(0).contains("\nmode = \"all\"\n") && r.getCfgs(0).contains("\n[to]\n"), r.getCfgs(0));
    GetSubTaskCfgResponse none = master().getSubTaskCfg(GetSubTaskCfgRequest.newBuilder().setName("zzz").build());
    assertEquals(GetSubTaskCfgResponse.newBuilder().setResult(false).setMsg("task not found").build(), none);
  }

  @Test
  void getCfgForTasksAndSources() {
    GetCfgResponse task = master().getCfg(GetCfgRequest.newBuilder().setType(CfgType.TaskType).setName("t").build());
    assertTrue(task.getResult());
    assertTrue(task.getCfg().startsWith("name: t\n") && task.getCfg().contains("\n- source-id: mysql-replica-03\n"),
        task.getCfg());
    GetCfgResponse source = master().getCfg(GetCfgRequest.newBuilder().setType(CfgType.SourceType)
        .setName("mysql-replica-01").build());
    assertTrue(source.getCfg().contains("source-id: mysql-replica-01\n") && source.getCfg().contains("enable-relay: true"),
        source.getCfg());
    assertEquals(GetCfgResponse.newBuilder().setMsg("task not found").build(),
        master().getCfg(GetCfgRequest.newBuilder().setType(CfgType.TaskType).setName("zzz").build()));
    assertEquals(GetCfgResponse.newBuilder().setMsg("source not found").build(),
        master().getCfg(GetCfgRequest.newBuilder().setType(CfgType.SourceType).setName("zzz").build()));
  }

  @Test
  void listTaskConfigsOnV8() {
    tc.sim.addTask("u", TaskMode.INCREMENTAL, "mysql-replica-02");
    ListTaskConfigsResponse r = master().listTaskConfigs(Empty.getDefaultInstance());
    assertTrue(r.getResult());
    Map<String, String> cfgs = r.getTaskConfigsMap();
    assertEquals(List.of("t", "u"), cfgs.keySet().stream().sorted().toList());
    assertTrue(cfgs.get("t").contains("mysql-instances:\n- source-id: mysql-replica-01\n"), cfgs.get("t"));
    assertTrue(cfgs.get("u").contains("task-mode: incremental\n"), cfgs.get("u"));
  }

  @ParameterizedTest
  @EnumSource(value = DmVersion.class, names = {"V5_3", "V6_1", "V6_4"})
  void listTaskConfigsIsUnimplementedBeforeV8(DmVersion version) {
    tc.sim.setVersion(version);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> master().listTaskConfigs(Empty.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    assertEquals("unknown method ListTaskConfigs for service pb.Master", e.getStatus().getDescription());
    tc.sim.setVersion(DmVersion.V9_0);
    assertTrue(master().listTaskConfigs(Empty.getDefaultInstance()).getResult());
  }

  @Test
  void showDdlLocksPessimisticAndOptimistic() {
    assertEquals(ShowDDLLocksResponse.newBuilder().setResult(true).setMsg("no DDL lock exists").build(),
        master().showDDLLocks(ShowDDLLocksRequest.getDefaultInstance()));
    String ddl = "ALTER TABLE `shard_db`.`shard_tbl` ADD COLUMN `c2` INT";
    tc.sim.addTask("p", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-02");
    tc.sim.setShardMode("p", ShardMode.PESSIMISTIC);
    tc.sim.addTask("o", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-02");
    tc.sim.setShardMode("o", ShardMode.OPTIMISTIC);
    tc.advanceSeconds(2);
    tc.sim.shardDdl("p", "mysql-replica-02", ddl);
    tc.sim.shardDdl("o", "mysql-replica-01", ddl);
    ShowDDLLocksResponse r = master().showDDLLocks(ShowDDLLocksRequest.getDefaultInstance());
    assertEquals("", r.getMsg());
    assertEquals(List.of(
        DDLLock.newBuilder().setID("p-`shard_db`.`shard_tbl`").setTask("p").setMode("pessimistic")
            .setOwner("mysql-replica-02").addDDLs(ddl).addSynced("mysql-replica-02").addUnsynced("mysql-replica-01")
            .build(),
        DDLLock.newBuilder().setID("o-`shard_db`.`shard_tbl`").setTask("o").setMode("optimistic")
            .setOwner("mysql-replica-01-`shard_db`.`shard_tbl`").addDDLs(ddl)
            .addSynced("mysql-replica-02-`shard_db`.`shard_tbl`").addUnsynced("mysql-replica-01-`shard_db`.`shard_tbl`")
            .build()), r.getLocksList());
    assertEquals(List.of("o"), master().showDDLLocks(ShowDDLLocksRequest.newBuilder().setTask("o").build())
        .getLocksList().stream().map(DDLLock::getTask).toList());
    assertEquals(0, master().showDDLLocks(ShowDDLLocksRequest.newBuilder().addSources("mysql-replica-03").build())
        .getLocksCount());
    tc.sim.setVersion(DmVersion.V5_3);
    DDLLock old = master().showDDLLocks(ShowDDLLocksRequest.newBuilder().setTask("o").build()).getLocks(0);
    assertEquals("", old.getOwner(), "v5.3: owner and DDLs are N/A for an optimistic lock");
    assertEquals(0, old.getDDLsCount());
    tc.sim.resolveShardDdl("p");
    tc.sim.resolveShardDdl("o");
    assertEquals("no DDL lock exists", master().showDDLLocks(ShowDDLLocksRequest.getDefaultInstance()).getMsg());
  }

  static Stream<Consumer<MasterGrpc.MasterBlockingStub>> everyMasterRpc() {
    return Stream.of(
        m -> m.queryStatus(QueryStatusListRequest.getDefaultInstance()),
        m -> m.listMember(ListMemberRequest.getDefaultInstance()),
        m -> m.operateSource(OperateSourceRequest.newBuilder().setOp(SourceOp.ShowSource).build()),
        m -> m.showDDLLocks(ShowDDLLocksRequest.getDefaultInstance()),
        m -> m.getSubTaskCfg(GetSubTaskCfgRequest.newBuilder().setName("t").build()),
        m -> m.getCfg(GetCfgRequest.newBuilder().setType(CfgType.TaskType).setName("t").build()),
        m -> m.listTaskConfigs(Empty.getDefaultInstance()));
  }

  @Test
  void withoutALeaderEveryMasterRpcFailsWithDmsNotLeaderError() {
    tc.sim.clearLeader();
    for (String address : tc.sim.masterAddresses()) {
      everyMasterRpc().forEach(call -> {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call.accept(tc.grpc.masterStub(address)));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertEquals("[code=38043:class=dm-master:scope=internal:level=high], Message: master is not leader, "
            + "and can't forward request to leader", e.getStatus().getDescription());
      });
    }
    assertEquals(null, tc.sim.state().leader());
    tc.sim.setLeader("master2");
    assertEquals("master2", tc.grpc.members(leader, ListMemberRequest.getDefaultInstance(), DmStubs.DEADLINE)
        .getMembers(0).getLeader().getName());
  }

  @Test
  void losingTheQuorumLosesTheLeader() {
    tc.sim.killMaster("master1");
    assertEquals("master2", tc.sim.state().leader(), "two of three alive: a new leader");
    tc.sim.killMaster("master3");
    assertEquals(null, tc.sim.state().leader(), "one of three: no quorum, no leader");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tc.grpc.members(
        tc.sim.masterAddresses().get(1), ListMemberRequest.getDefaultInstance(), DmStubs.DEADLINE));
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
    tc.sim.reviveMaster("master3");
    assertEquals("master2", tc.sim.state().leader());
  }

  @Test
  void aFollowerForwardsAfterATenthOfASecond() {
    String follower = tc.sim.masterAddresses().get(1);
    long t0 = System.nanoTime();
    var r = tc.grpc.members(follower, ListMemberRequest.getDefaultInstance(), DmStubs.DEADLINE);
    assertTrue(System.nanoTime() - t0 >= SimCluster.FORWARD_DELAY.toNanos());
    assertEquals("master1", r.getMembers(0).getLeader().getName());
  }
}
