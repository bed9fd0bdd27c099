package io.dmexporter.sim;

import java.time.Duration;
import java.util.Locale;

/** A misbehaviour injected at one master or worker address. */
public record Fault(Kind kind, Duration delay, String message) {

  /** What the endpoint does instead of answering normally. */
  public enum Kind {
    DELAY, HANG, UNAVAILABLE, GARBAGE, RESULT_FALSE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String id) {
      for (Kind k : values()) {
        if (k.id().equals(id)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown fault kind '" + id
          + "'; use delay, hang, unavailable, garbage or result_false");
    }
  }

  public Fault {
    if (kind == Kind.DELAY && (delay == null || delay.isNegative() || delay.isZero())) {
      throw new IllegalArgumentException("a delay fault needs a positive delay, e.g. \"delay\":\"2s\"");
    }
    delay = kind == Kind.DELAY ? delay : Duration.ZERO;
    message = kind == Kind.RESULT_FALSE && (message == null || message.isBlank())
        ? "simulated failure" : (kind == Kind.RESULT_FALSE ? message : "");
  }

  public static Fault delay(Duration d) {
    return new Fault(Kind.DELAY, d, null);
  }

  public static Fault hang() {
    return new Fault(Kind.HANG, null, null);
  }

  public static Fault unavailable() {
    return new Fault(Kind.UNAVAILABLE, null, null);
  }

  public static Fault garbage() {
    return new Fault(Kind.GARBAGE, null, null);
  }

  public static Fault resultFalse(String message) {
    return new Fault(Kind.RESULT_FALSE, null, message);
  }

  /** Builds a fault from the HTTP API's fields ({@code kind}, {@code delay}, {@code message}). */
  public static Fault of(String kind, String delay, String message) {
    if (kind == null) {
      throw new IllegalArgumentException("missing \"kind\"; use delay, hang, unavailable, garbage or result_false");
    }
    Kind k = Kind.parse(kind);
    return new Fault(k, k == Kind.DELAY && delay != null ? Durations.parse(delay) : null, message);
  }

  /** A short human description for the cluster state. */
  public String describe() {
    return switch (kind) {
      case DELAY -> "delay " + Durations.format(delay);
      case RESULT_FALSE -> "result_false: " + message;
      default -> kind.id();
    };
  }
}
