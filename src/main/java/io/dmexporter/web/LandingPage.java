package io.dmexporter.web;

/** The minimal page at {@code /}: what this is and where the useful endpoints are. */
final class LandingPage {
  private LandingPage() {}

  static String html(String version, String telemetryPath) {
    String metrics = Html.escape(telemetryPath);
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>dm-exporter</title></head>
        <body>
        <h1>dm-exporter</h1>
        <p>Prometheus exporter for TiDB Data Migration, version %s.</p>
        <ul>
        <li><a href="%s">Metrics</a></li>
        <li><a href="/api/v1/status">Status (JSON)</a></li>
        <li><a href="/-/healthy">Health</a></li>
        <li><a href="/-/ready">Readiness</a></li>
        </ul>
        </body>
        </html>
        """.formatted(Html.escape(version), metrics);
  }
}
