package io.dmexporter.model;

/**
 * Progress of the Load unit. {@code progressRatio} is null when DM's progress string is empty
 * or malformed.
 */
public record LoadStatus(
    long finishedBytes,
    long totalBytes,
    String progress,
    Double progressRatio,
    long bytesPerSecond,
    String metaBinlog) {}
