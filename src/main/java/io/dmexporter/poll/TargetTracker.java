package io.dmexporter.poll;

import io.dmexporter.dm.Outcome;
import io.dmexporter.model.PollError;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of each DM endpoint across cycles: failure counters by reason and one log line per
 * change of state (down, back up, a different error), never one per cycle.
 */
final class TargetTracker {
  private static final Logger log = LoggerFactory.getLogger(TargetTracker.class);

  record Key(String address, TargetRole role) {}

  private static final class State {
    final Map<PollError, Long> errorCounts = new EnumMap<>(PollError.class);
    /** What was last logged: null while up, else the reason (and DM's message for result_false). */
    String logged;
    boolean seen;
  }

  private final Map<Key, State> states = new HashMap<>();

  /**
   * Folds this cycle's calls to one endpoint (at least one) into its health: down if any failed,
   * as long as its slowest call.
   */
  TargetHealth record(String address, TargetRole role, List<? extends Outcome<?>> calls) {
    State state = states.computeIfAbsent(new Key(address, role), k -> new State());
    double seconds = 0;
    Outcome<?> failed = null;
    for (Outcome<?> call : calls) {
      seconds = Math.max(seconds, call.seconds());
      if (!call.ok() && failed == null) {
        failed = call;
      }
    }
    String what = "DM-" + role.label() + " " + address;
    if (failed == null) {
      if (state.logged != null) {
        log.info("{} is up again", what);
      } else if (!state.seen) {
        log.info("{} answered", what);
      }
      state.logged = null;
    } else {
      state.errorCounts.merge(failed.error(), 1L, Long::sum);
      // Timeouts and refused connections differ in detail every time; DM's own message is stable.
      String summary = failed.error() == PollError.RESULT_FALSE
          ? failed.error().label() + ": " + failed.message()
          : failed.error().label();
      if (!Objects.equals(summary, state.logged)) {
        log.warn("{} failed: {} ({})", what, failed.error().label(), failed.message());
        state.logged = summary;
      }
    }
    state.seen = true;
    return new TargetHealth(address, role, failed == null, seconds,
        failed == null ? null : failed.error(), failed == null ? null : failed.message(), state.errorCounts);
  }

  /** Forgets endpoints that were not queried this cycle. */
  void retainOnly(Set<Key> keys) {
    states.keySet().retainAll(keys);
  }
}
