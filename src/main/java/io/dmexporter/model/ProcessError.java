package io.dmexporter.model;

/** One error DM reports in a unit's result; message, raw cause and workaround are free text. */
public record ProcessError(
    int code,
    String errClass,
    String scope,
    String level,
    String message,
    String rawCause,
    String workaround) {}
