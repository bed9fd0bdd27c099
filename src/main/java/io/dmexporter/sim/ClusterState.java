package io.dmexporter.sim;

import java.util.List;

/** A read-only picture of the whole simulated cluster, served as {@code GET /api/v1/cluster}. */
public record ClusterState(String time, double seconds, List<Master> masters, List<Worker> workers,
    List<Source> sources, List<Task> tasks) {

  /** A DM-master endpoint. */
  public record Master(String name, String address, boolean alive, boolean leader, String fault) {}

  /** A DM-worker endpoint and its ListMember stage. */
  public record Worker(String name, String address, String stage, String source, String fault) {}

  /** A source with its binding and relay. */
  public record Source(String id, String worker, Relay relay) {}

  /** A source's relay; {@code enabled=false} means DM sends no relayStatus. */
  public record Relay(boolean enabled, String stage, boolean catchUpMaster, List<Integer> errors) {}

  /** A task and its subtasks. */
  public record Task(String name, String mode, List<Subtask> subtasks) {}

  /** A subtask as dmctl would summarise it. */
  public record Subtask(String source, String stage, String unit, String progress,
      List<Integer> errors, boolean canceled, String unresolvedDDLLockID) {}
}
