package io.dmexporter.model;

import java.util.Locale;

/** Why a query of a DM endpoint failed: the closed set of {@code reason} label values. */
public enum PollError {
  TIMEOUT,
  UNAVAILABLE,
  TLS,
  BAD_RESPONSE,
  RESULT_FALSE;

  /** The metric label value, e.g. {@code bad_response}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
