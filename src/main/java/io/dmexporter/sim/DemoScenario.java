package io.dmexporter.sim;

import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.UnitType;
import java.time.Clock;
import java.util.List;

/**
 * The demo cluster: 1 master and worker1..worker4 bound to mysql-replica-01..04, starting from the
 * {@code query-status} example of DM's documentation and then living along a timeline
 * (docs/simulator.md), plus a shard-merge task with a validator and an optimistic DDL conflict.
 */
public final class DemoScenario {
  static final String TASK = "test";
  static final String PAUSED_TASK = "test2";
  static final String DDL = "USE `test`; ALTER TABLE `test`.`t_target` DROP COLUMN `age`;";
  static final String LOCK_ID = "test-`test`.`t_target`";
  static final String SHARD_TASK = "shard_merge";
  static final String CONFLICT_DDL = "ALTER TABLE `shard_db`.`shard_tbl` MODIFY COLUMN `c` BIGINT";
  private static final double CYCLE = 300;

  private DemoScenario() {}

  /** The demo on real time sped up by {@code speed} (1 = real time). */
  public static Simulator start(double speed) {
    return start(new ScaledClock(Clock.systemUTC(), speed), null);
  }

  /** The demo on any clock (a ManualClock for tests), optionally with the HTTP control API. */
  public static Simulator start(Clock clock, String controlAddress) {
    SimulatorOptions opts = SimulatorOptions.builder().masters(1).workers(4).subtasksPerWorker(0)
        .clock(clock).controlAddress(controlAddress).build();
    SimCluster c = new SimCluster(opts);
    String[] uuids = {"c0149e17-dff1-11e8-b6a8-0242ac110004", "d4a5e9c2-dff1-11e8-9c1f-0242ac110005",
        "e81b3f70-dff1-11e8-a4d3-0242ac110006", "f2c6a1d8-dff1-11e8-8e27-0242ac110007"};
    double[] startBytes = {3234, 18_455_120, 4_112_893, 902_117};
    double[] rowsPerSecond = {20, 35, 12, 50};
    double[] bytesPerRow = {60, 140, 220, 95};
    for (int i = 0; i < 4; i++) {
      String id = source(i + 1);
      c.putSource(id, new Upstream("bin", uuids[i], startBytes[i], 0, rowsPerSecond[i] * bytesPerRow[i],
          bytesPerRow[i], i == 0 ? 14 : 4000 + 1000L * i), false);
      c.bindWorker("worker" + (i + 1), id);
    }
    c.addTask(TASK, TaskMode.ALL, List.of(source(1), source(2), source(3), source(4)), false);
    c.setShardMode(TASK, ShardMode.PESSIMISTIC);
    c.addTask(PAUSED_TASK, TaskMode.INCREMENTAL, List.of(source(1), source(2)), false);
    c.addTask(SHARD_TASK, TaskMode.INCREMENTAL, List.of(source(3), source(4)), false);
    c.setShardMode(SHARD_TASK, ShardMode.OPTIMISTIC);
    seedTest(c);
    for (String id : List.of(source(1), source(2))) {
      c.withSubtask(PAUSED_TASK, id, (st, s) -> {
        st.seedRunning(UnitType.Sync);
        st.pause(s.id);
      });
    }
    for (String id : List.of(source(3), source(4))) {
      c.withSubtask(SHARD_TASK, id, (st, s) -> st.seedRunning(UnitType.Sync));
    }
    c.enableValidation(SHARD_TASK, ValidationMode.FAST);
    timeline(c);
    return Simulator.launch(c, opts);
  }

  static String source(int i) {
    return Simulator.sourceId(i, 4);
  }

  /** Task {@code test} exactly as DM's query-status example shows it. */
  private static void seedTest(SimCluster c) {
    c.withSubtask(TASK, source(1), (st, s) -> {
      running(st);
      st.enterSync(2525);
      st.syncRows0 = 12;
      st.syncStartedAt = -12;
      st.recentRps = 1;
      st.blockingDdls = List.of(DDL);
      st.ddlLockId = LOCK_ID;
      st.shardingGroup = ShardingGroup.newBuilder().setTarget("`test`.`t_target`").addDDLs(DDL)
          .setFirstLocation("(bin|000001.000001, 3130)").addSynced("`test`.`t2`").build();
    });
    SimCluster.DdlLock lock = new SimCluster.DdlLock(LOCK_ID, TASK, ShardMode.PESSIMISTIC, source(1), List.of(DDL));
    for (int i = 1; i <= 4; i++) {
      lock.ready.put(source(i), i == 1);
    }
    c.locks.put(LOCK_ID, lock);
    c.withSubtask(TASK, source(2), (st, s) -> {
      running(st);
      st.unit = UnitType.Load;
      st.loadTotal = 452;
      st.loadFinished0 = 115;
      st.loadBps = 2734;
      st.metaOffset = 18_400_000;
      st.seedProgress(115.0 / 452, 90);
    });
    c.withSubtask(TASK, source(3), (st, s) -> {
      running(st);
      st.unit = UnitType.Load;
      st.loadTotal = 156;
      st.loadBps = 1733;
      st.metaOffset = 4_100_000;
      st.seedProgress(0, 90);
      st.fail(s.id, ErrorKind.DUPLICATE_ENTRY.toProto(), 0);
    });
    c.withSubtask(TASK, source(4), (st, s) -> {
      running(st);
      st.unit = UnitType.Dump;
      st.dumpTables = 10;
      st.tables0 = 3;
      st.dumpBytes0 = 2542;
      st.dumpBytesTotal = 8329;
      st.dumpRows0 = 32;
      st.dumpEstimate = 563;
      st.dumpBps = 445;
      st.metaOffset = 880_000;
      st.seedProgress(0.3052, 120);
    });
  }

  private static void running(SimSubtask st) {
    st.stage = Stage.Running;
    st.startAt = Double.NaN;
  }

  /** What happens after t=0, in simulated seconds (they scale with the speed). */
  private static void timeline(SimCluster c) {
    at(c, 180, () -> c.subtask(TASK, source(3), (st, id) -> st.resume(id)));
    at(c, 240, () -> c.shardDdl(SHARD_TASK, source(4), CONFLICT_DDL));
    at(c, 300, () -> c.resolveShardDdl(TASK));
    at(c, 330, () -> c.setRelay(source(1), Stage.Running, null, 0));
    at(c, 360, () -> c.addValidationErrors(SHARD_TASK, source(3), 2));
    at(c, 390, () -> c.setRelay(source(1), Stage.Paused, null, 0));
    at(c, 450, () -> c.resolveShardDdl(SHARD_TASK));
    at(c, 480, () -> c.setRelay(source(1), Stage.Running, null, 0));
    at(c, 510, () -> c.subtask(TASK, source(2), (st, id) -> st.fail(id, ErrorKind.BAD_CONNECTION.toProto(), 1)));
    cycle(c, 600, 0);
  }

  /** After the scripted part: every five minutes a flapping relay error or a subtask error, alternating. */
  private static void cycle(SimCluster c, double t, int n) {
    at(c, t, () -> {
      if (n % 2 == 0) {
        c.setRelay(source(1), Stage.Paused, ErrorKind.RELAY_READ, 3);
      } else {
        String id = source((n / 2) % 4 + 1);
        c.subtask(TASK, id, (st, s) -> st.fail(s, ErrorKind.BAD_CONNECTION.toProto(), n % 3 == 1 ? 1 : 0));
      }
      cycle(c, t + CYCLE, n + 1);
    });
  }

  /** Schedules a beat; a beat whose preconditions someone changed through the control API is skipped. */
  private static void at(SimCluster c, double t, Runnable beat) {
    c.schedule(t, () -> {
      try {
        beat.run();
      } catch (IllegalStateException | java.util.NoSuchElementException skipped) {
        // the operator moved things around: this beat no longer applies
      }
    });
  }
}
