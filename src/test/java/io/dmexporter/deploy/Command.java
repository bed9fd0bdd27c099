package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the host tools the deploy tests drive (podman, buildah, systemd-analyze, kubectl, tar). */
final class Command {
  private Command() {}

  /** What a finished command printed (stdout and stderr merged), its exit code and how long it took. */
  record Result(List<String> command, int exitCode, String output, Duration took) {
    Result ok() {
      if (exitCode != 0) {
        fail(command + " exited with " + exitCode + ":\n" + tail(output));
      }
      return this;
    }
  }

  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The tool, or the end of the test: a failure under CI (CI=true, where scripts/test installs
   * it as root), a skip that says why and how to install it elsewhere.
   */
  static Path require(String name, String debianPackages, String test) {
    Optional<Path> tool = onPath(name);
    if (tool.isPresent()) {
      return tool.get();
    }
    String why = name + " is not installed (apt-get install -y " + debianPackages
        + " as root; scripts/test does that when it runs as root)";
    if ("true".equals(System.getenv("CI"))) {
      fail(test + " must run in CI, but " + why);
    }
    System.out.println("SKIPPED " + test + ": " + why);
    Assumptions.abort(why);
    return null;
  }

  static Result run(List<String> command, Path workDir, Duration timeout) {
    return run(command, workDir, timeout, Map.of());
  }

  static Result run(List<String> command, Path workDir, Duration timeout, Map<String, String> env) {
    long began = System.nanoTime();
    Path out = null;
    try {
      out = Files.createTempFile("command", ".out");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        fail(command + " did not finish in " + timeout + ":\n" + tail(Files.readString(out)));
      }
      return new Result(command, p.exitValue(), Files.readString(out), Duration.ofNanos(System.nanoTime() - began));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temporary file
        }
      }
    }
  }

  /** The java process whose command line holds {@code marker} (a test's unique listen address). */
  static Optional<ProcessHandle> javaWith(String marker) {
    try (java.util.stream.Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
          .filter(p -> commandLine(p).contains(marker)).findFirst();
    }
  }

  /** A process's arguments, space-separated, from /proc; empty once it is gone. */
  static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1)
          .replace('\0', ' ').trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String tail(String text) {
    return text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
  }
}
