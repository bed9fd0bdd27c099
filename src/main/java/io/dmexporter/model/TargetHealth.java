package io.dmexporter.model;

import java.util.Map;

/**
 * Health of one DM endpoint after the last cycle: whether its last query succeeded, how long it
 * took, why it failed ({@code error} null when up) and its failures so far by reason.
 */
public record TargetHealth(
    String address,
    TargetRole role,
    boolean up,
    double durationSeconds,
    PollError error,
    String message,
    Map<PollError, Long> errorCounts) {
  public TargetHealth {
    errorCounts = Map.copyOf(errorCounts);
  }
}
