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
 * @param initialUnit where {@link Simulator#start} puts subtasks: Sync (steady state), Check
 *     (freshly started: New, then Check, Dump, Load, Sync), Dump or Load (part way through)
 * @param masterForwardTimeout how long DM-master waits for a worker that does not answer
 * @param controlAddress host:port of the HTTP control API (port 0 = any free), or null for none
 */
public record SimulatorOptions(int masters, int workers, int subtasksPerWorker, boolean relay,
    Duration latency, Clock clock, long seed, UnitType initialUnit, Duration masterForwardTimeout,
    String controlAddress) {

  public SimulatorOptions {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be at least 1, got " + masters);
    }
    if (workers < 0 || subtasksPerWorker < 0) {
      throw new IllegalArgumentException("workers and subtasks per worker must not be negative");
    }
    if (latency.isNegative() || masterForwardTimeout.isNegative()) {
      throw new IllegalArgumentException("latency and masterForwardTimeout must not be negative");
    }
    if (initialUnit != UnitType.Sync && initialUnit != UnitType.Check
        && initialUnit != UnitType.Dump && initialUnit != UnitType.Load) {
      throw new IllegalArgumentException("initialUnit must be Check, Dump, Load or Sync, got " + initialUnit);
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
    private Duration masterForwardTimeout = Duration.ofSeconds(30);
    private String controlAddress;

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

    public Builder masterForwardTimeout(Duration d) {
      this.masterForwardTimeout = d;
      return this;
    }

    public Builder controlAddress(String hostPort) {
      this.controlAddress = hostPort;
      return this;
    }

    public SimulatorOptions build() {
      return new SimulatorOptions(masters, workers, subtasksPerWorker, relay, latency, clock, seed,
          initialUnit, masterForwardTimeout, controlAddress);
    }
  }
}
