package io.dmexporter.sim;

import java.util.Locale;

/** A task's {@code shard-mode}: how DM coordinates DDL across the shards that merge into one table. */
public enum ShardMode {
  /** Every shard waits at the DDL until all have reached it (a DDL lock, shown in unresolvedGroups). */
  PESSIMISTIC,
  /** Shards go on; a DDL that conflicts blocks its shard (shown only as blockDDLOwner/conflictMsg). */
  OPTIMISTIC;

  /** DM's spelling. */
  public String dmName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ShardMode parse(String s) {
    return DmNames.parse(values(), ShardMode::dmName, s, "shard mode");
  }
}
