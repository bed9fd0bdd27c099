package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.GetSubTaskCfgRequest;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DM-worker subtask's stages: stop-task deletes, created-stopped subtasks, the transient stages, worker changes. */
class StagesTest {
  private static final String S1 = "mysql-replica-01";
  private static final String S2 = "mysql-replica-02";

  private static TestCluster twoSources() {
    TestCluster tc = TestCluster.empty(1, 3);
    tc.sim.addSource(S1, false);
    tc.sim.addSource(S2, false);
    tc.sim.bindWorker("worker1", S1);
    tc.sim.bindWorker("worker2", S2);
    tc.sim.addTask("t", TaskMode.INCREMENTAL, S1, S2);
    tc.advanceSeconds(2);
    return tc;
  }

  private static List<Stage> stages(TestCluster tc) {
    return List.of(tc.worker("worker1").getSubTaskStatus(0).getStage(), tc.worker("worker2").getSubTaskStatus(0).getStage());
  }

  @Test
  void stopTaskDeletesTheSubtasksInsteadOfShowingStopped() {
    try (TestCluster tc = twoSources()) {
      tc.sim.stopSubtask("t", S1);
      QueryStatusResponse w1 = tc.worker("worker1");
      assertEquals(0, w1.getSubTaskStatusCount(), "the subtask is gone from its worker");
      assertEquals("no sub task started", w1.getMsg());
      var master = tc.grpc.master(tc.sim.masterAddresses().get(0),
          QueryStatusListRequest.newBuilder().setName("t").build(), DmStubs.DEADLINE);
      assertEquals(List.of(S2), master.getSourcesList().stream().map(r -> r.getSourceStatus().getSource()).toList(),
          "and from DM-master's view of the task");
      tc.sim.stopTask("t");
      assertEquals(List.of(), tc.sim.taskNames());
      assertFalse(tc.grpc.masterStub(tc.sim.masterAddresses().get(0))
          .getSubTaskCfg(GetSubTaskCfgRequest.newBuilder().setName("t").build()).getResult());
    }
  }

  @Test
  void aTaskCreatedStoppedShowsStoppedUntilStartedOrResumed() {
    try (TestCluster tc = twoSources()) {
      tc.sim.createStopped("c", TaskMode.ALL, S1, S2);
      tc.advanceSeconds(30);
      SubTaskStatus c1 = tc.worker("worker1").getSubTaskStatus(0);
      assertEquals("c", c1.getName());
      assertEquals(Stage.Stopped, c1.getStage());
      assertEquals(UnitType.Dump, c1.getUnit(), "its units exist, the first one is current");
      tc.sim.startSubtask("c", S1);
      tc.sim.resumeSubtask("c", S2); // resume-task also resumes a Stopped subtask
      tc.advanceSeconds(5);
      assertEquals(Stage.Running, tc.worker("worker1").getSubTaskStatus(0).getStage());
      assertEquals(Stage.Running, tc.worker("worker2").getSubTaskStatus(0).getStage());
      assertTrue(tc.worker("worker2").getSubTaskStatus(0).getDump().getFinishedBytes() > 0);
    }
  }

  @Test
  void everySubtaskCanBeHeldPausingResumingOrStopping() {
    try (TestCluster tc = twoSources()) {
      tc.sim.stickSubtask("t", S1, true);
      tc.sim.stickSubtask("t", S2, true);
      tc.sim.pauseTask("t");
      assertEquals(List.of(Stage.Pausing, Stage.Pausing), stages(tc), "all Pausing: the task shows Pausing");
      tc.sim.stickSubtask("t", S1, false);
      tc.sim.stickSubtask("t", S2, false);
      assertEquals(List.of(Stage.Paused, Stage.Paused), stages(tc));
      assertTrue(tc.worker("worker1").getSubTaskStatus(0).getResult().getIsCanceled());

      tc.sim.stickSubtask("t", S1, true);
      tc.sim.stickSubtask("t", S2, true);
      tc.sim.resumeTask("t");
      assertEquals(List.of(Stage.Resuming, Stage.Resuming), stages(tc));
      tc.sim.stickSubtask("t", S1, false);
      assertEquals(List.of(Stage.Running, Stage.Resuming), stages(tc), "mixed: the task shows Running");
      tc.sim.stickSubtask("t", S2, false);

      tc.sim.stickSubtask("t", S1, true);
      tc.sim.stickSubtask("t", S2, true);
      tc.sim.stopTask("t");
      assertEquals(List.of(Stage.Stopping, Stage.Stopping), stages(tc), "stop-task in progress");
      assertEquals(List.of(), tc.sim.taskNames(), "DM-master has already forgotten the task");
      tc.sim.stickSubtask("t", S1, false);
      tc.sim.stickSubtask("t", S2, false);
      assertEquals(0, tc.worker("worker1").getSubTaskStatusCount());
      assertEquals(0, tc.worker("worker2").getSubTaskStatusCount());
    }
  }

  @Test
  void pauseTaskAndResumeTaskActOnTheSubtasksThatCan() {
    try (TestCluster tc = twoSources()) {
      tc.sim.pauseSubtask("t", S1, false);
      tc.sim.pauseTask("t"); // S1 is paused already: left as it is, S2 pauses
      assertEquals(List.of(Stage.Paused, Stage.Paused), stages(tc));
      tc.sim.resumeTask("t");
      assertEquals(List.of(Stage.Running, Stage.Running), stages(tc));
    }
  }

  @Test
  void aSourceTakenOverByAnotherWorkerRunsAgainWithoutItsErrorPause() {
    try (TestCluster tc = twoSources()) {
      tc.sim.failSubtask("t", S1, ErrorKind.DUPLICATE_ENTRY, 0);
      tc.sim.pauseSubtask("t", S2, false);
      tc.sim.offlineWorker("worker1"); // worker3 is free: it takes mysql-replica-01
      SubTaskStatus moved = tc.worker("worker3").getSubTaskStatus(0);
      assertEquals(Stage.Running, moved.getStage(), "an error pause is not in etcd: the new worker runs the subtask");
      assertFalse(moved.hasResult());
      tc.sim.offlineWorker("worker2");
      assertEquals("offline", tc.sim.state().workers().get(1).stage());
      assertEquals(null, tc.sim.state().sources().get(1).worker(), "no free worker left: mysql-replica-02 stays unbound");
      tc.sim.onlineWorker("worker2");
      SubTaskStatus back = tc.worker("worker2").getSubTaskStatus(0);
      assertEquals(S2, tc.worker("worker2").getSourceStatus().getSource(), "it takes its last source back");
      assertEquals(Stage.Paused, back.getStage(), "a manual pause is DM-master's expectation: still Paused");
      assertFalse(back.hasResult(), "created Paused by the worker: no result, no isCanceled");
    }
  }

  @Test
  void theSchedulerPrefersTheSourcesPreviousWorker() {
    try (TestCluster tc = TestCluster.empty(1, 3)) {
      tc.sim.addSource(S1, false);
      tc.sim.addSource(S2, false);
      tc.sim.bindWorker("worker3", S1);
      tc.sim.bindWorker("worker2", S2);
      tc.sim.unbindWorker("worker2"); // S2 unbound; worker2 had it, worker1 never did
      tc.sim.offlineWorker("worker3"); // S1 needs a worker: worker1 and worker2 are free
      assertEquals("worker1", tc.sim.state().sources().get(0).worker(), "no history: the first free worker");
      tc.sim.offlineWorker("worker1");
      assertEquals("worker2", tc.sim.state().sources().get(0).worker());
      tc.sim.unbindWorker("worker2");
      tc.sim.onlineWorker("worker1"); // S1 and S2 are unbound; worker1 last had S1
      assertEquals("worker1", tc.sim.state().sources().get(0).worker());
    }
  }
}
