package io.dmexporter.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** Real time sped up by a factor from the moment of creation: the demo at speed 10 lives ten minutes in one. */
public final class ScaledClock extends Clock {
  private final Clock base;
  private final double speed;
  private final Instant origin;

  public ScaledClock(Clock base, double speed) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number, got " + speed);
    }
    this.base = base;
    this.speed = speed;
    this.origin = base.instant();
  }

  @Override
  public Instant instant() {
    long elapsed = Duration.between(origin, base.instant()).toNanos();
    return origin.plusNanos((long) (elapsed * speed));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ScaledClock(base.withZone(zone), speed);
  }
}
