package io.dmexporter.model;

import java.util.List;

/**
 * DM-master's member list: masters (with the leader marked) and workers. {@code leaderAddress} is
 * the leader's gRPC address as DM-master gives it, null when the list names none.
 */
public record Membership(List<MasterMember> masters, List<WorkerMember> workers, String leaderAddress) {
  public Membership {
    masters = List.copyOf(masters);
    workers = List.copyOf(workers);
  }
}
