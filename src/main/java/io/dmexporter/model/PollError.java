package io.dmexporter.model;

/** Why a query of a DM endpoint failed: the closed set of {@code reason} label values. */
public enum PollError {
  TIMEOUT("timeout"),
  UNAVAILABLE("unavailable"),
  TLS("tls"),
  BAD_RESPONSE("bad_response"),
  RESULT_FALSE("result_false");

  private final String label;

  PollError(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
