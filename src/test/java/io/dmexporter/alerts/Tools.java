package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds Debian's Prometheus tools and runs them the way the tests need. */
final class Tools {
  static final String INSTALL_HINT =
      "install it: apt-get install -y prometheus prometheus-alertmanager";

  private Tools() {}

  /** The repository root: set by failsafe, and the working directory under surefire. */
  static Path projectRoot() {
    return Path.of(System.getProperty("project.root", System.getProperty("user.dir")))
        .toAbsolutePath();
  }

  /** The absolute path of an executable on PATH; fails the test with the install hint if absent. */
  static Path require(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(name + " not found on PATH; " + INSTALL_HINT);
  }

  /** Exit code and combined stdout/stderr of a finished command. */
  record Result(List<String> command, int exitCode, String output) {
    /** Fails the test with the tool's own output unless it exited 0. */
    Result assertSuccess() {
      if (exitCode != 0) {
        fail(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /** Runs a command in the repository root and waits for it (at most two minutes). */
  static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command)
        .directory(projectRoot().toFile())
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    // Read before waiting: a tool that fills the pipe would otherwise block forever.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within 2 minutes:\n" + output);
    }
    return new Result(command, process.exitValue(), output);
  }
}
