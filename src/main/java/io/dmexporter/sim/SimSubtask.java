package io.dmexporter.sim;

import io.dmexporter.dm.pb.DumpStatus;
import io.dmexporter.dm.pb.LoadStatus;
import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.List;
import java.util.Random;

/**
 * One subtask (a task on one source) as a DM-worker runs it: its stage, its unit's progress, its
 * errors and its auto-resume bookkeeping. Time moves only through {@link #advance}, which the
 * source calls piece by piece between the instants at which something happens, so the result
 * does not depend on how often anyone looks.
 */
final class SimSubtask {
  /** How long a new subtask stays New (DM starts it at once; here it is visible for a second). */
  static final double START_DELAY = 1;
  /** A recurring error comes back this long after each resume. */
  static final double RECUR_AFTER = 20;
  /** {@code repeat} of an error that comes back after every resume until it is resolved. */
  static final int FOREVER = Integer.MAX_VALUE;

  final String task;
  final TaskMode mode;
  final Upstream up;
  private final Random random;
  private final Random jitter;

  Stage stage = Stage.New;
  UnitType unit = UnitType.InvalidUnit;
  double t;
  double startAt;

  // the current unit: fraction done, fraction when it was (re)seeded, fraction per second
  double p;
  double p0;
  double rate;

  // Dump: values at p0 and at the end
  long dumpTables;
  double tables0;
  double dumpBytes0;
  double dumpBytesTotal;
  double dumpRows0;
  double dumpEstimate;
  long dumpBps;
  // Load
  long loadTotal;
  double loadFinished0;
  long loadBps;
  double metaOffset;
  // Sync
  double syncPos;
  double syncFrom;
  double syncRows0;
  double syncStartedAt;
  double recentRps;
  double ioBytes0;
  double dumpIoBytes0;

  // shard DDL: pessimistic (lock held, other tables keep flowing) and optimistic (conflict blocks the syncer)
  List<String> blockingDdls = List.of();
  String ddlLockId = "";
  ShardingGroup shardingGroup;
  String blockDdlOwner = "";
  String conflictMsg = "";
  double blockedAt = Double.NaN;

  // errors
  ProcessError error;
  boolean canceled;
  ProcessError flapError;
  int repeats;
  double failAt = Double.NaN;

  // transient stages: while stuck, pause/resume/stop stay in Pausing/Resuming/Stopping
  boolean stuck;
  boolean stopping;

  AutoResume checker;
  SimValidator validator;

  SimSubtask(String task, TaskMode mode, Upstream up, Random random, double now) {
    this.task = task;
    this.mode = mode;
    this.up = up;
    this.random = random;
    this.jitter = new Random(random.nextLong());
    this.t = now;
    this.startAt = now + START_DELAY;
  }

  String id(String source) {
    return "'" + task + "' on source '" + source + "'";
  }

  // ---- the operator's and DM's actions ----

  /** The worker runs a New subtask, or start-task on one created Stopped. */
  void start(String source) {
    Stage from = stage;
    SubtaskAction.START.apply(stage, id(source));
    if (from == Stage.Stopped) {
      resume(source);
      return;
    }
    startAt = Double.NaN;
    enterUnit(mode.firstUnit());
    stage = Stage.Running;
  }

  /** What a subtask created Stopped looks like: its first unit, not running ({@code SubTask.Run(Stopped)}). */
  void createStopped() {
    startAt = Double.NaN;
    enterUnit(mode.firstUnit());
    stage = Stage.Stopped;
  }

  /** pause-task: a running subtask pauses (isCanceled); one Paused by an error keeps its errors and is canceled. */
  void pause(String source) {
    if (stage == Stage.Paused && error != null && !canceled) {
      canceled = true; // markResultCanceled: the task checker leaves it alone from now on
      return;
    }
    if (stage == Stage.Paused) {
      throw new IllegalTransitionException("cannot pause-task subtask " + id(source)
          + ": it is Paused already (only a subtask paused by an error can be paused again, to stop auto-resume)");
    }
    SubtaskAction.PAUSE.apply(stage, id(source));
    error = null;
    canceled = true;
    failAt = Double.NaN;
    stage = stuck ? Stage.Pausing : Stage.Paused;
    recentRps = 0; // a stopped syncer moves no rows, however long until the next look
  }

  /** An error occurs; it comes back {@code repeat} times, {@link #RECUR_AFTER} after each resume. */
  void fail(String source, ProcessError e, int repeat) {
    stage = SubtaskAction.ERROR.apply(stage, id(source));
    if (unit == UnitType.InvalidUnit) {
      startAt = Double.NaN; // failed to start: no unit yet
    }
    error = e;
    canceled = false;
    flapError = e;
    recentRps = 0;
    repeats = Math.max(0, repeat);
    failAt = Double.NaN;
  }

  /** resume-task, start-task on a Stopped subtask, or the checker's auto-resume. */
  void resume(String source) {
    SubtaskAction.RESUME.apply(stage, id(source));
    error = null;
    canceled = false;
    if (unit == UnitType.InvalidUnit) {
      enterUnit(mode.firstUnit());
    }
    if (stuck) {
      stage = Stage.Resuming;
      return;
    }
    running();
  }

  private void running() {
    stage = Stage.Running;
    failAt = repeats > 0 ? t + RECUR_AFTER : Double.NaN;
  }

  /** stop-task: Stopping, then deleted; returns true when it can be deleted now (not stuck). */
  boolean stop(String source) {
    stage = SubtaskAction.STOP.apply(stage, id(source));
    stopping = true;
    failAt = Double.NaN;
    return !stuck;
  }

  void finish(String source) {
    stage = SubtaskAction.FINISH.apply(stage, id(source));
    failAt = Double.NaN;
    if (unit != UnitType.Sync) {
      p = 1;
    }
  }

  /** Completes a transient stage held by {@link #stuck}; returns true when the subtask is to be deleted. */
  boolean release() {
    stuck = false;
    switch (stage) {
      case Pausing -> stage = Stage.Paused;
      case Resuming -> running();
      default -> { }
    }
    return stopping;
  }

  /** The source moved to another DM-worker: it starts the subtask again from DM-master's expectation. */
  void restartOnNewWorker() {
    checker = null;
    if (stage == Stage.Paused && error != null) {
      error = null; // an error pause is not in etcd: the new worker runs it again
      canceled = false;
      running();
    } else if (stage == Stage.Paused) {
      canceled = false; // created Paused by the new worker: no result at all
    }
  }

  /** The error is gone for good (the operator fixed its cause): it stops coming back. */
  void resolveError() {
    repeats = 0;
    failAt = Double.NaN;
  }

  // ---- units ----

  private void enterUnit(UnitType u) {
    switch (u) {
      case Dump -> enterDump();
      case Load -> {
        metaOffset = up.headAt(t);
        enterLoad();
      }
      default -> enterSync(up.headAt(t));
    }
  }

  void enterDump() {
    unit = UnitType.Dump;
    dumpTables = 5 + random.nextInt(36);
    dumpEstimate = dumpTables * (1000.0 + random.nextInt(50_000));
    dumpBytesTotal = dumpEstimate * (80 + random.nextInt(320));
    double seconds = 60 + random.nextInt(121);
    dumpBps = Math.round(dumpBytesTotal / seconds);
    tables0 = dumpBytes0 = dumpRows0 = 0;
    p = p0 = 0;
    rate = 1 / seconds;
    metaOffset = up.headAt(t);
  }

  void enterLoad() {
    unit = UnitType.Load;
    // SQL files are a little bigger than the rows they hold
    loadTotal = Math.round((dumpBytesTotal > 0 ? dumpBytesTotal : 1e6 + random.nextInt(1 << 24)) * 1.1);
    double seconds = 60 + random.nextInt(121);
    loadBps = Math.round(loadTotal / seconds);
    loadFinished0 = 0;
    p = p0 = 0;
    rate = 1 / seconds;
  }

  void enterSync(double from) {
    unit = UnitType.Sync;
    syncPos = from;
    syncFrom = from;
    syncRows0 = 0;
    ioBytes0 = 0;
    dumpIoBytes0 = 0;
    syncStartedAt = t;
    p = p0 = 0;
    rate = 0;
  }

  /** Seeds the current Dump or Load unit part way through, as if it had been running a while. */
  void seedProgress(double fraction, double secondsLeft) {
    p = p0 = fraction;
    rate = (1 - fraction) / secondsLeft;
  }

  /**
   * Puts a fresh subtask straight into {@code target}, Running, as if it had been started long
   * ago; {@link UnitType#InvalidUnit} leaves it New (freshly started).
   */
  void seedRunning(UnitType target) {
    if (target == UnitType.InvalidUnit) {
      return;
    }
    stage = Stage.Running;
    startAt = Double.NaN;
    switch (target) {
      case Dump, Load -> {
        enterDump();
        if (target == UnitType.Load) {
          enterLoad();
        }
        double fraction = 0.05 + random.nextDouble() * 0.85;
        seedProgress(fraction, (1 - fraction) / rate);
        tables0 = Math.floor(fraction * dumpTables);
        dumpBytes0 = fraction * dumpBytesTotal;
        dumpRows0 = fraction * dumpEstimate;
        loadFinished0 = fraction * loadTotal;
      }
      default -> {
        enterSync(Math.max(0, up.headAt(t) - random.nextDouble() * 5 * up.bytesPerSecond()));
        syncRows0 = 10_000 + random.nextInt(1_000_000);
        syncStartedAt = t - 3600 - random.nextInt(86_400);
        recentRps = up.rowsPerSecond();
        dumpIoBytes0 = syncRows0 * up.bytesPerRow();
        ioBytes0 = dumpIoBytes0 * 1.3;
      }
    }
  }

  private void nextUnit() {
    UnitType next = mode.after(unit);
    if (next == null) {
      stage = Stage.Finished;
    } else if (next == UnitType.Sync) {
      enterSync(metaOffset);
    } else {
      enterUnit(next);
    }
  }

  // ---- time ----

  /** The next instant after {@code t} at which this subtask changes by itself, or +∞. */
  double nextEvent(boolean active) {
    return switch (stage) {
      case New -> active ? startAt : Double.POSITIVE_INFINITY;
      case Running -> {
        double end = active && unit != UnitType.Sync && rate > 0 ? t + (1 - p) / rate : Double.POSITIVE_INFINITY;
        yield Double.isNaN(failAt) ? end : Math.min(end, failAt);
      }
      default -> Double.POSITIVE_INFINITY;
    };
  }

  /**
   * Moves to {@code b} (no event in between); {@code active}: a worker runs it; {@code cap} and
   * {@code capSpeed}: how far and how fast the syncer may read (the relay, when enabled).
   */
  void integrate(double b, boolean active, double cap, double capSpeed) {
    double dt = b - t;
    if (dt <= 0) {
      return;
    }
    boolean moving = active && stage == Stage.Running;
    if (unit == UnitType.Sync) {
      double head = up.headAt(b);
      double limit = Math.min(Math.min(cap, head), Double.isNaN(blockedAt) ? Double.POSITIVE_INFINITY : blockedAt);
      syncPos = moving ? up.follow(syncPos, dt, limit) : syncPos;
      // instantaneous, so it does not depend on how often anyone looks
      boolean held = limit < head;
      double heldSpeed = !Double.isNaN(blockedAt) && blockedAt <= Math.min(cap, head) ? 0 : capSpeed;
      recentRps = moving ? up.followSpeed(syncPos, head, limit, held ? heldSpeed : up.bytesPerSecond())
          / up.bytesPerRow() : 0;
    } else if (moving) {
      p = Math.min(1, p + rate * dt);
    }
    t = b;
  }

  /** Fires what is due at {@code t} (after the checker's round at the same instant). */
  void fireEvents(boolean active, String source) {
    if (stage == Stage.New && active && t >= startAt) {
      start(source);
    } else if (stage == Stage.Running && t >= failAt) {
      fail(source, flapError, repeats == FOREVER ? FOREVER : repeats - 1);
    } else if (stage == Stage.Running && active && unit != UnitType.Sync && rate > 0 && p >= 1 - 1e-9) {
      p = 1;
      nextUnit();
    }
  }

  /** One round of the worker's task checker at {@code now}. */
  void check(double now, String source) {
    if (checker == null) {
      checker = new AutoResume(now, jitter);
    }
    boolean errorPaused = stage == Stage.Paused && error != null && !canceled;
    AutoResume.Strategy s = checker.check(now, errorPaused, errorPaused && Resumability.subtask(error));
    if (s == AutoResume.Strategy.DISPATCH) {
      resume(source);
      checker.resumed(now);
    }
  }

  /** Whether the checker's next round can change anything, and from when. */
  double checkNeededAfter() {
    if (checker == null || (stage == Stage.Paused && error != null && !canceled)) {
      return Double.NEGATIVE_INFINITY;
    }
    return checker.idleUntil();
  }

  /** Rows the syncer has written (fractional), the basis of totalRows and the validator. */
  double syncedRows() {
    return syncRows0 + (syncPos - syncFrom) / up.bytesPerRow();
  }

  // ---- wire ----

  private double along(double v0, double vEnd) {
    return p0 >= 1 ? vEnd : v0 + (vEnd - v0) * (p - p0) / (1 - p0);
  }

  static String percent(double fraction) {
    return String.format("%.2f %%", fraction * 100);
  }

  /** What a DM-worker of {@code version} reports for this subtask. */
  SubTaskStatus toProto(boolean relayEnabled, DmVersion version, String source) {
    SubTaskStatus.Builder b = SubTaskStatus.newBuilder()
        .setName(task).setStage(stage).setUnit(unit).setUnresolvedDDLLockID(ddlLockId);
    if (error != null) {
      b.setResult(ProcessResult.newBuilder().setIsCanceled(canceled).addErrors(error));
    } else if (canceled) {
      b.setResult(ProcessResult.newBuilder().setIsCanceled(true));
    }
    boolean running = stage == Stage.Running;
    switch (unit) {
      case InvalidUnit -> { } // New: no unit yet, no status
      case Dump -> b.setDump(dumpProto(version, running));
      case Load -> {
        LoadStatus.Builder l = LoadStatus.newBuilder()
            .setFinishedBytes((long) Math.floor(along(loadFinished0, loadTotal)))
            .setTotalBytes(loadTotal)
            .setProgress(percent(p))
            .setMetaBinlog(up.position(metaOffset))
            .setMetaBinlogGTID(up.gtid(metaOffset));
        if (version.fullDataBps()) {
          l.setBps(running ? loadBps : 0);
        }
        b.setLoad(l);
      }
      default -> {
        b.setSync(syncProto(relayEnabled, version));
        if (validator != null && version.validation()) {
          b.setValidation(validator.toProto(task, source, up, syncedRows(), syncPos, running ? recentRps : 0,
              version.validationCutover()));
        }
      }
    }
    return b.build();
  }

  private DumpStatus dumpProto(DmVersion version, boolean running) {
    DumpStatus.Builder d = DumpStatus.newBuilder();
    if (version.dumpCounters()) {
      d.setTotalTables(dumpTables)
          .setCompletedTables(Math.floor(along(tables0, dumpTables)))
          .setFinishedBytes(Math.floor(along(dumpBytes0, dumpBytesTotal)))
          .setFinishedRows(Math.floor(along(dumpRows0, dumpEstimate)))
          .setEstimateTotalRows(dumpEstimate);
    }
    if (version.fullDataBps()) {
      d.setBps(running ? dumpBps : 0).setProgress(percent(p));
    }
    return d.build();
  }

  private SyncStatus syncProto(boolean relayEnabled, DmVersion version) {
    double head = up.headAt(t);
    double elapsed = t - syncStartedAt;
    double synced = syncPos - syncFrom;
    long rows = (long) Math.floor(syncedRows());
    long totalRps = elapsed >= 1 ? Math.round(rows / elapsed) : 0;
    long recent = Math.round(recentRps);
    SyncStatus.Builder s = SyncStatus.newBuilder()
        .setTotalEvents(rows).setTotalTps(totalRps).setRecentTps(recent)
        .setMasterBinlog(up.position(head))
        .setMasterBinlogGtid(up.gtid(head))
        .setSyncerBinlog(up.position(syncPos))
        .addAllBlockingDDLs(blockingDdls)
        .setSynced(syncPos >= head - 0.5)
        .setBinlogType(relayEnabled ? "local" : "remote")
        // updateReplicationLagMetric: the age of the jobs in flight, 0 when there are none (caught up,
        // or held by a paused relay or a shard DDL while the master moves on)
        .setSecondsBehindMaster(recent > 0 ? Math.round((head - syncPos) / up.bytesPerSecond()) : 0);
    if (shardingGroup != null) {
      s.addUnresolvedGroups(shardingGroup);
    }
    if (version.optimisticConflictStatus()) {
      s.setBlockDDLOwner(blockDdlOwner).setConflictMsg(conflictMsg);
    }
    if (version.rowCounters()) {
      s.setTotalRows(rows).setTotalRps(totalRps).setRecentRps(recent);
    }
    if (version.ioBytes()) {
      // downstream SQL is wordier than the row events read from upstream
      s.setIoTotalBytes((long) (ioBytes0 + synced * 1.3)).setDumpIOTotalBytes((long) (dumpIoBytes0 + synced));
    }
    return s.build();
  }
}
