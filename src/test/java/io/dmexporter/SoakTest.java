package io.dmexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.config.HostPort;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.sim.Fault;
import io.dmexporter.sim.ManualClock;
import io.dmexporter.sim.Simulator;
import io.dmexporter.sim.SimulatorOptions;
import io.dmexporter.testing.Scrape;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The exporter polls a simulated DM cluster back to back for at least 10,000 cycles while
 * sources, workers and tasks come and go and faults come and go. At the end it must show exactly
 * what a fresh exporter shows, and its heap after GC, live threads and open channels must be back
 * near where they were after warm-up. Longer: {@code -Dsoak.duration=2h} (and/or
 * {@code -Dsoak.cycles=N}) with {@code mvn test -Dtest=SoakTest}; {@code -Dsoak.seed=N} picks the run.
 */
class SoakTest {
  /**
   * Bounds on what may stay behind after the soak: heap after GC over a fresh exporter's on the
   * same final cluster (the cluster itself grows), live threads over the warm-up's.
   */
  static final long HEAP_SLACK_BYTES = 4L << 20;
  static final int THREAD_SLACK = 16;
  /**
   * Pools that grow with concurrency and retire idle threads after a minute (gRPC's cached
   * executor, Jetty's and the HTTP client's workers, the simulator's): only these may have grown.
   */
  static final Set<String> ELASTIC_POOLS = Set.of("grpc-default-executor-#", "web-#", "HttpClient-#-Worker-#",
      "dm-sim-grpc", "dm-sim-timer");

  private static final int WORKERS = 6;
  private static final Duration TIMEOUT = Duration.ofMillis(250);

  private final Random random = new Random(Long.getLong("soak.seed", 20261126L));
  private final ManualClock clock = new ManualClock();
  private final List<String> sources = new ArrayList<>();
  private final List<String> tasks = new ArrayList<>();
  private final Map<String, List<String>> taskSources = new TreeMap<>();
  private final Set<String> faulted = new HashSet<>();
  private int made;
  private int refused;

  @Test
  void tenThousandCyclesOfChurnLeaveNothingBehind() throws Exception {
    long minCycles = Long.getLong("soak.cycles", 10_000);
    Duration minDuration = Duration.parse("PT" + System.getProperty("soak.duration", "0s").toUpperCase());
    try (Simulator sim = Simulator.startEmpty(SimulatorOptions.builder().masters(1).workers(WORKERS).clock(clock)
        .seed(random.nextLong()).build())) {
      for (int i = 0; i < 3; i++) {
        addSource(sim);
      }
      addTask(sim);
      PollSettings poll = new PollSettings(QueryMode.WORKERS, sim.masterAddresses(), List.of(), Duration.ofMillis(1), TIMEOUT);
      Exporter exporter = start(poll);
      Resources warm;
      Resources end;
      Map<String, Double> soaked;
      long cycles;
      double seconds;
      int scrapes = 0;
      try {
        // Warm-up: classes loaded, gRPC's event loops and executors started, channels open.
        awaitCycles(exporter, 300);
        Scrape.metrics(exporter.port());
        warm = Resources.measure(exporter);

        long began = System.nanoTime();
        while ((cycles = exporter.poller().cycles()) < minCycles || System.nanoTime() - began < minDuration.toNanos()) {
          churn(sim);
          awaitCycles(exporter, cycles + 1 + random.nextInt(40));
          if (random.nextInt(10) == 0) {
            Scrape.metrics(exporter.port()); // the collectors under churn too
            scrapes++;
          }
        }
        seconds = (System.nanoTime() - began) / 1e9;

        // Quiet: every fault cleared, every worker back, no more changes, the simulator's clock stands still.
        faulted.forEach(sim::clearFault);
        for (int i = 1; i <= WORKERS; i++) {
          try {
            sim.onlineWorker("worker" + i);
          } catch (RuntimeException alreadyOnline) {
            // fine
          }
        }
        soaked = healthyScrape(exporter);
        end = Resources.measure(exporter);
        assertEquals(0, exporter.poller().cycleFailures(), "no cycle failed");
        assertEquals(servingEndpoints(soaked), exporter.openChannels(), "a channel for each endpoint polled, no more");
      } finally {
        exporter.close();
      }

      // The baseline for what the soaked exporter holds: a fresh one, warmed up, on the same cluster.
      Map<String, Double> fresh;
      Resources baseline;
      try (Exporter second = start(poll)) {
        fresh = healthyScrape(second);
        awaitCycles(second, second.poller().cycles() + 300);
        Scrape.metrics(second.port());
        baseline = Resources.measure(second);
      }
      System.out.printf("soak: %d cycles in %.1f s (%.2f ms a cycle), %d changes made, %d refused by the simulator,"
              + " %d scrapes; %d DM series at the end%n", cycles, seconds, seconds * 1000 / cycles,
          made, refused, scrapes, soaked.size());
      System.out.printf("soak: heap after GC %.1f MiB after warm-up, %.1f MiB at the end, %.1f MiB for a fresh exporter"
              + " on the final cluster; live threads %d -> %d; open channels %d -> %d%n", warm.heap / 1048576.0,
          end.heap / 1048576.0, baseline.heap / 1048576.0, warm.threads, end.threads, warm.channels, end.channels);
      System.out.printf("soak: threads by name %s -> %s%n", warm.threadsByName, end.threadsByName);

      assertTrue(soaked.keySet().stream().anyMatch(k -> k.startsWith("dm_subtask_stage{")), "the comparison is not vacuous: " + soaked);
      Set<String> onlySoaked = new TreeSet<>(soaked.keySet());
      onlySoaked.removeAll(fresh.keySet());
      Set<String> onlyFresh = new TreeSet<>(fresh.keySet());
      onlyFresh.removeAll(soaked.keySet());
      assertEquals(Set.of(), onlySoaked, "series a fresh exporter does not show (and it shows " + onlyFresh + ")");
      assertEquals(Set.of(), onlyFresh, "series the soaked exporter lost");
      assertEquals(fresh, soaked, "with the same values");
      assertTrue(end.heap <= baseline.heap + HEAP_SLACK_BYTES,
          "heap after GC " + end.heap + " vs a fresh exporter's " + baseline.heap);
      assertTrue(end.threads <= warm.threads + THREAD_SLACK, "live threads " + end.threads + " vs " + warm.threads);
      end.threadsByName.forEach((name, n) -> assertTrue(ELASTIC_POOLS.contains(name)
          || n <= warm.threadsByName.getOrDefault(name, 0), "threads named " + name + " grew to " + n));
      assertEquals(baseline.channels, end.channels, "as many channels as a fresh exporter has");
    }
  }

  private static Exporter start(PollSettings poll) throws Exception {
    return Exporter.start(new Exporter.Settings(poll, HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
  }

  // ------------------------------------------------------------------ churn

  /** One random change to the cluster (never below 3 sources and 3 tasks); the simulator refuses what DM would refuse. */
  private void churn(Simulator sim) {
    List<Consumer<Simulator>> changes = List.of(
        this::addSource, s -> {
          if (sources.size() > 3) {
            removeSource(s);
          }
        }, this::addTask, s -> {
          if (tasks.size() > 3) {
            removeTask(s);
          }
        },
        s -> s.unbindWorker(worker()), s -> s.bindWorker(worker(), pick(sources)),
        s -> s.offlineWorker(worker()), s -> s.onlineWorker(worker()),
        s -> s.pauseSubtask(pick(tasks), pickSourceOf(), random.nextBoolean()),
        s -> s.resumeSubtask(pick(tasks), pickSourceOf()),
        s -> s.setRelay(pick(sources), random.nextBoolean() ? Stage.Running : Stage.Paused, random.nextBoolean()),
        this::fault, this::fault, this::clearFault,
        s -> s.advance(Duration.ofSeconds(1 + random.nextInt(90))));
    try {
      changes.get(random.nextInt(changes.size())).accept(sim);
      made++;
    } catch (RuntimeException rejected) {
      refused++; // e.g. binding a worker that is not free, resuming a running subtask
    }
  }

  private void addSource(Simulator sim) {
    String id = "mysql-replica-" + (100 + sources.size() + made);
    sim.addSource(id, random.nextBoolean());
    sources.add(id);
    // At first one worker each; later any worker, which the simulator refuses unless it is free.
    sim.bindWorker(sources.size() <= WORKERS / 2 ? "worker" + sources.size() : worker(), id);
  }

  private void removeSource(Simulator sim) {
    String id = pick(sources);
    sim.removeSource(id);
    sources.remove(id);
  }

  private void addTask(Simulator sim) {
    String name = "task-" + made;
    List<String> of = new ArrayList<>(new TreeSet<>(List.of(pick(sources), pick(sources))));
    sim.addTask(name, of.toArray(String[]::new));
    tasks.add(name);
    taskSources.put(name, of);
  }

  private void removeTask(Simulator sim) {
    String name = pick(tasks);
    sim.removeTask(name);
    tasks.remove(name);
    taskSources.remove(name);
  }

  private void fault(Simulator sim) {
    List<String> endpoints = new ArrayList<>(sim.workerAddresses());
    endpoints.addAll(sim.masterAddresses());
    String address = pick(endpoints);
    Fault[] kinds = {Fault.unavailable(), Fault.garbage(), Fault.resultFalse("soak"), Fault.delay(Duration.ofMillis(5)),
        Fault.hang()};
    sim.fault(address, kinds[random.nextInt(random.nextInt(8) == 0 ? kinds.length : kinds.length - 1)]);
    faulted.add(address);
  }

  private void clearFault(Simulator sim) {
    String address = pick(new ArrayList<>(faulted));
    sim.clearFault(address);
    faulted.remove(address);
  }

  private String worker() {
    return "worker" + (1 + random.nextInt(WORKERS));
  }

  private String pickSourceOf() {
    return pick(sources);
  }

  private <T> T pick(List<T> from) {
    if (from.isEmpty()) {
      throw new IllegalStateException("nothing to pick");
    }
    return from.get(random.nextInt(from.size()));
  }

  // ------------------------------------------------------------------ checks

  private static void awaitCycles(Exporter exporter, long n) throws InterruptedException {
    assertTrue(exporter.poller().awaitCycles(n, Duration.ofMinutes(2)), "cycle " + n + " did not come");
  }

  /**
   * The DM series of the first cycle in which every endpoint answered in time: on a loaded machine
   * one call in a while misses the 250 ms deadline, and such a cycle rightly shows less.
   */
  private static Map<String, Double> healthyScrape(Exporter exporter) throws Exception {
    for (int attempt = 0; ; attempt++) {
      awaitCycles(exporter, exporter.poller().cycles() + 1);
      Map<String, Double> m = dmSeries(Scrape.metrics(exporter.port()));
      boolean allUp = m.entrySet().stream().filter(e -> e.getKey().startsWith("dm_exporter_target_up{"))
          .allMatch(e -> e.getValue() == 1);
      if (allUp && m.keySet().stream().anyMatch(k -> k.startsWith("dm_cluster_master_leader{"))) {
        return m;
      }
      assertTrue(attempt < 1000, "no cycle in which every endpoint answered: " + m);
    }
  }

  /** The DM series, and the exporter's own that a fresh exporter must show alike (not its counters and timings). */
  private static Map<String, Double> dmSeries(Map<String, Double> scrape) {
    Map<String, Double> out = new TreeMap<>();
    scrape.forEach((k, v) -> {
      boolean dm = k.startsWith("dm_") && !k.startsWith("dm_exporter_");
      if (dm || k.startsWith("dm_exporter_target_up{")) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** The endpoints the last cycle polled, from its target_up series. */
  private static Set<String> servingEndpoints(Map<String, Double> series) {
    Set<String> out = new TreeSet<>();
    series.keySet().stream().filter(k -> k.startsWith("dm_exporter_target_up{"))
        .forEach(k -> out.add(k.replaceAll(".*address=\"([^\"]+)\".*", "$1")));
    return out;
  }

  /** What the JVM holds: heap after GC, live threads, and the exporter's open gRPC channels. */
  record Resources(long heap, int threads, int channels, Map<String, Integer> threadsByName) {
    static Resources measure(Exporter exporter) throws Exception {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(50);
      }
      if (Boolean.getBoolean("soak.histogram")) { // where the heap goes: -Dsoak.histogram=true
        Process p = new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
            .redirectErrorStream(true).start();
        System.out.println("soak: heap histogram\n" + new String(p.getInputStream().readAllBytes()).lines().limit(25)
            .collect(java.util.stream.Collectors.joining("\n")));
      }
      Map<String, Integer> byName = new TreeMap<>();
      Thread.getAllStackTraces().keySet().forEach(t -> byName.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum));
      // What the last (full) collection left, not what the busy poller allocated since.
      long live = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null)
          .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
      return new Resources(live,
          ManagementFactory.getThreadMXBean().getThreadCount(), exporter.openChannels().size(), byName);
    }
  }
}
