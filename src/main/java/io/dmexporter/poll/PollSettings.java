package io.dmexporter.poll;

import java.time.Duration;
import java.util.List;

/** What to poll and how often: validated command-line settings, free of any CLI type. */
public record PollSettings(
    QueryMode mode, List<String> masterAddresses, List<String> workerAddresses, Duration interval, Duration timeout) {

  /** How the exporter reads subtask status. */
  public enum QueryMode {
    /** Discover workers with ListMember, then ask each worker (the default). */
    WORKERS,
    /** Ask DM-master's QueryStatus, which fans out to the workers itself. */
    MASTER,
    /** Ask a fixed list of workers; no DM-master. */
    STATIC
  }

  public PollSettings {
    masterAddresses = List.copyOf(masterAddresses);
    workerAddresses = List.copyOf(workerAddresses);
  }

  /** After this long without a cycle that reached DM, DM series are withdrawn. */
  public Duration staleAfter() {
    return interval.multipliedBy(3);
  }
}
