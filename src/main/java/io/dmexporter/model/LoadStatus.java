package io.dmexporter.model;

/**
 * Progress of the Load unit. A null number is one DM did not report or reported as a value its
 * meaning forbids; {@code progressRatio} is null when DM's progress string is empty or malformed.
 */
public record LoadStatus(
    Long finishedBytes,
    Long totalBytes,
    String progress,
    Double progressRatio,
    Long bytesPerSecond,
    String metaBinlog) {}
