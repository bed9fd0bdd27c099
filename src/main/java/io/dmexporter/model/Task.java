package io.dmexporter.model;

import java.util.Set;

/** A task's status derived from its readable subtasks, with the reasons that make it Error. */
public record Task(String name, TaskStatus status, Set<ErrorReason> errorReasons, int subtasks) {
  public Task {
    errorReasons = Set.copyOf(errorReasons);
  }
}
