package io.dmexporter.dm;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which sources each task has, as DM-master's own state says (task configs, not worker answers).
 * {@code supported} is false when DM-master does not have the call asked (an older DM).
 */
public record TaskCatalogue(boolean supported, Map<String, Set<String>> sourcesByTask) {
  /** DM-master does not implement the call. */
  public static final TaskCatalogue UNSUPPORTED = new TaskCatalogue(false, Map.of());

  public TaskCatalogue {
    Map<String, Set<String>> copy = new TreeMap<>();
    sourcesByTask.forEach((task, sources) -> copy.put(task, Set.copyOf(sources)));
    sourcesByTask = java.util.Collections.unmodifiableMap(copy);
  }
}
