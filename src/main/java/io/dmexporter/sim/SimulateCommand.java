package io.dmexporter.sim;

import io.dmexporter.config.Durations;
import io.dmexporter.dm.pb.UnitType;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: runs a simulated DM cluster alone until killed, printing where it listens. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Runs a simulated TiDB DM cluster (DM-masters and DM-workers over DM's gRPC protocol) "
        + "on 127.0.0.1 until killed. Prints the master and worker addresses and the control API URL."})
public final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
      description = "DM-workers, one source each (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--subtasks-per-worker", paramLabel = "M", defaultValue = "1",
      description = "tasks task1..taskM over all sources (default: ${DEFAULT-VALUE})")
  int subtasksPerWorker;

  @Option(names = "--masters", paramLabel = "K", defaultValue = "1",
      description = "DM-master endpoints (default: ${DEFAULT-VALUE})")
  int masters;

  @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "0s",
      description = "added to every answer, e.g. 20ms (default: ${DEFAULT-VALUE})")
  String latency;

  @Option(names = "--relay", description = "enable relay log on every source")
  boolean relay;

  @Option(names = "--seed", defaultValue = "1", description = "seed of all rates and sizes (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--initial-unit", paramLabel = "UNIT", defaultValue = "Sync",
      description = "where subtasks start: Sync (steady), New (freshly started), Dump or Load (default: ${DEFAULT-VALUE})")
  String initialUnit;

  @Option(names = "--dm-version", paramLabel = "VERSION", defaultValue = "v8.5",
      description = "DM release line to emulate: v5.3, v6.1, v6.4, v8.5 or v9.0 (default: ${DEFAULT-VALUE})")
  String dmVersion;

  @Option(names = "--master-rpc-timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "DM-master's rpc-timeout: how long it waits for each DM-worker (default: ${DEFAULT-VALUE})")
  String masterRpcTimeout;

  @Option(names = "--control-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "HTTP control API, loopback only; port 0 = any free port (default: ${DEFAULT-VALUE})")
  String controlAddress;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Simulator sim = start(spec.commandLine().getOut());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stopped.countDown();
    }, "dm-sim-shutdown"));
    stopped.await();
    return 0;
  }

  /** Starts the simulator and prints the ready banner and the addresses. */
  Simulator start(PrintWriter out) {
    long began = System.nanoTime();
    Duration extra = duration("--latency", latency);
    Duration rpcTimeout = duration("--master-rpc-timeout", masterRpcTimeout);
    Simulator sim;
    try {
      DmVersion version;
      try {
        version = DmVersion.parse(dmVersion);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dm-version: " + e.getMessage());
      }
      sim = Simulator.start(SimulatorOptions.builder().masters(masters).workers(workers)
          .subtasksPerWorker(subtasksPerWorker).relay(relay).latency(extra).seed(seed)
          .initialUnit(unit(initialUnit)).controlAddress(controlAddress).masterRpcTimeout(rpcTimeout)
          .version(version).build());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    out.printf(Locale.ROOT, "dm-simulator ready in %.2fs: %d master(s), %d worker(s), %d source(s), %d subtask(s), DM %s%n",
        seconds, masters, workers, sim.sourceIds().size(), sim.sourceIds().size() * (long) subtasksPerWorker,
        sim.version());
    out.println("masters " + String.join(",", sim.masterAddresses()));
    out.println("workers " + String.join(",", sim.workerAddresses()));
    out.println("control " + sim.controlUrl());
    out.flush();
    return sim;
  }

  private Duration duration(String option, String text) {
    try {
      Duration d = Durations.parse(text);
      if (option.equals("--master-rpc-timeout") && d.isZero()) {
        throw new IllegalArgumentException("must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private static UnitType unit(String name) {
    if ("New".equalsIgnoreCase(name)) {
      return UnitType.InvalidUnit; // a New subtask has no unit yet
    }
    for (UnitType u : new UnitType[] {UnitType.Dump, UnitType.Load, UnitType.Sync}) {
      if (u.name().equalsIgnoreCase(name)) {
        return u;
      }
    }
    throw new IllegalArgumentException("--initial-unit must be New, Dump, Load or Sync, got '" + name + "'"
        + ("Check".equalsIgnoreCase(name) ? " (a DM-worker has no Check unit: prechecks run in DM-master)" : ""));
  }
}
