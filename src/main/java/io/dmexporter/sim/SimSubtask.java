package io.dmexporter.sim;

import io.dmexporter.dm.pb.CheckStatus;
import io.dmexporter.dm.pb.DumpStatus;
import io.dmexporter.dm.pb.LoadStatus;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.List;
import java.util.Random;

/**
 * One subtask (a task on one source): its stage along DM's diagram, its unit's progress and its
 * errors. Time moves only through {@link #advanceTo}, which replays every instant at which
 * something happens (a unit ends, an error recurs, the checker auto-resumes) in order, so the
 * result does not depend on how often anyone looks.
 */
final class SimSubtask {
  static final double START_DELAY = 1;
  static final double CHECK_SECONDS = 5;
  static final double FIRST_BACKOFF = 30;
  static final double MAX_BACKOFF = 300;
  static final double FLAP_AFTER = 20;
  private static final int CHECK_ITEMS = 8;

  final String task;
  final TaskMode mode;
  final Upstream up;
  private final Random random;

  Stage stage = Stage.New;
  UnitType unit;
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
  List<String> blockingDdls = List.of();
  String ddlLockId = "";
  ShardingGroup shardingGroup;

  // errors and DM's task checker
  ErrorKind error;
  boolean canceled;
  ErrorKind flapKind;
  int repeats;
  double failAt = Double.NaN;
  double resumeAt = Double.NaN;
  int backoffStep;
  double runningSince;

  SimSubtask(String task, TaskMode mode, Upstream up, Random random, double now) {
    this.task = task;
    this.mode = mode;
    this.up = up;
    this.random = random;
    this.t = now;
    this.startAt = now + START_DELAY;
    if (mode == TaskMode.INCREMENTAL) {
      enterSync(up.headAt(now));
    } else {
      enterCheck();
    }
  }

  String id(String source) {
    return "'" + task + "' on source '" + source + "'";
  }

  // ---- transitions (DM's diagram; SubtaskAction rejects the illegal ones) ----

  void start(String source) {
    Stage from = stage;
    stage = SubtaskAction.START.apply(stage, id(source));
    startAt = Double.NaN;
    runningSince = t;
    if (from == Stage.New && mode == TaskMode.INCREMENTAL) {
      enterSync(up.headAt(t)); // an incremental task starts from the upstream's position now
    }
  }

  void pause(String source) {
    stage = SubtaskAction.PAUSE.apply(stage, id(source));
    error = null;
    canceled = true;
    failAt = Double.NaN;
    resumeAt = Double.NaN;
  }

  void fail(String source, ErrorKind kind, int repeat) {
    stage = SubtaskAction.ERROR.apply(stage, id(source));
    error = kind;
    canceled = false;
    flapKind = kind;
    repeats = Math.max(0, repeat);
    failAt = Double.NaN;
    startAt = Double.NaN;
    resumeAt = kind.resumable() ? t + nextBackoff() : Double.NaN;
  }

  void resume(String source) {
    stage = SubtaskAction.RESUME.apply(stage, id(source));
    error = null;
    canceled = false;
    resumeAt = Double.NaN;
    runningSince = t;
    // a flapping error is still there: it comes back a little after each resume
    failAt = repeats > 0 ? t + FLAP_AFTER : Double.NaN;
  }

  void stop(String source) {
    stage = SubtaskAction.STOP.apply(stage, id(source));
    error = null;
    canceled = false;
    failAt = Double.NaN;
    resumeAt = Double.NaN;
  }

  void finish(String source) {
    stage = SubtaskAction.FINISH.apply(stage, id(source));
    failAt = Double.NaN;
    if (unit != UnitType.Sync) {
      p = 1;
    }
  }

  private double nextBackoff() {
    // like DM's checker: the back-off doubles, and rolls back after a long healthy run
    if (t - runningSince >= MAX_BACKOFF) {
      backoffStep = 0;
    }
    double d = Math.min(FIRST_BACKOFF * Math.pow(2, backoffStep), MAX_BACKOFF);
    backoffStep++;
    return d;
  }

  // ---- units ----

  private void enterCheck() {
    unit = UnitType.Check;
    p = p0 = 0;
    rate = 1 / CHECK_SECONDS;
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

  /** Puts a fresh subtask straight into {@code target}, Running, as if it had been started long ago. */
  void seedRunning(UnitType target) {
    stage = Stage.Running;
    startAt = Double.NaN;
    runningSince = t;
    switch (target) {
      case Check -> {
        stage = Stage.New;
        startAt = t + START_DELAY;
      }
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
        enterSync(up.headAt(t) - random.nextDouble() * 5 * up.bytesPerSecond());
        syncRows0 = 10_000 + random.nextInt(1_000_000);
        syncStartedAt = t - 3600 - random.nextInt(86_400);
        recentRps = up.rowsPerSecond();
        dumpIoBytes0 = syncRows0 * up.bytesPerRow();
        ioBytes0 = dumpIoBytes0 * 1.3;
      }
    }
  }

  private void nextUnit() {
    switch (unit) {
      case Check -> enterDump();
      case Dump -> enterLoad();
      case Load -> {
        if (mode == TaskMode.FULL) {
          stage = Stage.Finished;
        } else {
          enterSync(metaOffset);
        }
      }
      default -> { }
    }
  }

  // ---- time ----

  /**
   * Replays time up to {@code target}; {@code active}: a worker runs it; {@code cap} and
   * {@code capSpeed}: how far and how fast the syncer may read (the relay, when enabled).
   */
  void advanceTo(double target, boolean active, double cap, double capSpeed, String source) {
    while (t < target) {
      double next = target;
      double unitEnd = Double.POSITIVE_INFINITY;
      if (stage == Stage.New) {
        next = minKnown(next, startAt);
      } else if (stage == Stage.Running) {
        if (active && unit != UnitType.Sync && rate > 0) {
          unitEnd = t + (1 - p) / rate;
        }
        next = minKnown(minKnown(next, unitEnd), failAt);
      } else if (stage == Stage.Paused) {
        next = minKnown(next, resumeAt);
      }
      integrate(next, active, cap, capSpeed);
      t = next;
      if (stage == Stage.New && t >= startAt) {
        start(source);
      } else if (stage == Stage.Running && t >= failAt) {
        fail(source, flapKind, repeats - 1);
      } else if (stage == Stage.Running && t >= unitEnd) {
        p = 1;
        nextUnit();
      } else if (stage == Stage.Paused && t >= resumeAt) {
        resume(source);
      }
    }
  }

  private static double minKnown(double a, double b) {
    return Double.isNaN(b) ? a : Math.min(a, b);
  }

  private void integrate(double b, boolean active, double cap, double capSpeed) {
    double dt = b - t;
    if (dt <= 0) {
      return;
    }
    boolean moving = active && stage == Stage.Running;
    if (unit == UnitType.Sync) {
      double head = up.headAt(b);
      double limit = Math.min(cap, head);
      syncPos = moving ? up.follow(syncPos, dt, limit) : syncPos;
      // instantaneous, so it does not depend on how often anyone looks
      recentRps = moving ? up.followSpeed(syncPos, head, limit, cap < head ? capSpeed : up.bytesPerSecond())
          / up.bytesPerRow() : 0;
    } else if (moving) {
      p = Math.min(1, p + rate * dt);
    }
  }

  /** Bytes the syncer has read since Sync started: rows and IO counters derive from it. */
  private double syncedBytes() {
    return syncPos - syncFrom;
  }

  // ---- wire ----

  private double along(double v0, double vEnd) {
    return p0 >= 1 ? vEnd : v0 + (vEnd - v0) * (p - p0) / (1 - p0);
  }

  static String percent(double fraction) {
    return String.format("%.2f %%", fraction * 100);
  }

  SubTaskStatus toProto(boolean relayEnabled) {
    SubTaskStatus.Builder b = SubTaskStatus.newBuilder()
        .setName(task).setStage(stage).setUnit(unit).setUnresolvedDDLLockID(ddlLockId);
    if (error != null) {
      b.setResult(ProcessResult.newBuilder().addErrors(error.toProto()));
    } else if (canceled) {
      b.setResult(ProcessResult.newBuilder().setIsCanceled(true));
    }
    boolean running = stage == Stage.Running;
    switch (unit) {
      case Check -> b.setCheck(CheckStatus.newBuilder()
          .setPassed(p >= 1).setTotal(CHECK_ITEMS)
          .setSuccessful((int) Math.floor(p * CHECK_ITEMS)));
      case Dump -> b.setDump(DumpStatus.newBuilder()
          .setTotalTables(dumpTables)
          .setCompletedTables(Math.floor(along(tables0, dumpTables)))
          .setFinishedBytes(Math.floor(along(dumpBytes0, dumpBytesTotal)))
          .setFinishedRows(Math.floor(along(dumpRows0, dumpEstimate)))
          .setEstimateTotalRows(dumpEstimate)
          .setBps(running ? dumpBps : 0)
          .setProgress(percent(p)));
      case Load -> b.setLoad(LoadStatus.newBuilder()
          .setFinishedBytes((long) Math.floor(along(loadFinished0, loadTotal)))
          .setTotalBytes(loadTotal)
          .setProgress(percent(p))
          .setMetaBinlog(up.position(metaOffset))
          .setMetaBinlogGTID(up.gtid(metaOffset))
          .setBps(running ? loadBps : 0));
      default -> b.setSync(syncProto(relayEnabled));
    }
    return b.build();
  }

  private SyncStatus syncProto(boolean relayEnabled) {
    double head = up.headAt(t);
    double elapsed = t - syncStartedAt;
    double rows = syncRows0 + syncedBytes() / up.bytesPerRow();
    SyncStatus.Builder s = SyncStatus.newBuilder()
        .setMasterBinlog(up.position(head))
        .setMasterBinlogGtid(up.gtid(head))
        .setSyncerBinlog(up.position(syncPos))
        .addAllBlockingDDLs(blockingDdls)
        .setSynced(syncPos >= head - 0.5)
        .setBinlogType(relayEnabled ? "local" : "remote")
        .setSecondsBehindMaster(Math.round((head - syncPos) / up.bytesPerSecond()))
        .setTotalRows((long) Math.floor(rows))
        .setTotalRps(elapsed >= 1 ? Math.round(rows / elapsed) : 0)
        .setRecentRps(Math.round(recentRps))
        // downstream SQL is wordier than the row events read from upstream
        .setIoTotalBytes((long) (ioBytes0 + syncedBytes() * 1.3))
        .setDumpIOTotalBytes((long) (dumpIoBytes0 + syncedBytes()));
    if (shardingGroup != null) {
      s.addUnresolvedGroups(shardingGroup);
    }
    return s.build();
  }
}
