package io.dmexporter.sim;

import io.dmexporter.dm.pb.UnitType;
import java.time.Clock;
import java.time.Duration;

/**
 * How to start a simulator: cluster size, timing and where the optional HTTP control API listens.
 *
 * @param masters DM-master endpoints
 * @param workers DM-workers; {@link Simulator#start} binds one source to each
 * @param subtasksPerWorker tasks {@code task1..taskM}, each over all sources
 * @param relay relay log enabled on every source
 * @param latency added to every gRPC answer
 * @param clock drives all behaviour; a {@link ManualClock} makes it deterministic
 * @param seed every rate, size and identifier derives from it
 * @param initialUnit where {@link Simulator#start} puts subtasks: Sync (steady state), Dump or Load
 *     (part way through), or {@link UnitType#InvalidUnit} for freshly started ones (New, then
 *     Dump, Load, Sync; a New subtask has no unit yet, as in DM)
 * @param masterRpcTimeout DM-master's {@code rpc-timeout}: how long it waits for each DM-worker
 * @param controlAddress host:port of the HTTP control API (port 0 = any free), or null for none
 * @param version the DM release line to emulate
 */
public record SimulatorOptions(int masters, int workers, int subtasksPerWorker, boolean relay,
    Duration latency, Clock clock, long seed, UnitType initialUnit, Duration masterRpcTimeout,
    String controlAddress, DmVersion version) {

  public SimulatorOptions {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be at least 1, got " + masters);
    }
    if (workers < 0 || subtasksPerWorker < 0) {
      throw new IllegalArgumentException("workers and subtasks per worker must not be negative");
    }
    if (latency.isNegative() || masterRpcTimeout.isNegative() || masterRpcTimeout.isZero()) {
      throw new IllegalArgumentException("latency must not be negative and the master rpc-timeout must be positive");
    }
    if (initialUnit != UnitType.Sync && initialUnit != UnitType.InvalidUnit
        && initialUnit != UnitType.Dump && initialUnit != UnitType.Load) {
      throw new IllegalArgumentException("initialUnit must be Dump, Load, Sync or InvalidUnit (New), got " + initialUnit
          + (initialUnit == UnitType.Check ? " (a DM-worker has no Check unit: prechecks run in DM-master)" : ""));
    }
    if (version == null) {
      throw new IllegalArgumentException("a DM version is needed");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent construction with the defaults documented in docs/simulator.md. */
  public static final class Builder {
    private int masters = 1;
    private int workers = 1;
    private int subtasksPerWorker = 1;
    private boolean relay;
    private Duration latency = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private long seed = 1;
    private UnitType initialUnit = UnitType.Sync;
    private Duration masterRpcTimeout = Duration.ofSeconds(30);
    private String controlAddress;
    private DmVersion version = DmVersion.DEFAULT;

    public Builder masters(int n) {
      this.masters = n;
      return this;
    }

    public Builder workers(int n) {
      this.workers = n;
      return this;
    }

    public Builder subtasksPerWorker(int n) {
      this.subtasksPerWorker = n;
      return this;
    }

    public Builder relay(boolean on) {
      this.relay = on;
      return this;
    }

    public Builder latency(Duration d) {
      this.latency = d;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder initialUnit(UnitType u) {
      this.initialUnit = u;
      return this;
    }

    /** DM-master's {@code rpc-timeout} (default 30 s): how long it waits for each DM-worker. */
    public Builder masterRpcTimeout(Duration d) {
      this.masterRpcTimeout = d;
      return this;
    }

    /** The former name of {@link #masterRpcTimeout}. */
    public Builder masterForwardTimeout(Duration d) {
      return masterRpcTimeout(d);
    }

    /** The DM release line to emulate (default v8.5). */
    public Builder version(DmVersion v) {
      this.version = v;
      return this;
    }

    public Builder controlAddress(String hostPort) {
      this.controlAddress = hostPort;
      return this;
    }

    public SimulatorOptions build() {
      return new SimulatorOptions(masters, workers, subtasksPerWorker, relay, latency, clock, seed,
          initialUnit, masterRpcTimeout, controlAddress, version);
    }
  }
}
