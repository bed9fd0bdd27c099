package io.dmexporter.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.eclipse.jetty.server.Response;

/**
 * The status page's stylesheet, script and icon (from {@code src/main/resources/web/}, read once)
 * and the headers every page response carries: a Content-Security-Policy that allows only these
 * files (no inline script or style), {@code nosniff} and no referrer.
 */
final class PageAssets {
  /** Only the exporter's own files; nothing inline, nothing framed, nothing posted. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  /** A file served under {@code /static/}. */
  record Asset(String contentType, byte[] body) {}

  private final Map<String, Asset> byPath;

  private PageAssets(Map<String, Asset> byPath) {
    this.byPath = byPath;
  }

  static PageAssets load() {
    return new PageAssets(Map.of(
        "/static/status.css", new Asset("text/css; charset=utf-8", read("status.css")),
        "/static/status.js", new Asset("text/javascript; charset=utf-8", read("status.js")),
        "/static/favicon.svg", new Asset("image/svg+xml", read("favicon.svg"))));
  }

  /** The asset at {@code path}, or null. */
  Asset get(String path) {
    return byPath.get(path);
  }

  /** The security headers of every response but the metrics. */
  static void headers(Response response) {
    response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put("X-Frame-Options", "DENY");
  }

  private static byte[] read(String name) {
    try (InputStream in = PageAssets.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("web/" + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
