package io.dmexporter.model;

/** A DM-worker from {@code ListMember}: stage is offline, free, bound or relay. */
public record WorkerMember(String name, String address, String stage, String sourceId) {

  /** The workers DM-master can route queries to: bound, or pulling relay log. */
  public boolean serving() {
    return "bound".equals(stage) || "relay".equals(stage);
  }
}
