package io.dmexporter.model;

import java.time.Instant;
import java.util.List;

/**
 * Everything one poll cycle learned, immutable. {@code subtasks} were read this cycle;
 * {@code unknownSubtasks} are those DM knows of whose status could not be read. {@code membership}
 * is null when no DM-master answered (or none is configured); {@code lastSuccess} is the end of
 * the last cycle in which some DM endpoint answered, null if none ever did.
 */
public record Snapshot(
    Instant time,
    double durationSeconds,
    Instant lastSuccess,
    List<Task> tasks,
    List<Subtask> subtasks,
    List<UnknownSubtask> unknownSubtasks,
    List<Source> sources,
    Membership membership,
    List<TargetHealth> targets) {

  public Snapshot {
    tasks = List.copyOf(tasks);
    subtasks = List.copyOf(subtasks);
    unknownSubtasks = List.copyOf(unknownSubtasks);
    sources = List.copyOf(sources);
    targets = List.copyOf(targets);
  }

  /** The snapshot before the first cycle: nothing known yet. */
  public static Snapshot empty() {
    return new Snapshot(null, 0, null, List.of(), List.of(), List.of(), List.of(), null, List.of());
  }

  /**
   * Whether DM has been out of sight too long for this snapshot's DM data to be served: no cycle
   * ever reached DM, or the last that did ended more than {@code staleAfter} before {@code now}.
   */
  public boolean staleAt(java.time.Instant now, java.time.Duration staleAfter) {
    return lastSuccess == null || lastSuccess.plus(staleAfter).isBefore(now);
  }

  /** Whether a cycle has finished yet. */
  public boolean ready() {
    return time != null;
  }
}
