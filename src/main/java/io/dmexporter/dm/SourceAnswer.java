package io.dmexporter.dm;

import java.util.List;

/**
 * One source's entry in DM-master's {@code QueryStatus} answer. {@code report} is set when DM-master
 * could read the source; otherwise {@code failure} says why (DM's message) and {@code unreadTasks}
 * names the tasks DM-master listed for it without a status (its "source not bound" placeholders).
 * {@code worker} is empty when DM-master names no worker for the source.
 */
public record SourceAnswer(String sourceId, String worker, SourceReport report, String failure, List<String> unreadTasks) {
  public SourceAnswer {
    unreadTasks = List.copyOf(unreadTasks);
  }

  public boolean read() {
    return report != null;
  }
}
