package io.dmexporter.web;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes written once and then served many times: kept in chunks of {@link #CHUNK} bytes, never
 * copied into one array, and handed out as fresh read-only buffers over the same memory. A chunk
 * is small enough that the JDK's temporary direct buffer for a socket write of it stays small.
 */
final class Chunks extends OutputStream {
  static final int CHUNK = 64 * 1024;

  private final List<byte[]> full = new ArrayList<>();
  private byte[] current = new byte[4096];
  private int used;
  private long size;
  private boolean sealed;

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (sealed) {
      throw new IllegalStateException("chunks are sealed");
    }
    while (len > 0) {
      if (used == current.length) {
        if (current.length < CHUNK) {
          current = Arrays.copyOf(current, Math.min(CHUNK, current.length * 4));
        } else {
          full.add(current);
          current = new byte[CHUNK];
          used = 0;
        }
      }
      int n = Math.min(len, current.length - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
      size += n;
    }
  }

  /** Ends writing: the last chunk is trimmed to what it holds. */
  Chunks seal() {
    if (!sealed) {
      sealed = true;
      if (used > 0) {
        full.add(used == current.length ? current : Arrays.copyOf(current, used));
      }
      current = null;
    }
    return this;
  }

  /** Bytes written. */
  long size() {
    return size;
  }

  /** Fresh read-only buffers over the chunks, in order (after {@link #seal()}). */
  List<ByteBuffer> buffers() {
    if (!sealed) {
      throw new IllegalStateException("seal() first");
    }
    List<ByteBuffer> out = new ArrayList<>(full.size());
    for (byte[] chunk : full) {
      out.add(ByteBuffer.wrap(chunk).asReadOnlyBuffer());
    }
    return out;
  }
}
