package io.dmexporter.poll;

import io.dmexporter.model.LoadStatus;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.SyncStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields that only some DM versions fill, told apart from a real zero by memory: such a field
 * gives a series for a subtask only once DM has reported it non-zero for that subtask (DM before
 * v9 leaves the sync I/O byte counters at 0, DM before v6.4 the load speed).
 */
final class ReportedFields {
  private enum Field { IO_DOWNSTREAM, IO_UPSTREAM, LOAD_BPS }

  private final Map<List<String>, Set<Field>> seen = new HashMap<>();

  /** The subtasks with never-reported fields set to null; forgets subtasks no longer present. */
  List<Subtask> apply(List<Subtask> subtasks) {
    Map<List<String>, Set<Field>> next = new HashMap<>();
    List<Subtask> out = new ArrayList<>(subtasks.size());
    for (Subtask s : subtasks) {
      List<String> key = List.of(s.task(), s.sourceId());
      Set<Field> fields = next.computeIfAbsent(key, k -> {
        Set<Field> before = seen.get(k);
        return before == null ? EnumSet.noneOf(Field.class) : EnumSet.copyOf(before);
      });
      out.add(s.withStatus(load(s.load(), fields), sync(s.sync(), fields)));
    }
    seen.clear();
    seen.putAll(next);
    return out;
  }

  private static LoadStatus load(LoadStatus l, Set<Field> fields) {
    if (l == null) {
      return null;
    }
    Long bps = reported(l.bytesPerSecond(), Field.LOAD_BPS, fields);
    return java.util.Objects.equals(bps, l.bytesPerSecond()) ? l
        : new LoadStatus(l.finishedBytes(), l.totalBytes(), l.progress(), l.progressRatio(), bps, l.metaBinlog());
  }

  private static SyncStatus sync(SyncStatus y, Set<Field> fields) {
    if (y == null) {
      return null;
    }
    Long down = reported(y.ioTotalBytes(), Field.IO_DOWNSTREAM, fields);
    Long up = reported(y.dumpIoTotalBytes(), Field.IO_UPSTREAM, fields);
    return java.util.Objects.equals(down, y.ioTotalBytes()) && java.util.Objects.equals(up, y.dumpIoTotalBytes()) ? y : y.withIoBytes(down, up);
  }

  private static Long reported(Long value, Field field, Set<Field> fields) {
    if (value == null) {
      return null;
    }
    if (value != 0) {
      fields.add(field);
      return value;
    }
    return fields.contains(field) ? value : null;
  }
}
