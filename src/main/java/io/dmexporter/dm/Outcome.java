package io.dmexporter.dm;

import io.dmexporter.model.PollError;

/**
 * The result of one call to a DM endpoint: a value, or why it failed; and how long it took.
 * {@code unimplemented} marks a failure because the endpoint does not have the method (an older
 * DM); it counts as a {@code bad_response} where the method is required.
 */
public record Outcome<T>(String address, T value, PollError error, String message, double seconds, boolean unimplemented) {

  public boolean ok() {
    return error == null;
  }

  static <T> Outcome<T> success(String address, T value, double seconds) {
    return new Outcome<>(address, value, null, null, seconds, false);
  }

  static <T> Outcome<T> failure(String address, PollError error, String message, double seconds) {
    return new Outcome<>(address, null, error, message, seconds, false);
  }

  static <T> Outcome<T> unimplemented(String address, double seconds) {
    return new Outcome<>(address, null, PollError.BAD_RESPONSE, "UNIMPLEMENTED: DM does not have this method", seconds, true);
  }
}
