package io.dmexporter.sim;

/**
 * An upstream MySQL that keeps writing binlog at a constant rate. Positions are offsets into one
 * endless binlog stream; {@link #position} turns them into DM's {@code (file, offset)} form.
 */
record Upstream(String binlogPrefix, String uuid, double bytesAtStart, double startedAt,
    double bytesPerSecond, double bytesPerRow, long gtidAtStart) {

  /** MySQL's max_binlog_size in the simulator: small enough that rotations show up. */
  static final long FILE_BYTES = 64L << 20;
  /** How much faster than the upstream writes a running syncer or relay catches up. */
  static final double CATCH_UP = 3.0;

  /** The upstream's binlog stream offset at time t. */
  double headAt(double t) {
    return bytesAtStart + bytesPerSecond * Math.max(0, t - startedAt);
  }

  /** DM's position form for a stream offset: {@code (mysql-bin.000003, 4521)}. */
  String position(double offset) {
    long o = (long) offset;
    // String.format's "%06d" by hand: every worker answer carries several positions.
    String index = Long.toString(o / FILE_BYTES + 1);
    return "(" + binlogPrefix + "." + "000000".substring(Math.min(6, index.length())) + index + ", " + o % FILE_BYTES + ")";
  }

  /** The GTID set executed up to a stream offset, one transaction per row. */
  String gtid(double offset) {
    long txns = gtidAtStart + (long) (Math.max(0, offset - bytesAtStart) / bytesPerRow);
    return uuid + ":1-" + Math.max(1, txns);
  }

  double rowsPerSecond() {
    return bytesPerSecond / bytesPerRow;
  }

  /** Where a follower (syncer or relay) at {@code from} gets to by time {@code to}, never past {@code cap}. */
  double follow(double from, double dt, double cap) {
    double reach = from + CATCH_UP * bytesPerSecond * dt;
    // snap onto the cap when within half a byte, so "caught up" shows equal positions
    return Math.max(from, reach >= cap - 0.5 ? cap : reach);
  }

  /** A follower's instantaneous speed in bytes/s: catching up, keeping up, or held at {@code cap}. */
  double followSpeed(double pos, double head, double cap, double capSpeed) {
    if (pos < cap - 0.5) {
      return CATCH_UP * bytesPerSecond;
    }
    return pos < head - 0.5 ? capSpeed : bytesPerSecond;
  }
}
