package io.dmexporter.model;

/**
 * A subtask DM-master knows of whose status could not be read this cycle: its source has no
 * worker (offline, never bound), its worker could not be reached or answered {@code result=false},
 * or its worker did not report it. {@code worker} is empty when no worker is known.
 */
public record UnknownSubtask(String task, String sourceId, String worker, String reason) {}
