package io.dmexporter.poll;

import io.dmexporter.model.Snapshot;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One poll cycle's CPU work after the network, for a whole cluster ({@code workers} workers ×
 * {@code subtasks} subtasks): the answers' bytes parsed (protobuf, the peer), parsed answers mapped
 * to the model (WireMapper), and mapped answers assembled into the published snapshot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MapperBenchmark {
  @Param("1000")
  int workers;

  @Param("5")
  int subtasks;

  private WireFleet fleet;
  private WireFleet.Parsed parsed;
  private WireFleet.Mapped mapped;
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Setup
  public void read() {
    fleet = WireFleet.load(workers, subtasks);
    parsed = fleet.parse();
    mapped = fleet.map(parsed);
  }

  /** Protobuf parsing of every answer: what gRPC's marshaller does before the mapper sees them. */
  @Benchmark
  public WireFleet.Parsed parse() {
    return fleet.parse();
  }

  /** WireMapper: parsed answers to the model. */
  @Benchmark
  public WireFleet.Mapped map() {
    return fleet.map(parsed);
  }

  /** Assembly, reported fields and task status: mapped answers to the published snapshot. */
  @Benchmark
  public Snapshot assemble() {
    return fleet.snapshot(mapped, now);
  }
}
