package io.dmexporter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Random text through the flag parsers and random YAML through the config file: each either
 * parses or says what is wrong with an {@link IllegalArgumentException} (a {@code ConfigException}
 * for the file); nothing else may escape, and what parses prints back to the same value.
 * Inputs: {@code src/test/resources/io/dmexporter/config/ConfigTextFuzzTestInputs}.
 */
class ConfigTextFuzzTest {
  private static final Set<String> KEYS = Set.of("dm.master-address", "dm.worker-address", "poll.interval",
      "poll.timeout", "web.listen-address", "web.config.file", "log.level");

  @FuzzTest
  void durations(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      Duration d = Durations.parse(text);
      assertEquals(d, Durations.parse(Durations.format(d)), "format then parse is the same duration");
    } catch (IllegalArgumentException refused) {
      // said what is wrong
    }
  }

  @FuzzTest
  void addresses(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      HostPort hp = HostPort.parseEndpoint(text);
      assertEquals(hp, HostPort.parseEndpoint(hp.toString()), "an endpoint prints back to itself");
    } catch (IllegalArgumentException refused) {
      // said what is wrong
    }
    try {
      HostPort hp = HostPort.parseListen(text);
      assertEquals(hp, HostPort.parseListen(hp.toString()), "a listen address prints back to itself");
    } catch (IllegalArgumentException refused) {
      // said what is wrong
    }
  }

  @FuzzTest
  void configFile(byte[] data) throws Exception {
    Path file = Files.createTempFile("dm-exporter-fuzz", ".yml");
    try {
      Files.write(file, data);
      ConfigFile.load(file, KEYS);
    } catch (ConfigFile.ConfigException refused) {
      // one line naming the problem: CliTest checks how it reaches the user
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
