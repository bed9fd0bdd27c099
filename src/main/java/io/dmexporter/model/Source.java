package io.dmexporter.model;

/**
 * An upstream source as seen in the last poll cycle. When {@code up} is false its status could
 * not be read ({@code error} says why) and nothing else about it is current. {@code relay} is
 * null when relay log is disabled.
 */
public record Source(
    String sourceId, String worker, boolean up, String error, ProcessResult result, Relay relay) {

  /** A source whose status could not be read this cycle. */
  public static Source down(String sourceId, String worker, String error) {
    return new Source(sourceId, worker == null ? "" : worker, false, error, ProcessResult.NONE, null);
  }
}
