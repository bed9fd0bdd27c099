package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmexporter.model.PollError;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.UnknownSubtask;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /api/v1/status applies the error-text policy to every free text from DM, and to nothing else. */
class StatusJsonTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ROW = "Error 1062: Duplicate entry 'alice@example.com' for key 'email'";

  private static JsonNode render(ErrorText policy) throws Exception {
    ProcessError error = new ProcessError(10006, "database", "downstream", "high", "execute statement failed: " + ROW,
        ROW, "Please check 'users' " + ROW);
    Snapshot s = new Snapshot(NOW, 0.1, NOW, List.of(), List.of(),
        List.of(new UnknownSubtask("orders", "mysql-replica-02", "", ROW)),
        List.of(new Source("mysql-replica-01", "worker1", true, "", new ProcessResult(false, List.of(error)), null),
            Source.down("mysql-replica-02", "", ROW)),
        null, List.of(new TargetHealth("127.0.0.1:8262", TargetRole.WORKER, false, 0.1, PollError.RESULT_FALSE, ROW,
            Map.of(PollError.RESULT_FALSE, 1L))));
    StatusApi api = new StatusApi(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(15), Duration.ofMinutes(1), "v", policy);
    byte[] body = api.json(api.document(s));
    return new ObjectMapper().readTree(body);
  }

  @Test
  void hideLeavesNoDmTextButEveryStructuredField() throws Exception {
    JsonNode doc = render(ErrorText.HIDE);
    assertFalse(doc.toString().contains("alice"), doc.toString());
    JsonNode e = doc.at("/snapshot/sources/0/result/errors/0");
    assertEquals(ErrorText.HIDDEN, e.get("message").asText());
    assertEquals(ErrorText.HIDDEN, e.get("rawCause").asText());
    assertEquals(ErrorText.HIDDEN, e.get("workaround").asText());
    assertEquals(10006, e.get("code").asInt());
    assertEquals("database", e.get("errClass").asText());
    assertEquals("", doc.at("/snapshot/sources/0/error").asText(), "empty stays empty");
    assertEquals(ErrorText.HIDDEN, doc.at("/snapshot/sources/1/error").asText());
    assertEquals(ErrorText.HIDDEN, doc.at("/snapshot/unknownSubtasks/0/reason").asText());
    assertEquals("orders", doc.at("/snapshot/unknownSubtasks/0/task").asText());
    assertEquals(ErrorText.HIDDEN, doc.at("/snapshot/targets/0/message").asText());
    assertEquals("result_false", doc.at("/snapshot/targets/0/error").asText(), "the reason is no text");
  }

  @Test
  void scrubAndShow() throws Exception {
    String scrubbed = render(ErrorText.SCRUB).toString();
    assertFalse(scrubbed.contains("alice"), scrubbed);
    assertTrue(scrubbed.contains("Duplicate entry '?' for key '?'"), scrubbed);
    String shown = new String(render(ErrorText.SHOW).toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertTrue(shown.contains("alice@example.com"), shown);
  }
}
