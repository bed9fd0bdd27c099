package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.DumpStatus;
import io.dmexporter.dm.pb.LoadStatus;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import io.dmexporter.dm.pb.UnitType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo starts as the seed's query-status example and then visibly lives. */
class DemoScenarioTest {
  private final ManualClock clock = new ManualClock();
  private final DmStubs grpc = new DmStubs();
  private Simulator demo;

  @BeforeEach
  void start() {
    demo = DemoScenario.start(clock, null);
  }

  @AfterEach
  void stop() {
    grpc.close();
    demo.close();
  }

  private List<QueryStatusResponse> task(String name) {
    return grpc.master(demo.masterAddresses().get(0), QueryStatusListRequest.newBuilder().setName(name).build(),
        DmStubs.DEADLINE).getSourcesList();
  }

  private SubTaskStatus test(int source) {
    return task("test").get(source - 1).getSubTaskStatus(0);
  }

  @Test
  void startsWithTheSeedsValues() {
    List<QueryStatusResponse> test = task("test");
    assertEquals(4, test.size());
    for (int i = 0; i < 4; i++) {
      assertTrue(test.get(i).getResult());
      assertEquals("mysql-replica-0" + (i + 1), test.get(i).getSourceStatus().getSource());
      assertEquals("worker" + (i + 1), test.get(i).getSourceStatus().getWorker());
      assertFalse(test.get(i).getSourceStatus().hasRelayStatus(), "relayStatus is null in the seed");
      assertFalse(test.get(i).getSourceStatus().hasResult());
    }

    SubTaskStatus s1 = test(1);
    assertEquals(Stage.Running, s1.getStage());
    assertEquals(UnitType.Sync, s1.getUnit());
    assertFalse(s1.hasResult());
    assertEquals("test-`test`.`t_target`", s1.getUnresolvedDDLLockID());
    SyncStatus sync = s1.getSync();
    assertEquals("(bin.000001, 3234)", sync.getMasterBinlog());
    assertEquals("c0149e17-dff1-11e8-b6a8-0242ac110004:1-14", sync.getMasterBinlogGtid());
    assertEquals("(bin.000001, 2525)", sync.getSyncerBinlog());
    assertEquals("", sync.getSyncerBinlogGtid());
    assertEquals(List.of("USE `test`; ALTER TABLE `test`.`t_target` DROP COLUMN `age`;"), sync.getBlockingDDLsList());
    assertEquals("`test`.`t_target`", sync.getUnresolvedGroups(0).getTarget());
    assertEquals(sync.getBlockingDDLsList(), sync.getUnresolvedGroups(0).getDDLsList());
    assertEquals("(bin|000001.000001, 3130)", sync.getUnresolvedGroups(0).getFirstLocation());
    assertFalse(sync.getSynced());
    assertEquals(12, sync.getTotalRows());
    assertEquals(1, sync.getTotalRps());
    assertEquals(1, sync.getRecentRps());

    SubTaskStatus s2 = test(2);
    assertEquals(Stage.Running, s2.getStage());
    assertEquals(UnitType.Load, s2.getUnit());
    LoadStatus l2 = s2.getLoad();
    assertEquals(List.of(115L, 452L, 2734L), List.of(l2.getFinishedBytes(), l2.getTotalBytes(), l2.getBps()));
    assertEquals("25.44 %", l2.getProgress());

    SubTaskStatus s3 = test(3);
    assertEquals(Stage.Paused, s3.getStage());
    assertEquals(UnitType.Load, s3.getUnit());
    assertFalse(s3.getResult().getIsCanceled());
    assertEquals(10006, s3.getResult().getErrors(0).getErrCode());
    assertTrue(s3.getResult().getErrors(0).getRawCause().contains("Duplicate entry '1155173304420532225' for key 'PRIMARY'"));
    LoadStatus l3 = s3.getLoad();
    assertEquals(List.of(0L, 156L, 0L), List.of(l3.getFinishedBytes(), l3.getTotalBytes(), l3.getBps()));
    assertEquals("0.00 %", l3.getProgress());

    SubTaskStatus s4 = test(4);
    assertEquals(Stage.Running, s4.getStage());
    DumpStatus d = s4.getDump();
    assertEquals(10, d.getTotalTables());
    assertEquals(List.of(3.0, 2542.0, 32.0, 563.0),
        List.of(d.getCompletedTables(), d.getFinishedBytes(), d.getFinishedRows(), d.getEstimateTotalRows()));
    assertEquals("30.52 %", d.getProgress());
    assertEquals(445, d.getBps());

    List<QueryStatusResponse> test2 = task("test2");
    assertEquals(2, test2.size());
    for (QueryStatusResponse r : test2) {
      SubTaskStatus s = r.getSubTaskStatus(0);
      assertEquals(Stage.Paused, s.getStage());
      assertTrue(s.getResult().getIsCanceled(), "test2 was paused by hand");
      assertEquals(0, s.getResult().getErrorsCount());
    }
  }

  @Test
  void livesAlongItsTimeline() {
    long rows = test(1).getSync().getTotalRows();
    advanceTo(100);
    assertEquals(UnitType.Sync, test(2).getUnit(), "the load at 25.44 % finished");
    assertTrue(test(1).getSync().getTotalRows() > rows, "rows keep flowing");
    assertEquals(Stage.Paused, test(3).getStage());
    advanceTo(130);
    assertEquals(UnitType.Load, test(4).getUnit(), "the dump finished");
    advanceTo(185);
    assertEquals(Stage.Running, test(3).getStage(), "the operator resumed the errored load");
    assertFalse(test(3).hasResult());
    advanceTo(320);
    assertTrue(List.of(1, 2, 3, 4).stream().allMatch(i -> test(i).getUnit() == UnitType.Sync), "everyone in Sync");
    assertEquals("", test(1).getUnresolvedDDLLockID(), "the sharding DDL lock resolved");
    assertEquals(0, test(1).getSync().getBlockingDDLsCount());
    advanceTo(400);
    QueryStatusResponse src1 = task("test").get(0);
    assertEquals(Stage.Paused, src1.getSourceStatus().getRelayStatus().getStage(), "relay paused under a running Sync");
    assertEquals(Stage.Running, src1.getSubTaskStatus(0).getStage());
    advanceTo(500);
    assertEquals(Stage.Running, task("test").get(0).getSourceStatus().getRelayStatus().getStage());
    advanceTo(512);
    assertEquals(Stage.Paused, test(2).getStage(), "another error appears at 510");
    assertEquals(ErrorKind.BAD_CONNECTION.code(), test(2).getResult().getErrors(0).getErrCode());
    advanceTo(515);
    assertEquals(Stage.Running, test(2).getStage(), "auto-resumed by the task checker at its next check");
    advanceTo(537);
    assertEquals(Stage.Paused, test(2).getStage(), "and it comes back 20 s after the resume");
    advanceTo(540);
    assertEquals(Stage.Running, test(2).getStage(), "resumed again at the next check: the back-off is still short");
    advanceTo(602);
    QueryStatusResponse relayed = task("test").get(0);
    assertEquals(Stage.Paused, relayed.getSourceStatus().getRelayStatus().getStage(),
        "after the script, it keeps going in cycles: a relay error first");
    assertEquals(30015, relayed.getSourceStatus().getRelayStatus().getResult().getErrors(0).getErrCode());
    advanceTo(605);
    assertEquals(Stage.Running, task("test").get(0).getSourceStatus().getRelayStatus().getStage(),
        "relay errors are auto-resumed too");
    advanceTo(627);
    assertEquals(Stage.Paused, task("test").get(0).getSourceStatus().getRelayStatus().getStage(), "it flaps");
    advanceTo(700);
    assertEquals(Stage.Running, task("test").get(0).getSourceStatus().getRelayStatus().getStage());
    advanceTo(902);
    assertEquals(Stage.Paused, test(1).getStage(), "the next cycle's error");
    advanceTo(905);
    assertEquals(Stage.Running, test(1).getStage());
  }

  @Test
  void showsAnOptimisticConflictAndAValidator() {
    List<QueryStatusResponse> shard = task(DemoScenario.SHARD_TASK);
    assertEquals(List.of("mysql-replica-03", "mysql-replica-04"),
        shard.stream().map(r -> r.getSourceStatus().getSource()).toList());
    SubTaskStatus s4 = shard.get(1).getSubTaskStatus(0);
    assertEquals(UnitType.Sync, s4.getUnit());
    assertEquals("", s4.getSync().getBlockDDLOwner());
    assertEquals("fast", s4.getValidation().getMode());
    assertEquals(Stage.Running, s4.getValidation().getStage());
    advanceTo(250);
    SyncStatus blocked = task(DemoScenario.SHARD_TASK).get(1).getSubTaskStatus(0).getSync();
    assertEquals("mysql-replica-04-`shard_db`.`shard_tbl`", blocked.getBlockDDLOwner());
    assertTrue(blocked.getConflictMsg().startsWith("[code=11111:"), blocked.getConflictMsg());
    assertEquals(0, blocked.getUnresolvedGroupsCount(), "optimistic mode fills none of the pessimistic fields");
    assertEquals(0, blocked.getBlockingDDLsCount());
    assertEquals("", task(DemoScenario.SHARD_TASK).get(1).getSubTaskStatus(0).getUnresolvedDDLLockID());
    advanceTo(370);
    assertEquals("new/ignored/resolved: 2/0/0",
        task(DemoScenario.SHARD_TASK).get(0).getSubTaskStatus(0).getValidation().getErrorRowsStatus());
    advanceTo(460);
    assertEquals("", task(DemoScenario.SHARD_TASK).get(1).getSubTaskStatus(0).getSync().getBlockDDLOwner(),
        "the conflict is resolved");
  }

  private void advanceTo(double seconds) {
    double now = demo.state().seconds();
    clock.advance(Duration.ofMillis((long) ((seconds - now) * 1000)));
  }

  @Test
  void runsOnSpedUpRealTime() throws InterruptedException {
    try (Simulator fast = DemoScenario.start(30)) {
      String m = fast.masterAddresses().get(0);
      assertEquals(UnitType.Load, grpc.master(m).getSources(1).getSubTaskStatus(0).getUnit());
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (grpc.master(m).getSources(1).getSubTaskStatus(0).getUnit() != UnitType.Sync) {
        assertTrue(System.nanoTime() < deadline, "at speed 30 the first load finishes after about 3 s");
        Thread.sleep(50);
      }
    }
  }
}
