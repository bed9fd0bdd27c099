package io.dmexporter.sim;

import java.util.Random;

/**
 * DM's auto-resume bookkeeping for one subtask or one relay ({@code worker/task_checker.go}
 * {@code AutoResumeInfo} with {@code pkg/backoff}, defaults of {@code config/checker_config.go}):
 * the checker looks every 5 s; a paused unit with only resumable errors is resumed once the time
 * since the last auto-resume reaches the back-off, which starts at 1 s, doubles with equal
 * jitter up to 5 min, and steps back one level per 5 min without an error pause.
 */
final class AutoResume {
  static final double CHECK_INTERVAL = 5;
  static final double BACKOFF_MIN = 1;
  static final double BACKOFF_MAX = 300;
  static final double BACKOFF_ROLLBACK = 300;
  private static final double FACTOR = 2;
  /** Check instants are sums of doubles: compare durations with this much slack. */
  static final double EPSILON = 1e-6;

  /** What the checker does with a unit in one round. */
  enum Strategy { IGNORE, SKIP, NO_SENSE, DISPATCH }

  private final Random jitter;
  private int cwnd;
  private double latestPausedTime;
  private double latestResumeTime;

  /** Created at the first check that sees the unit, as DM creates it. */
  AutoResume(double now, Random jitter) {
    this.jitter = jitter;
    this.latestPausedTime = now;
    this.latestResumeTime = now;
  }

  /** {@code Backoff.Current()}: a fresh draw at every call, as in DM. */
  double current() {
    double d = BACKOFF_MIN * Math.pow(FACTOR, cwnd);
    if (d <= BACKOFF_MIN) {
      return BACKOFF_MIN;
    }
    d = d / 2 + jitter.nextDouble() * (d / 2);
    return Math.min(d, BACKOFF_MAX);
  }

  /**
   * One check at {@code now}: {@code errorPaused} = Paused with errors and not canceled;
   * {@code resumable} = all its errors resumable. Returns what to do; on DISPATCH the caller
   * resumes and then calls {@link #resumed}.
   */
  Strategy check(double now, boolean errorPaused, boolean resumable) {
    Strategy s;
    if (!errorPaused) {
      s = Strategy.IGNORE;
    } else if (!resumable) {
      s = Strategy.NO_SENSE;
    } else {
      s = now - latestResumeTime < current() ? Strategy.SKIP : Strategy.DISPATCH;
    }
    if (s == Strategy.IGNORE) {
      if (now - latestPausedTime > BACKOFF_ROLLBACK + EPSILON) {
        if (cwnd > 0) {
          cwnd--;
        }
        latestPausedTime = now;
      }
    } else {
      latestPausedTime = now;
    }
    return s;
  }

  /** After a dispatched resume: {@code LatestResumeTime = now; Backoff.BoundaryForward()}. */
  void resumed(double now) {
    latestResumeTime = now;
    if (current() < BACKOFF_MAX) {
      cwnd++;
    }
  }

  /** While the unit is not error-paused, only checks later than this can change anything (a roll-back). */
  double idleUntil() {
    return cwnd > 0 ? latestPausedTime + BACKOFF_ROLLBACK + EPSILON : Double.POSITIVE_INFINITY;
  }

  /** The back-off level (0 = 1 s, 1 = 1–2 s, 2 = 2–4 s, …). */
  int level() {
    return cwnd;
  }
}
