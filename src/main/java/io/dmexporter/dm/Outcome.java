package io.dmexporter.dm;

import io.dmexporter.model.PollError;

/** The result of one call to a DM endpoint: a value, or why it failed; and how long it took. */
public record Outcome<T>(String address, T value, PollError error, String message, double seconds) {

  public boolean ok() {
    return error == null;
  }

  static <T> Outcome<T> success(String address, T value, double seconds) {
    return new Outcome<>(address, value, null, null, seconds);
  }

  static <T> Outcome<T> failure(String address, PollError error, String message, double seconds) {
    return new Outcome<>(address, null, error, message, seconds);
  }
}
