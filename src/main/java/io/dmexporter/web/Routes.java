package io.dmexporter.web;

import io.dmexporter.model.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The exporter's endpoints: the telemetry path, {@code /-/healthy}, {@code /-/ready},
 * {@code /api/v1/status}, the status page at {@code /} with a page per task at
 * {@code /tasks/<name>} and the page's assets under {@code /static/}. Every one reads the current
 * snapshot; none waits on DM.
 */
public final class Routes extends Handler.Abstract.NonBlocking {
  private static final String TASKS = "/tasks/";

  /** node_exporter's default for {@code --web.max-requests}. */
  public static final int DEFAULT_MAX_REQUESTS = 40;

  private final String telemetryPath;
  private final ExpositionCache exposition;
  private final Supplier<Snapshot> snapshots;
  private final StatusApi status;
  private final StatusPage page;
  private final PageAssets assets = PageAssets.load();
  private final int maxRequests;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * {@code maxRequests} bounds the scrapes, status documents and pages served at once (0: no
   * bound); more are answered 503 at once rather than each holding memory. Probes and assets
   * are never refused.
   */
  public Routes(String telemetryPath, ExpositionCache exposition, Supplier<Snapshot> snapshots, StatusApi status,
      int maxRequests) {
    this.telemetryPath = telemetryPath;
    this.exposition = exposition;
    this.snapshots = snapshots;
    this.status = status;
    this.page = new StatusPage(telemetryPath);
    this.maxRequests = maxRequests;
  }

  /**
   * These routes behind gzip for the status page, its API and assets (at 1,000 DM-workers the
   * page's JSON is megabytes, fetched every poll interval); the telemetry path compresses itself.
   */
  public Handler compressed() {
    GzipHandler gzip = new GzipHandler(this);
    gzip.addExcludedPaths(telemetryPath);
    return gzip;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return text(response, callback, 405, "Method Not Allowed\n");
    }
    String path = Request.getPathInContext(request);
    boolean heavy = path.equals(telemetryPath) || path.equals("/api/v1/status") || path.equals("/")
        || path.startsWith(TASKS);
    if (!heavy) {
      return light(path, response, callback);
    }
    if (maxRequests > 0 && inFlight.incrementAndGet() > maxRequests) {
      inFlight.decrementAndGet();
      return text(response, callback, 503, "Limit of concurrent requests reached (" + maxRequests
          + "), try again later.\n");
    }
    Release release = new Release();
    try {
      return heavy(path, request, response, Callback.from(callback, release));
    } catch (Exception | Error e) {
      release.run(); // Jetty answers the failure itself, without our callback
      throw e;
    }
  }

  /** Probes, assets and 404s: small, never refused. */
  private boolean light(String path, Response response, Callback callback) {
    PageAssets.headers(response);
    switch (path) {
      case "/-/healthy":
        return text(response, callback, 200, "Healthy\n");
      case "/-/ready":
        return snapshots.get().ready()
            ? text(response, callback, 200, "Ready\n")
            : text(response, callback, 503, "Not ready: the first poll of DM has not finished\n");
      default:
        PageAssets.Asset asset = assets.get(path);
        if (asset != null) {
          return send(response, callback, 200, asset.contentType(), asset.body());
        }
        return text(response, callback, 404, "Not Found\n");
    }
  }

  private boolean heavy(String path, Request request, Response response, Callback callback) throws IOException {
    if (path.equals(telemetryPath)) {
      return metrics(request, response, callback);
    }
    PageAssets.headers(response);
    if (path.equals("/api/v1/status")) {
      return send(response, callback, 200, "application/json", status.json(status.document(snapshots.get())));
    }
    if (path.equals("/")) {
      return html(response, callback, 200, page.overview(status.document(snapshots.get())));
    }
    return task(path.substring(TASKS.length()), response, callback);
  }

  /** Counts a request out once, however it ends. */
  private final class Release implements Runnable {
    private final AtomicBoolean done = new AtomicBoolean();

    @Override
    public void run() {
      if (maxRequests > 0 && done.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    }
  }

  /** {@code /tasks/<name>}: the name arrives percent-encoded; an unknown task is a 404 page. */
  private boolean task(String encodedName, Response response, Callback callback) {
    String name = Html.decodePathSegment(encodedName);
    StatusDocument doc = status.document(snapshots.get());
    boolean known = name != null && doc.snapshot().tasks().stream().anyMatch(t -> t.name().equals(name));
    return html(response, callback, known ? 200 : 404, page.task(doc, name));
  }

  private boolean metrics(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    List<String> names = query.getValues("name[]");
    ExpositionCache.Body body = exposition.body(exposition.writer(request.getHeaders().get(HttpHeader.ACCEPT)),
        acceptsGzip(request), names == null || names.isEmpty() ? null : nameFilter(Set.copyOf(names)));
    if (body.gzip()) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    response.getHeaders().put(HttpHeader.VARY, "Accept, Accept-Encoding");
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, body.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length());
    new BufferSequence(response, body.buffers(), callback).iterate();
    return true;
  }

  /** Writes buffers one after the other, each when the last is written, the last one as the end. */
  private static final class BufferSequence extends IteratingCallback {
    private final Response response;
    private final List<ByteBuffer> buffers;
    private final Callback done;
    private int next;

    BufferSequence(Response response, List<ByteBuffer> buffers, Callback done) {
      this.response = response;
      this.buffers = buffers.isEmpty() ? List.of(ByteBuffer.allocate(0)) : buffers;
      this.done = done;
    }

    @Override
    protected Action process() {
      if (next == buffers.size()) {
        return Action.SUCCEEDED;
      }
      ByteBuffer b = buffers.get(next++);
      response.write(next == buffers.size(), b, this);
      return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
      done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      done.failed(cause);
    }
  }

  /** A counter is asked for by its exposed name ({@code …_total}) or by its family's; other families by their name. */
  static java.util.function.Predicate<String> nameFilter(Set<String> names) {
    return family -> names.contains(family) || names.contains(family + "_total");
  }

  private static boolean acceptsGzip(Request request) {
    return acceptsGzip(request.getHeaders());
  }

  /**
   * Whether {@code Accept-Encoding} allows gzip, with RFC 9110 weights parsed by Jetty: an explicit
   * {@code gzip} entry decides by its weight ({@code gzip;q=0} refuses it), else {@code *} does.
   */
  static boolean acceptsGzip(HttpFields headers) {
    QuotedQualityCSV codings = new QuotedQualityCSV();
    for (HttpField field : headers.getFields(HttpHeader.ACCEPT_ENCODING)) {
      codings.addValue(field.getValue());
    }
    Boolean any = null;
    for (QuotedQualityCSV.QualityValue coding : codings.getQualityValues()) {
      if (coding.getValue().equalsIgnoreCase("gzip")) {
        return coding.isAcceptable();
      }
      if (coding.getValue().equals("*")) {
        any = coding.isAcceptable();
      }
    }
    return Boolean.TRUE.equals(any);
  }

  private static boolean text(Response response, Callback callback, int status, String body) {
    return send(response, callback, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean html(Response response, Callback callback, int status, String body) {
    return send(response, callback, status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
