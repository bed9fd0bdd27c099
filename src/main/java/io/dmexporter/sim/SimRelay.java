package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.RelayStatus;
import io.dmexporter.dm.pb.Stage;

/** The relay log of one source: enabled or not, its stage, its position and its errors. */
final class SimRelay {
  boolean enabled;
  Stage stage = Stage.Running;
  ErrorKind error;
  double position;

  boolean running() {
    return enabled && stage == Stage.Running;
  }

  void advance(Upstream up, double a, double b, boolean active) {
    if (enabled && active && stage == Stage.Running) {
      position = up.follow(position, b - a, up.headAt(b));
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
      b.setResult(ProcessResult.newBuilder().addErrors(error.toProto()));
    }
    return b.build();
  }
}
