package io.dmexporter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * This build (version, revision, branch, date: from the resource Maven filters at build time)
 * and the JVM running it (Java version, platform), as promu-built exporters report them.
 */
public record BuildInfo(String version, String revision, String branch, String buildDate, String javaVersion,
    String platform) {

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
    return new BuildInfo(value(p, "version"), value(p, "revision"), value(p, "branch"), value(p, "buildDate"),
        System.getProperty("java.version", "unknown"),
        platform(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));
  }

  /** {@code --version}'s text: the layout of promu-built exporters, Java in Go's place. */
  public String describe() {
    return String.format(Locale.ROOT, """
        dm-exporter, version %s (branch: %s, revision: %s)
          build date:       %s
          java version:     %s (%s %s)
          platform:         %s""", version, branch, revision, buildDate, javaVersion,
        System.getProperty("java.vm.vendor", "?"), Runtime.version(), platform);
  }

  /** GOOS/GOARCH style: {@code linux/amd64}, {@code linux/arm64}, {@code darwin/arm64}. */
  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    os = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : os.replace(' ', '_');
    String arch = switch (osArch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> osArch;
    };
    return os + "/" + arch;
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "");
    return v.isEmpty() || v.contains("${") ? "unknown" : v;
  }
}
