package io.dmexporter.model;

/**
 * Progress of the Dump unit. {@code progressRatio} is null when DM's progress string is empty
 * or malformed.
 */
public record DumpStatus(
    long totalTables,
    double completedTables,
    double finishedBytes,
    double finishedRows,
    double estimatedTotalRows,
    long bytesPerSecond,
    String progress,
    Double progressRatio) {}
