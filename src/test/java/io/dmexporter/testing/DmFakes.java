package io.dmexporter.testing;

import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fake DM endpoints and one exporter polling them, all closed together: the common frame of the
 * poller's scenario tests. Cycles are run by the test ({@link #cycle()}), not by the timer.
 */
public final class DmFakes implements AutoCloseable {
  private final List<FakeDm> fakes = new ArrayList<>();
  private Exporter exporter;

  /** A new fake DM endpoint on 127.0.0.1. */
  public FakeDm fake() throws Exception {
    FakeDm f = FakeDm.start();
    fakes.add(f);
    return f;
  }

  /** Starts the exporter (interval 30 s, so only the test's cycles count) and waits for its first cycle. */
  public Exporter start(QueryMode mode, List<String> masters, List<String> workers, Duration timeout, Clock clock)
      throws Exception {
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(mode, masters, workers, Duration.ofSeconds(30), timeout),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), clock);
    if (!exporter.poller().awaitCycles(1, Duration.ofSeconds(60))) {
      throw new AssertionError("the exporter's first cycle did not finish within a minute");
    }
    return exporter;
  }

  public Exporter exporter() {
    return exporter;
  }

  /** Runs one cycle and scrapes {@code /metrics}. */
  public Map<String, Double> cycle() throws Exception {
    exporter.poller().runCycle();
    return Scrape.metrics(exporter.port());
  }

  /** Labels of a subtask series, then {@code more} label pairs. */
  public static String[] subtask(String task, String source, String worker, String... more) {
    List<String> l = new ArrayList<>(List.of("task", task, "source_id", source, "worker", worker));
    l.addAll(List.of(more));
    return l.toArray(String[]::new);
  }

  @Override
  public void close() throws Exception {
    if (exporter != null) {
      exporter.close();
    }
    for (FakeDm f : fakes) {
      f.close();
    }
  }
}
