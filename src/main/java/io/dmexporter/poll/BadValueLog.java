package io.dmexporter.poll;

import io.dmexporter.model.BadValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One warning when DM starts reporting an impossible value for a field, one line when it stops. */
final class BadValueLog {
  private static final Logger log = LoggerFactory.getLogger(BadValueLog.class);

  private Map<List<String>, BadValue> current = Map.of();

  void record(List<BadValue> values) {
    Map<List<String>, BadValue> next = new HashMap<>();
    for (BadValue v : values) {
      List<String> key = List.of(v.task(), v.sourceId(), v.field());
      next.putIfAbsent(key, v);
      if (!current.containsKey(key)) {
        log.warn("DM reported an impossible {} {} for task {} source {}; no series for it until it is valid again",
            v.field(), v.value(), v.task(), v.sourceId());
      }
    }
    for (Map.Entry<List<String>, BadValue> e : current.entrySet()) {
      if (!next.containsKey(e.getKey())) {
        BadValue v = e.getValue();
        log.info("DM reports a valid {} again for task {} source {}", v.field(), v.task(), v.sourceId());
      }
    }
    current = next;
  }
}
