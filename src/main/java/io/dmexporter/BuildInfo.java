package io.dmexporter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and revision of this build, from the resource Maven filters at build time. */
public record BuildInfo(String version, String revision) {

  /** Reads the build's resource; values Maven could not fill read as "unknown". */
  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dm-exporter-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return new BuildInfo(value(p, "version"), value(p, "revision"));
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "");
    return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
  }
}
