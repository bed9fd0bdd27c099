package io.dmexporter.web;

import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Snapshot;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The body of the telemetry path. What changes only with the snapshot (DM's families, the
 * exporter's per-endpoint ones) is rendered once per snapshot and variant — Prometheus text or
 * OpenMetrics, plain or as a raw deflate stream — on the first scrape that asks for that variant,
 * one render at a time, and served from then on without a copy; what changes between scrapes
 * (failed cycles, build info, JVM) is rendered per scrape and appended (the two never share a
 * family name). With gzip both parts go into one gzip member: header, the cached deflate part
 * (sync-flushed), the scrape's part (finished), and a trailer whose CRC-32 is combined from the
 * parts' own. A scrape filtered with {@code name[]} renders both parts anew.
 */
public final class ExpositionCache {
  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);
  /** Cached once per snapshot, where the size matters more than the milliseconds. */
  private static final int CACHED_LEVEL = Deflater.DEFAULT_COMPRESSION;
  /** Rendered per scrape: a few kilobytes. */
  private static final int SCRAPE_LEVEL = Deflater.BEST_SPEED;

  /** What a scrape sends: the content type and the buffers of the body, in order. */
  public record Body(String contentType, boolean gzip, List<ByteBuffer> buffers, long length) {}

  /** One rendered part: its bytes (raw deflate when gzipped) and the CRC-32 and length of what they say. */
  private record Part(Chunks bytes, int crc, long length) {}

  /** The cached parts of one snapshot (and whether its DM families were servable): text, OpenMetrics; plain, deflated. */
  private static final class Generation {
    final Snapshot snapshot;
    final boolean servable;
    final AtomicReferenceArray<Part> parts = new AtomicReferenceArray<>(4);
    final Object[] renders = {new Object(), new Object(), new Object(), new Object()};

    Generation(Snapshot snapshot, boolean servable) {
      this.snapshot = snapshot;
      this.servable = servable;
    }
  }

  private final ExpositionFormats formats = ExpositionFormats.init();
  private final Telemetry telemetry;
  private volatile Generation generation = new Generation(null, false);

  public ExpositionCache(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** The writer for an {@code Accept} header (null: any). */
  public ExpositionFormatWriter writer(String accept) {
    return formats.findWriter(accept);
  }

  /** The body for {@code writer}; {@code names}, when not null, keeps only the families it accepts. */
  public Body body(ExpositionFormatWriter writer, boolean gzip, Predicate<String> names) {
    int format = writer == formats.getPrometheusTextFormatWriter() ? 0
        : writer == formats.getOpenMetricsTextFormatWriter() ? 1 : -1;
    Snapshot s = telemetry.snapshot();
    boolean servable = telemetry.servable(s);
    Predicate<String> all = names == null ? n -> true : names;
    if (format < 0) {
      // A format whose parts do not simply concatenate: one render of everything, uncached.
      MetricSnapshots everything = new MetricSnapshots(Stream.concat(
          telemetry.ofSnapshot(s, servable, all).stream(), telemetry.ofScrape(all).stream()).toList());
      return assemble(writer, gzip, render(writer, everything, false, gzip), new byte[0]);
    }
    boolean openMetrics = format == 1;
    Supplier<Part> render = () -> render(writer, telemetry.ofSnapshot(s, servable, all), openMetrics, gzip);
    Part snapshotPart = names != null ? render.get() : cached(s, servable, format * 2 + (gzip ? 1 : 0), render);
    ByteArrayOutputStream scrapePart = new ByteArrayOutputStream(16 * 1024);
    write(writer, telemetry.ofScrape(all), scrapePart);
    return assemble(writer, gzip, snapshotPart, scrapePart.toByteArray());
  }

  private Part cached(Snapshot s, boolean servable, int variant, Supplier<Part> render) {
    Generation g = generation;
    if (g.snapshot != s || g.servable != servable) {
      synchronized (this) {
        g = generation;
        if (g.snapshot != s || g.servable != servable) {
          if (g.snapshot != null && g.snapshot != s && s.time() != null && g.snapshot.time() != null
              && s.time().isBefore(g.snapshot.time())) {
            return render.get(); // a scrape that read the snapshot just before the next one came
          }
          g = new Generation(s, servable); // the last snapshot's parts go with it
          generation = g;
        }
      }
    }
    Part p = g.parts.get(variant);
    if (p != null) {
      return p;
    }
    synchronized (g.renders[variant]) { // one render at a time: the others wait for it
      p = g.parts.get(variant);
      if (p == null) {
        p = render.get();
        g.parts.set(variant, p);
      }
      return p;
    }
  }

  private static Body assemble(ExpositionFormatWriter writer, boolean gzip, Part snapshotPart, byte[] scrapePart) {
    List<ByteBuffer> buffers = new ArrayList<>();
    if (!gzip) {
      buffers.addAll(snapshotPart.bytes().buffers());
      buffers.add(ByteBuffer.wrap(scrapePart));
      return new Body(writer.getContentType(), false, buffers, snapshotPart.length() + scrapePart.length);
    }
    byte[] scrapeDeflated = Gzip.deflateFinal(scrapePart, SCRAPE_LEVEL);
    int crc = Gzip.crc32Combine(snapshotPart.crc(), Gzip.crc(scrapePart), scrapePart.length);
    byte[] header = Gzip.header();
    byte[] trailer = Gzip.trailer(crc, snapshotPart.length() + scrapePart.length);
    buffers.add(ByteBuffer.wrap(header));
    buffers.addAll(snapshotPart.bytes().buffers());
    buffers.add(ByteBuffer.wrap(scrapeDeflated));
    buffers.add(ByteBuffer.wrap(trailer));
    long length = header.length + snapshotPart.bytes().size() + scrapeDeflated.length + trailer.length;
    return new Body(writer.getContentType(), true, buffers, length);
  }

  /**
   * Renders families into a part; {@code withoutEof} drops OpenMetrics' closing {@code # EOF}
   * (the part that follows ends the exposition), {@code deflate} makes it a sync-flushed raw
   * deflate stream that other deflate data may follow.
   */
  private static Part render(ExpositionFormatWriter writer, MetricSnapshots families, boolean withoutEof,
      boolean deflate) {
    Chunks chunks = new Chunks();
    CRC32 crc = new CRC32();
    Deflater deflater = deflate ? new Deflater(CACHED_LEVEL, true) : null;
    try {
      DeflaterOutputStream deflating = deflate ? new DeflaterOutputStream(chunks, deflater, 8192, true) : null;
      Checked checked = new Checked(deflate ? deflating : chunks, crc, withoutEof ? EOF.length : 0);
      write(writer, families, checked);
      if (withoutEof && !checked.heldBackIs(EOF)) {
        throw new IllegalStateException("an OpenMetrics exposition that does not end with # EOF");
      }
      if (deflating != null) {
        deflating.flush(); // SYNC_FLUSH: byte-aligned, no final block
      }
      return new Part(chunks.seal(), (int) crc.getValue(), checked.count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (deflater != null) {
        deflater.end();
      }
    }
  }

  private static void write(ExpositionFormatWriter writer, MetricSnapshots families, OutputStream out) {
    try {
      writer.write(new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          flush(); // the writer's close must not finish a deflate stream that goes on
        }
      }, families);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts and checksums what passes, holding back its last {@code holdBack} bytes, which never pass. */
  private static final class Checked extends OutputStream {
    private final OutputStream out;
    private final CRC32 crc;
    private final byte[] held;
    private int heldCount;
    long count;

    Checked(OutputStream out, CRC32 crc, int holdBack) {
      this.out = out;
      this.crc = crc;
      this.held = new byte[holdBack];
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int k = held.length;
      if (heldCount + len <= k) { // still all held back
        System.arraycopy(b, off, held, heldCount, len);
        heldCount += len;
        return;
      }
      // What leaves: the oldest held bytes, then all of b but what is held back of it.
      int fromHeld = Math.min(heldCount, heldCount + len - k);
      pass(held, 0, fromHeld);
      System.arraycopy(held, fromHeld, held, 0, heldCount - fromHeld);
      heldCount -= fromHeld;
      int fromB = len - (k - heldCount);
      pass(b, off, fromB);
      System.arraycopy(b, off + fromB, held, heldCount, len - fromB);
      heldCount += len - fromB;
    }

    private void pass(byte[] b, int off, int len) throws IOException {
      if (len > 0) {
        out.write(b, off, len);
        crc.update(b, off, len);
        count += len;
      }
    }

    boolean heldBackIs(byte[] expected) {
      return heldCount == expected.length && java.util.Arrays.equals(held, expected);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
