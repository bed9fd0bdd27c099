package io.dmexporter.dm;

import io.dmexporter.model.BadValue;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import java.util.List;

/**
 * A source's status and its subtasks, as one worker (or DM-master for it) reported them, with the
 * values that were dropped as impossible.
 */
public record SourceReport(Source source, List<Subtask> subtasks, List<BadValue> badValues) {
  public SourceReport {
    subtasks = List.copyOf(subtasks);
    badValues = List.copyOf(badValues);
  }
}
