package io.dmexporter.model;

/** The relay log unit of a source. Positions are null when DM's string is empty or malformed. */
public record Relay(
    Stage stage,
    ProcessResult result,
    boolean catchUpMaster,
    String masterBinlog,
    BinlogPosition masterPosition,
    String masterBinlogGtid,
    String relayBinlog,
    BinlogPosition relayPosition,
    String relayBinlogGtid,
    String relaySubDir) {}
