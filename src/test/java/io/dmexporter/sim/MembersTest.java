package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerInfo;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ListMember (flags, names, stages, leader) and DM-master's QueryStatus filters. */
class MembersTest {
  private TestCluster tc;

  @BeforeEach
  void start() {
    // 3 masters; workers 1-3 bound to sources 01-03, worker4 free, source 04 unbound
    tc = TestCluster.empty(3, 4);
    for (int i = 1; i <= 4; i++) {
      tc.sim.addSource("mysql-replica-0" + i, i == 2);
      if (i < 4) {
        tc.sim.bindWorker("worker" + i, "mysql-replica-0" + i);
      }
    }
    tc.sim.addTask("a", TaskMode.INCREMENTAL, "mysql-replica-01", "mysql-replica-02", "mysql-replica-04");
    tc.sim.addTask("b", TaskMode.ALL, "mysql-replica-02", "mysql-replica-03");
    tc.advanceSeconds(2);
  }

  @AfterEach
  void stop() {
    tc.close();
  }

  private ListMemberResponse members(String master, ListMemberRequest req) {
    return tc.grpc.members(master, req, DmStubs.DEADLINE);
  }

  @Test
  void allFlagsFalseMeansEverything() {
    ListMemberResponse r = members(tc.sim.masterAddresses().get(1), ListMemberRequest.getDefaultInstance());
    assertTrue(r.getResult());
    assertEquals(List.of(Members.MemberCase.LEADER, Members.MemberCase.MASTER, Members.MemberCase.WORKER),
        r.getMembersList().stream().map(Members::getMemberCase).toList());
    assertEquals("master1", r.getMembers(0).getLeader().getName());
    assertEquals(tc.sim.masterAddresses().get(0), r.getMembers(0).getLeader().getAddr());
    assertEquals(3, r.getMembers(1).getMaster().getMastersCount());
    assertTrue(r.getMembers(1).getMaster().getMasters(0).getClientURLs(0).startsWith("http://127.0.0.1:"));
    List<WorkerInfo> workers = r.getMembers(2).getWorker().getWorkersList();
    assertEquals(List.of("bound", "bound", "bound", "free"), workers.stream().map(WorkerInfo::getStage).toList());
    assertEquals(List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03", ""),
        workers.stream().map(WorkerInfo::getSource).toList());
    assertEquals(tc.sim.workerAddress("worker2"), workers.get(1).getAddr());
  }

  @Test
  void flagsAndNamesSelect() {
    String m = tc.sim.masterAddresses().get(0);
    ListMemberResponse onlyWorkers = members(m, ListMemberRequest.newBuilder().setWorker(true).addNames("worker4").build());
    assertEquals(1, onlyWorkers.getMembersCount());
    assertEquals("worker4", onlyWorkers.getMembers(0).getWorker().getWorkers(0).getName());
    assertEquals(1, onlyWorkers.getMembers(0).getWorker().getWorkersCount());
    ListMemberResponse leaderAndMasters = members(m, ListMemberRequest.newBuilder().setLeader(true).setMaster(true).build());
    assertEquals(List.of(Members.MemberCase.LEADER, Members.MemberCase.MASTER),
        leaderAndMasters.getMembersList().stream().map(Members::getMemberCase).toList());
  }

  @Test
  void workerStagesFollowOfflineRelayAndFailover() {
    tc.sim.relayWorker("worker4", "mysql-replica-02");
    WorkerInfo relay = workers().get(3);
    assertEquals("relay", relay.getStage());
    assertEquals("", relay.getSource(), "ListMember shows the bound source; a relay worker is bound to none");
    assertTrue(tc.grpc.worker(tc.sim.workerAddress("worker4")).getSourceStatus().hasRelayStatus());
    tc.sim.unbindWorker("worker4");

    tc.sim.offlineWorker("worker1"); // its source moves to the free worker4, like DM's scheduler does
    List<WorkerInfo> w = workers();
    assertEquals(List.of("offline", "bound", "bound", "bound"), w.stream().map(WorkerInfo::getStage).toList());
    assertEquals("mysql-replica-01", w.get(3).getSource());
    QueryStatusResponse moved = tc.grpc.worker(tc.sim.workerAddress("worker4"));
    assertEquals("worker4", moved.getSourceStatus().getWorker());
    assertEquals("a", moved.getSubTaskStatus(0).getName(), "the subtasks move with the source");
  }

  private List<WorkerInfo> workers() {
    return members(tc.sim.masterAddresses().get(0), ListMemberRequest.newBuilder().setWorker(true).build())
        .getMembers(0).getWorker().getWorkersList();
  }

  @Test
  void leaderChangeAndMasterDeath() {
    tc.sim.setLeader("master2");
    for (String m : tc.sim.masterAddresses()) {
      assertEquals("master2", members(m, ListMemberRequest.newBuilder().setLeader(true).build())
          .getMembers(0).getLeader().getName());
    }
    tc.sim.killMaster("master2");
    String m1 = tc.sim.masterAddresses().get(0);
    ListMemberResponse r = members(m1, ListMemberRequest.getDefaultInstance());
    assertEquals("master1", r.getMembers(0).getLeader().getName(), "leadership moves to an alive master");
    assertFalse(r.getMembers(1).getMaster().getMasters(1).getAlive());
    assertThrows(StatusRuntimeException.class,
        () -> members(tc.sim.masterAddresses().get(1), ListMemberRequest.getDefaultInstance()));
    assertThrows(IllegalStateException.class, () -> tc.sim.setLeader("master2"));
    tc.sim.reviveMaster("master2");
    tc.sim.setLeader("master2");
    assertEquals("master2", members(m1, ListMemberRequest.getDefaultInstance()).getMembers(0).getLeader().getName());
  }

  @Test
  void masterQueryStatusFiltersByTaskAndSource() {
    String m = tc.sim.masterAddresses().get(2); // a follower answers like the leader
    QueryStatusListResponse all = tc.grpc.master(m);
    assertEquals(List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03", "mysql-replica-04"),
        all.getSourcesList().stream().map(s -> s.getSourceStatus().getSource()).toList());
    assertEquals(2, all.getSources(1).getSubTaskStatusCount());
    assertTrue(all.getSources(1).getSourceStatus().hasRelayStatus(), "relay is enabled on source 02 only");
    assertFalse(all.getSources(0).getSourceStatus().hasRelayStatus());
    assertFalse(all.getSources(3).getResult(), "source 04 has no worker: a placeholder for its task");
    assertEquals("source not bound", all.getSources(3).getSourceStatus().getWorker());
    assertEquals("a", all.getSources(3).getSubTaskStatus(0).getName());

    QueryStatusListResponse b = tc.grpc.master(m, QueryStatusListRequest.newBuilder().setName("b").build(), DmStubs.DEADLINE);
    assertEquals(List.of("mysql-replica-02", "mysql-replica-03"),
        b.getSourcesList().stream().map(s -> s.getSourceStatus().getSource()).toList());
    assertTrue(b.getSourcesList().stream().allMatch(s -> s.getSubTaskStatusCount() == 1
        && s.getSubTaskStatus(0).getName().equals("b")));

    QueryStatusListResponse one = tc.grpc.master(m, QueryStatusListRequest.newBuilder().setName("a")
        .addSources("mysql-replica-02").build(), DmStubs.DEADLINE);
    assertEquals(1, one.getSourcesCount());
    assertEquals("a", one.getSources(0).getSubTaskStatus(0).getName());

    QueryStatusListResponse unknown = tc.grpc.master(m, QueryStatusListRequest.newBuilder().setName("zzz").build(),
        DmStubs.DEADLINE);
    assertFalse(unknown.getResult());
    assertTrue(unknown.getMsg().contains("zzz"), unknown.getMsg());
  }

  @Test
  void workerQueryStatusByName() {
    String w2 = tc.sim.workerAddress("worker2");
    assertEquals(2, tc.grpc.worker(w2).getSubTaskStatusCount());
    assertEquals("b", tc.grpc.worker(w2, "b", DmStubs.DEADLINE).getSubTaskStatus(0).getName());
    var missing = tc.grpc.worker(tc.sim.workerAddress("worker3"), "a", DmStubs.DEADLINE).getSubTaskStatus(0);
    assertEquals("no sub task with name a has started", missing.getMsg());
    QueryStatusResponse free = tc.grpc.worker(tc.sim.workerAddress("worker4"));
    assertFalse(free.getResult());
    assertEquals("[code=40070:class=dm-worker:scope=internal:level=high], Message: no mysql source is being handled "
        + "in the worker", free.getMsg(), "ErrWorkerNoStart");
    assertEquals("worker4", free.getSourceStatus().getWorker());
  }
}
