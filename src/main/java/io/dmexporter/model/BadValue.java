package io.dmexporter.model;

/**
 * A value DM reported that its meaning forbids (a negative count, a non-finite number): it yields
 * no series. {@code field} is DM's field name, {@code value} the value as received.
 */
public record BadValue(String task, String sourceId, String field, String value) {}
