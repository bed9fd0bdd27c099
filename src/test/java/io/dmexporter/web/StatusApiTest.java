package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.Unit;
import io.dmexporter.model.UnknownSubtask;
import io.dmexporter.status.TaskStatusRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/status}: its own types, every field it had before, and what the page needs. */
class StatusApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static StatusApi api(Instant now) {
    return new StatusApi(Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(5), Duration.ofSeconds(15), "1.2.3", ErrorText.SHOW);
  }

  private static JsonNode json(StatusApi api, Snapshot s) throws Exception {
    return JSON.readTree(api.json(api.document(s)));
  }

  /**
   * Before it had types of its own, the JSON was Jackson's view of the model records with this
   * mapper. Every field of that view is still there, with the same value.
   */
  @Test
  void keepsEveryFieldAndValueOfTheModelView() throws Exception {
    Snapshot s = SnapshotFixture.of(field -> field);
    ObjectMapper before = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
    JsonNode old = before.readTree(before.writeValueAsBytes(Map.of("ready", true, "stale", false, "snapshot", s)));
    JsonNode now = json(api(SnapshotFixture.TIME.plusSeconds(2)), s);
    List<String> missing = new ArrayList<>();
    contains("", old, now, missing);
    assertEquals(List.of(), missing, "fields of the earlier JSON that are gone or changed");
    assertTrue(old.at("/snapshot/subtasks/2/sync/masterPosition/offset").asLong() > 0, "the fixture fills the fields");
  }

  /** Whether {@code whole} holds everything {@code part} does; error reasons are a set. */
  private static void contains(String path, JsonNode part, JsonNode whole, List<String> missing) {
    if (whole == null || whole.isMissingNode()) {
      missing.add(path + " is missing");
    } else if (part.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        contains(path + "/" + f.getKey(), f.getValue(), whole.get(f.getKey()), missing);
      }
    } else if (part.isArray() && path.endsWith("/errorReasons")) {
      List<String> a = new ArrayList<>();
      List<String> b = new ArrayList<>();
      part.forEach(x -> a.add(x.asText()));
      whole.forEach(x -> b.add(x.asText()));
      if (!(a.containsAll(b) && b.containsAll(a))) {
        missing.add(path + ": " + part + " became " + whole);
      }
    } else if (part.isArray()) {
      if (part.size() != whole.size()) {
        missing.add(path + ": " + part.size() + " elements became " + whole.size());
      }
      for (int i = 0; i < Math.min(part.size(), whole.size()); i++) {
        contains(path + "/" + i, part.get(i), whole.get(i), missing);
      }
    } else if (!part.equals(whole) && !(part.isNumber() && whole.isNumber() && part.asDouble() == whole.asDouble())) {
      missing.add(path + ": " + part + " became " + whole);
    }
  }

  @Test
  void tellsThePagePollIntervalStalenessAndDmWording() throws Exception {
    Snapshot s = SnapshotFixture.of(field -> field);
    JsonNode doc = json(api(SnapshotFixture.TIME.plusMillis(2500)), s);
    assertEquals(5.0, doc.get("pollIntervalSeconds").asDouble());
    assertEquals(15.0, doc.get("staleAfterSeconds").asDouble());
    assertEquals(2.5, doc.get("lastSuccessAgeSeconds").asDouble());
    assertEquals("2026-05-04T12:03:06.750Z", doc.get("now").asText());
    assertEquals("1.2.3", doc.get("version").asText());
    assertEquals(false, doc.get("stale").asBoolean());
    JsonNode task = doc.at("/snapshot/tasks/0");
    assertEquals("Error", task.get("status").asText());
    assertEquals("Error - Some error occurred in subtask", task.get("statusText").asText());
    assertEquals("[\"subtask_error\",\"relay_error\"]", task.get("errorReasons").toString(), "in a fixed order");
    JsonNode unread = doc.at("/snapshot/tasks/1");
    assertEquals("unreadTask", unread.get("name").asText());
    assertTrue(unread.get("status").isNull() && unread.get("statusText").isNull(), "no subtask read: no status");
    assertEquals("{\"files\":0,\"bytes\":709}", doc.at("/snapshot/subtasks/2/sync/binlogGap").toString(), "master − syncer");
    assertEquals("{\"files\":1,\"bytes\":null}", doc.at("/snapshot/sources/1/relay/binlogGap").toString(), "master − relay");
    assertEquals("{\"timeout\":2}", doc.at("/snapshot/targets/0/errorCounts").toString());
  }

  @Test
  void staleAfterThreeIntervalsWithoutAPollThatReachedDm() throws Exception {
    Snapshot s = SnapshotFixture.of(field -> field);
    assertEquals(false, json(api(SnapshotFixture.TIME.plusSeconds(15)), s).get("stale").asBoolean());
    JsonNode later = json(api(SnapshotFixture.TIME.plusSeconds(16)), s);
    assertEquals(true, later.get("stale").asBoolean());
    assertEquals(16.0, later.get("lastSuccessAgeSeconds").asDouble());

    JsonNode first = json(api(SnapshotFixture.TIME), Snapshot.empty());
    assertEquals(false, first.get("ready").asBoolean());
    assertEquals(true, first.get("stale").asBoolean(), "nothing ever reached DM");
    assertTrue(first.get("lastSuccessAgeSeconds").isNull());
    assertTrue(first.at("/snapshot/time").isNull() && first.at("/snapshot/membership").isNull());
    assertEquals(0, first.at("/snapshot/tasks").size());
  }

  @Test
  void tasksComeMostUrgentFirst() throws Exception {
    List<Subtask> subtasks = new ArrayList<>();
    String[][] tasks = {
        {"a-finished", "FINISHED", ""}, {"b-running", "RUNNING", ""}, {"c-stopped", "STOPPED", ""},
        {"d-new", "NEW", ""}, {"e-resuming", "RESUMING", ""}, {"f-paused", "PAUSED", ""},
        {"g-running-one-unread", "RUNNING", ""}, {"h-error", "PAUSED", "err"}, {"i-error", "PAUSED", "err"}};
    for (String[] t : tasks) {
      ProcessResult r = t[2].isEmpty() ? ProcessResult.NONE
          : new ProcessResult(false, List.of(new ProcessError(10006, "database", "downstream", "high", "m", "", "")));
      subtasks.add(new Subtask(t[0], "s1", "w1", Stage.valueOf(t[1]), Unit.SYNC, r, "", null, null, null, null));
    }
    List<UnknownSubtask> unknown = List.of(new UnknownSubtask("g-running-one-unread", "s2", "", "no DM-worker"),
        new UnknownSubtask("j-unread", "s2", "", "no DM-worker"));
    Snapshot s = new Snapshot(SnapshotFixture.TIME, 0, SnapshotFixture.TIME,
        TaskStatusRules.derive(subtasks, unknown, x -> null), subtasks, unknown, List.of(), null, List.of());
    ArrayNode order = (ArrayNode) json(api(SnapshotFixture.TIME), s).at("/snapshot/tasks");
    List<String> names = new ArrayList<>();
    order.forEach(t -> names.add(t.get("name").asText()));
    assertEquals(List.of("h-error", "i-error", "g-running-one-unread", "j-unread", "f-paused", "e-resuming", "d-new",
        "c-stopped", "b-running", "a-finished"), names);
    assertEquals("Running", order.get(2).get("status").asText(), "an unread subtask ranks a task, not its status");
  }

  @Test
  void unknownStageAndUnitAreNull() throws Exception {
    Subtask s = new Subtask("t", "s1", "w1", null, null, ProcessResult.NONE, "", null, null, null, null);
    Snapshot snap = new Snapshot(SnapshotFixture.TIME, 0, SnapshotFixture.TIME,
        TaskStatusRules.derive(List.of(s), List.of(), x -> null), List.of(s), List.of(), List.of(), null, List.of());
    JsonNode doc = json(api(SnapshotFixture.TIME), snap);
    assertTrue(doc.at("/snapshot/subtasks/0/stage").isNull() && doc.at("/snapshot/subtasks/0/unit").isNull());
    assertNull(api(Instant.EPOCH).snapshot(snap).subtasks().get(0).sync());
  }
}
