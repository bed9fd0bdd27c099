package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.RelayStatus;
import io.dmexporter.dm.pb.Stage;
import java.util.Random;

/** The relay log of one source: enabled or not, its stage, its position, its errors and its auto-resume. */
final class SimRelay {
  boolean enabled;
  Stage stage = Stage.Running;
  ProcessError error;
  /** Paused by pause-relay: DM reports {@code isCanceled} and the checker leaves it alone. */
  boolean canceled;
  ProcessError flapError;
  int repeats;
  double failAt = Double.NaN;
  double position;
  AutoResume checker;
  private final Random jitter;

  SimRelay(Random jitter) {
    this.jitter = jitter;
  }

  boolean running() {
    return enabled && stage == Stage.Running;
  }

  /** Sets the stage by hand: Paused without error is pause-relay, Running is resume-relay. */
  void set(Stage newStage, ProcessError e, int repeat) {
    stage = newStage;
    error = e;
    canceled = e == null && newStage == Stage.Paused;
    flapError = e;
    repeats = e == null ? 0 : Math.max(0, repeat);
    failAt = Double.NaN;
  }

  void advance(Upstream up, double a, double b, boolean active) {
    if (enabled && active && stage == Stage.Running) {
      position = up.follow(position, b - a, up.headAt(b));
    }
  }

  double nextEvent() {
    return enabled && stage == Stage.Running && !Double.isNaN(failAt) ? failAt : Double.POSITIVE_INFINITY;
  }

  void fireEvents(double t) {
    if (enabled && stage == Stage.Running && t >= failAt) {
      set(Stage.Paused, flapError, repeats == SimSubtask.FOREVER ? SimSubtask.FOREVER : repeats - 1);
    }
  }

  /** One round of the worker's task checker for the relay ({@code checkRelayStatus}). */
  void check(double now) {
    if (!enabled) {
      return;
    }
    if (checker == null) {
      checker = new AutoResume(now, jitter);
    }
    boolean errorPaused = stage == Stage.Paused && error != null && !canceled;
    AutoResume.Strategy s = checker.check(now, errorPaused, errorPaused && Resumability.relay(error));
    if (s == AutoResume.Strategy.DISPATCH) {
      stage = Stage.Running;
      error = null;
      failAt = repeats > 0 ? now + SimSubtask.RECUR_AFTER : Double.NaN;
      checker.resumed(now);
    }
  }

  double checkNeededAfter() {
    if (!enabled) {
      return Double.POSITIVE_INFINITY;
    }
    if (checker == null || (stage == Stage.Paused && error != null && !canceled)) {
      return Double.NEGATIVE_INFINITY;
    }
    return checker.idleUntil();
  }

  /** A new worker takes the source: it starts the relay as DM-master expects it (an error pause is not kept). */
  void restartOnNewWorker(double now) {
    checker = null;
    if (stage == Stage.Paused && error != null) {
      stage = Stage.Running;
      error = null;
      failAt = repeats > 0 ? now + SimSubtask.RECUR_AFTER : Double.NaN;
    }
  }

  /** Bytes/s the relay moves at now. */
  double speed(Upstream up, double t) {
    if (!running()) {
      return 0;
    }
    double head = up.headAt(t);
    return up.followSpeed(position, head, head, up.bytesPerSecond());
  }

  RelayStatus toProto(Upstream up, double t) {
    double head = up.headAt(t);
    RelayStatus.Builder b = RelayStatus.newBuilder()
        .setMasterBinlog(up.position(head))
        .setMasterBinlogGtid(up.gtid(head))
        .setRelaySubDir(up.uuid() + ".000001")
        .setRelayBinlog(up.position(position))
        .setRelayBinlogGtid(up.gtid(position))
        .setRelayCatchUpMaster(position >= head - 0.5)
        .setStage(stage);
    if (error != null) {
      b.setResult(ProcessResult.newBuilder().addErrors(error));
    } else if (canceled) {
      b.setResult(ProcessResult.newBuilder().setIsCanceled(true));
    }
    return b.build();
  }
}
