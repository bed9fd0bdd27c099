package io.dmexporter.sim;

import java.util.List;

/**
 * A read-only picture of the whole simulated cluster, served as {@code GET /api/v1/cluster}.
 *
 * @param version the DM release line emulated ({@code v8.5} …)
 * @param leader the leading DM-master, or null while there is none
 */
public record ClusterState(String time, double seconds, String version, String leader, List<Master> masters,
    List<Worker> workers, List<Source> sources, List<Task> tasks, List<DdlLock> ddlLocks) {

  /** A DM-master endpoint. */
  public record Master(String name, String address, boolean alive, boolean leader, String fault) {}

  /** A DM-worker endpoint and its ListMember stage; {@code relaySource}: the source it pulls relay log for. */
  public record Worker(String name, String address, String stage, String source, String relaySource, String fault) {}

  /** A source with its binding and relay. */
  public record Source(String id, String worker, Relay relay) {}

  /** A source's relay; {@code enabled=false} means DM sends no relayStatus. */
  public record Relay(boolean enabled, String stage, boolean catchUpMaster, List<Integer> errors) {}

  /**
   * A task: its mode, shard mode ({@code pessimistic} or {@code optimistic}), validator mode
   * ({@code full}, {@code fast}, or null when not enabled) and subtasks.
   */
  public record Task(String name, String mode, String shardMode, String validation, List<Subtask> subtasks) {}

  /**
   * A subtask as dmctl would summarise it; {@code autoResumeLevel}: the task checker's back-off
   * level (0 = 1 s, then 1–2 s, 2–4 s, … up to 5 min); {@code validation}: the validator's stage
   * or null.
   */
  public record Subtask(String source, String stage, String unit, String progress,
      List<Integer> errors, boolean canceled, String unresolvedDDLLockID, String blockDDLOwner,
      String validation, int autoResumeLevel) {}

  /** An unresolved shard-DDL lock, as {@code pb.Master/ShowDDLLocks} lists it. */
  public record DdlLock(String id, String task, String mode, String owner, List<String> ddls,
      List<String> synced, List<String> unsynced) {}
}
