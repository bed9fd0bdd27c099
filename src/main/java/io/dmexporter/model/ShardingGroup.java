package io.dmexporter.model;

import java.util.List;

/** A sharding DDL group that the Sync unit has not resolved yet. */
public record ShardingGroup(
    String target, List<String> ddls, String firstLocation, List<String> synced, List<String> unsynced) {
  public ShardingGroup {
    ddls = List.copyOf(ddls);
    synced = List.copyOf(synced);
    unsynced = List.copyOf(unsynced);
  }
}
