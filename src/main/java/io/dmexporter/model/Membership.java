package io.dmexporter.model;

import java.util.List;

/** DM-master's member list: masters (with the leader marked) and workers. */
public record Membership(List<MasterMember> masters, List<WorkerMember> workers) {
  public Membership {
    masters = List.copyOf(masters);
    workers = List.copyOf(workers);
  }
}
