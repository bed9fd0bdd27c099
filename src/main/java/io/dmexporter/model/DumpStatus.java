package io.dmexporter.model;

/**
 * Progress of the Dump unit. A null number is one DM did not report (DM before v6.4 reports no
 * {@code bps}) or reported as a value its meaning forbids (negative, not finite);
 * {@code progressRatio} is null when DM's progress string is empty or malformed.
 */
public record DumpStatus(
    Long totalTables,
    Double completedTables,
    Double finishedBytes,
    Double finishedRows,
    Double estimatedTotalRows,
    Long bytesPerSecond,
    String progress,
    Double progressRatio) {}
