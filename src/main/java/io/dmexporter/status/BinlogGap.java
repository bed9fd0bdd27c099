package io.dmexporter.status;

import io.dmexporter.model.BinlogPosition;

/**
 * How far one binlog position trails another (master − syncer, master − relay): whole files by
 * file index and, within the same file, bytes. {@code bytes} is null when the files differ, as
 * offsets in different files do not subtract.
 */
public record BinlogGap(long files, Long bytes) {

  /** The gap from {@code behind} up to {@code ahead}, or null when either position is unknown. */
  public static BinlogGap between(BinlogPosition ahead, BinlogPosition behind) {
    if (ahead == null || behind == null) {
      return null;
    }
    long files = ahead.fileIndex() - behind.fileIndex();
    return new BinlogGap(files, files == 0 ? ahead.offset() - behind.offset() : null);
  }

  /** Whether there is nothing between the two positions. */
  public boolean none() {
    return files == 0 && bytes != null && bytes == 0;
  }
}
