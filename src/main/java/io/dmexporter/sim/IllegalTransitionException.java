package io.dmexporter.sim;

/** A subtask was asked for a stage change that DM's state diagram does not allow (HTTP 409). */
public final class IllegalTransitionException extends IllegalStateException {
  public IllegalTransitionException(String message) {
    super(message);
  }
}
