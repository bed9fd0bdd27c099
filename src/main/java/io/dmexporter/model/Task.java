package io.dmexporter.model;

import java.util.Set;

/**
 * A task's status derived from its readable subtasks, with the reasons that make it Error.
 * {@code status} is null when none of its subtasks could be read ({@code unknownSubtasks} says
 * how many DM knows of).
 */
public record Task(String name, TaskStatus status, Set<ErrorReason> errorReasons, int subtasks, int unknownSubtasks) {
  public Task {
    errorReasons = Set.copyOf(errorReasons);
  }
}
