package io.dmexporter.model;

/** A binlog position such as {@code (bin.000001, 3234)}: file name, file index and offset. */
public record BinlogPosition(String file, long fileIndex, long offset) {}
