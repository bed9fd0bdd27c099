package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Random web config files, error texts and Authorization headers: a web config either loads or is
 * refused with a {@link WebConfig.WebConfigException}; the error-text policy and the basic-auth
 * header parser never throw. Inputs: {@code src/test/resources/io/dmexporter/web/WebTextFuzzTestInputs}.
 */
class WebTextFuzzTest {
  @FuzzTest
  void webConfigFile(byte[] data) throws Exception {
    String text = new String(data, StandardCharsets.UTF_8);
    if (text.contains("/dev/") || text.contains("/proc/") || text.contains("/sys/")) {
      return; // a file name that could block a read: not the parser's business
    }
    Path dir = Files.createTempDirectory("dm-exporter-fuzz");
    Path file = dir.resolve("web.yml");
    try {
      Files.write(file, data);
      WebConfig.load(file);
    } catch (WebConfig.WebConfigException refused) {
      assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  @FuzzTest
  void errorText(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    String scrubbed = ErrorText.SCRUB.apply(text);
    assertEquals(scrubbed, ErrorText.SCRUB.apply(scrubbed), "scrubbing twice changes nothing more");
    assertTrue(text.isEmpty() ? ErrorText.HIDE.apply(text).isEmpty() : ErrorText.HIDE.apply(text).equals(ErrorText.HIDDEN));
    ErrorText.loopbackOnly(text);
  }

  @FuzzTest
  void authorizationHeader(byte[] data) {
    String header = new String(data, StandardCharsets.UTF_8);
    BasicAuth.credentials(header);
    BasicAuth.credentials("Basic " + Base64.getEncoder().encodeToString(data));
  }
}
