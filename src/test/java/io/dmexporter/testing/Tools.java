package io.dmexporter.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds and runs the Debian tools the tests use; a missing tool fails with how to install it. */
public final class Tools {
  private Tools() {}

  /** The path of {@code name} on PATH, or a failure naming the Debian package that ships it. */
  public static Path require(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(name + " is not installed; install it with: apt-get install -y " + debianPackage
        + " (scripts/test does this when run as root)");
  }

  /** What a finished command printed and its exit code. */
  public record Run(int exitCode, String output) {}

  /** Runs a command to completion (stdin from {@code input}), merging its stdout and stderr. */
  public static Run run(List<String> command, String input, Path workDir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (input != null) {
        in.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), out);
  }
}
