package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP control API: each route acts on the simulator, bad input gets a clear 4xx. */
class ControlServerTest {
  private final ManualClock clock = new ManualClock();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final DmStubs grpc = new DmStubs();
  private Simulator sim;

  /** An HTTP answer: status and parsed JSON body. */
  record Answer(int status, JsonNode body) {}

  @BeforeEach
  void start() {
    sim = Simulator.startEmpty(SimulatorOptions.builder().workers(2).clock(clock).controlAddress("127.0.0.1:0").build());
  }

  @AfterEach
  void stop() {
    grpc.close();
    sim.close();
  }

  private Answer call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(sim.controlUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    return new Answer(r.statusCode(), json.readTree(r.body()));
  }

  private void ok(String method, String path, String body) throws IOException, InterruptedException {
    Answer a = call(method, path, body);
    assertEquals(200, a.status(), a.body().toString());
  }

  private SubTaskStatus subtask() {
    return grpc.worker(sim.workerAddress("worker1")).getSubTaskStatus(0);
  }

  @Test
  void drivesTheClusterEndToEnd() throws Exception {
    ok("POST", "/api/v1/sources", "{\"id\":\"mysql-replica-01\",\"relay\":true}");
    ok("POST", "/api/v1/workers/worker1/bind", "{\"source\":\"mysql-replica-01\"}");
    ok("POST", "/api/v1/tasks", "{\"name\":\"x\",\"mode\":\"incremental\",\"sources\":[\"mysql-replica-01\"]}");
    ok("POST", "/api/v1/clock/advance", "{\"duration\":\"2s\"}");
    assertEquals(Stage.Running, subtask().getStage());

    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/pause", "{\"error\":true,\"kind\":\"duplicate_entry\"}");
    assertEquals(10006, subtask().getResult().getErrors(0).getErrCode());
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/resume", null);
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/pause", "{\"error\":false}");
    assertTrue(subtask().getResult().getIsCanceled());

    ok("POST", "/api/v1/sources/mysql-replica-01/relay", "{\"stage\":\"Paused\",\"error\":true}");
    var relay = grpc.worker(sim.workerAddress("worker1")).getSourceStatus().getRelayStatus();
    assertEquals(Stage.Paused, relay.getStage());
    assertEquals(30015, relay.getResult().getErrors(0).getErrCode());

    String w1 = sim.workerAddress("worker1");
    ok("PUT", "/api/v1/faults/" + w1, "{\"kind\":\"hang\"}");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> grpc.worker(w1, "", Duration.ofMillis(300)));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    ok("PUT", "/api/v1/faults/" + w1, "{\"kind\":\"delay\",\"delay\":\"1ms\"}");
    JsonNode state = call("GET", "/api/v1/cluster", null).body();
    assertEquals("delay 1ms", state.at("/workers/0/fault").asText());
    assertEquals("Paused", state.at("/tasks/0/subtasks/0/stage").asText());
    assertEquals("Paused", state.at("/sources/0/relay/stage").asText());
    assertEquals("v8.5", state.get("version").asText());
    ok("DELETE", "/api/v1/faults/" + w1, null);
    assertTrue(grpc.worker(w1).getResult());

    ok("POST", "/api/v1/workers/worker1/offline", null);
    assertEquals("bound", call("GET", "/api/v1/cluster", null).body().at("/workers/1/stage").asText(),
        "the source failed over to worker2");
    ok("POST", "/api/v1/masters/master1/leader", null);
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/stop", null);
    assertEquals(0, grpc.worker(sim.workerAddress("worker2")).getSubTaskStatusCount(), "stop-task deletes the subtask");
    assertEquals(404, call("DELETE", "/api/v1/tasks/x", null).status(), "and its task, which had no other");
    ok("DELETE", "/api/v1/sources/mysql-replica-01", null);
    JsonNode empty = call("GET", "/api/v1/cluster", null).body();
    assertEquals(0, empty.get("tasks").size());
    assertEquals(0, empty.get("sources").size());
  }

  @Test
  void versionShardDdlValidationAndStageRoutes() throws Exception {
    ok("PUT", "/api/v1/cluster/version", "{\"version\":\"v5.3\"}");
    assertEquals("v5.3", call("GET", "/api/v1/cluster", null).body().get("version").asText());
    assertEquals(DmVersion.V5_3, sim.version());
    ok("PUT", "/api/v1/cluster/version", "{\"version\":\"v9\"}");
    assertEquals(DmVersion.V9_0, sim.version());

    ok("POST", "/api/v1/sources", "{\"id\":\"mysql-replica-01\"}");
    ok("POST", "/api/v1/workers/worker1/bind", "{\"source\":\"mysql-replica-01\"}");
    ok("POST", "/api/v1/tasks", "{\"name\":\"c\",\"sources\":[\"mysql-replica-01\"],\"stopped\":true}");
    assertEquals(Stage.Stopped, subtask().getStage());
    ok("POST", "/api/v1/tasks/c/resume", null);
    assertEquals(Stage.Running, subtask().getStage());
    ok("POST", "/api/v1/tasks/c/stop", null);
    assertEquals(0, grpc.worker(sim.workerAddress("worker1")).getSubTaskStatusCount());

    ok("POST", "/api/v1/tasks", "{\"name\":\"x\",\"mode\":\"incremental\",\"sources\":[\"mysql-replica-01\"],"
        + "\"shardMode\":\"optimistic\"}");
    ok("POST", "/api/v1/clock/advance", "{\"duration\":\"2s\"}");
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/shard-ddl", "{\"ddl\":\"ALTER TABLE t ADD c INT\"}");
    assertEquals("mysql-replica-01-`shard_db`.`shard_tbl`", subtask().getSync().getBlockDDLOwner());
    JsonNode state = call("GET", "/api/v1/cluster", null).body();
    assertEquals("optimistic", state.at("/tasks/0/shardMode").asText());
    assertEquals("optimistic", state.at("/ddlLocks/0/mode").asText());
    ok("DELETE", "/api/v1/tasks/x/shard-ddl", null);
    assertEquals("", subtask().getSync().getBlockDDLOwner());

    ok("PUT", "/api/v1/tasks/x/validation", "{\"mode\":\"fast\"}");
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/validation/errors", "{\"rows\":2}");
    ok("PUT", "/api/v1/tasks/x/validation/cutover", "{\"binlogPos\":\"(mysql-bin.000003, 4)\"}");
    assertEquals("new/ignored/resolved: 2/0/0", subtask().getValidation().getErrorRowsStatus());
    assertEquals("(mysql-bin.000003, 4)", subtask().getValidation().getCutoverBinlogPos());
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/validation/fail", null);
    assertEquals(43003, subtask().getValidation().getResult().getErrors(0).getErrCode());
    ok("PUT", "/api/v1/tasks/x/validation", "{}");
    ok("DELETE", "/api/v1/tasks/x/validation", null);
    assertTrue(subtask().getValidation().getResult().getIsCanceled());

    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/stuck", "{\"stuck\":true}");
    ok("POST", "/api/v1/tasks/x/pause", null);
    assertEquals(Stage.Pausing, subtask().getStage());
    ok("POST", "/api/v1/tasks/x/sources/mysql-replica-01/stuck", "{\"stuck\":false}");
    assertEquals(Stage.Paused, subtask().getStage());

    ok("POST", "/api/v1/sources/mysql-replica-01/relay", "{\"stage\":\"Paused\",\"kind\":\"relay_uuid_suffix\"}");
    assertEquals(30001, grpc.worker(sim.workerAddress("worker1")).getSourceStatus().getRelayStatus().getResult()
        .getErrors(0).getErrCode());

    ok("DELETE", "/api/v1/masters/leader", null);
    assertTrue(call("GET", "/api/v1/cluster", null).body().get("leader").isNull());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.master(sim.masterAddresses().get(0)));
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
    ok("POST", "/api/v1/masters/master1/leader", null);
    assertTrue(grpc.master(sim.masterAddresses().get(0)).getResult());
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "POST|/api/v1/sources|{not json|400|not valid JSON",
      "POST|/api/v1/sources|{}|400|missing field \"id\"",
      "POST|/api/v1/sources|{\"id\":\"s\",\"relay\":\"yes\"}|400|must be true or false",
      "PUT|/api/v1/faults/WORKER|{\"kind\":\"explode\"}|400|unknown fault kind",
      "PUT|/api/v1/faults/WORKER|{\"kind\":\"delay\",\"delay\":\"soon\"}|400|is not a duration",
      "PUT|/api/v1/faults/127.0.0.1:1|{\"kind\":\"hang\"}|404|no master or worker listens",
      "POST|/api/v1/tasks/nope/sources/mysql-replica-01/resume||404|no task named 'nope'",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/explode||404|unknown subtask action",
      "GET|/api/v1/nothing||404|no such path",
      "GET|/metrics||404|no such path",
      "GET|/api/v1/tasks||405|use POST",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/resume||409|cannot resume-task",
      "POST|/api/v1/workers/worker1/bind|{\"source\":\"mysql-replica-01\"}|409|is bound",
      "POST|/api/v1/clock/advance|{\"duration\":\"-1s\"}|400|is not a duration",
      "POST|/api/v1/sources/mysql-replica-01/relay|{\"stage\":\"Sleeping\"}|400|unknown relay stage",
      "POST|/api/v1/sources/mysql-replica-01/relay|{\"stage\":\"Paused\",\"kind\":\"bad_connection\"}|400|not a relay error",
      "PUT|/api/v1/cluster/version|{\"version\":\"v7.1\"}|400|unknown DM version 'v7.1'",
      "PUT|/api/v1/cluster/version|{}|400|missing field \"version\"",
      "GET|/api/v1/cluster/version||405|use PUT",
      "POST|/api/v1/tasks|{\"name\":\"d\",\"mode\":\"load\",\"sources\":[\"mysql-replica-01\"]}|400|unknown task mode",
      "PUT|/api/v1/tasks/t/shard-mode|{\"mode\":\"chaotic\"}|400|unknown shard mode 'chaotic'; use pessimistic or optimistic",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/shard-ddl|{\"ddl\":\"ALTER TABLE t ADD c INT\"}|409|does not merge shards",
      "PUT|/api/v1/tasks/t/validation|{\"mode\":\"slow\"}|400|unknown validation mode",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/validation/errors|{\"rows\":2}|409|not enabled",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/validation/errors|{\"rows\":-2}|400|whole number",
      "POST|/api/v1/tasks/t/sources/mysql-replica-01/pause|{\"error\":true,\"repeat\":\"x\"}|400|whole number",
      "POST|/api/v1/tasks/t/explode||404|unknown task action",
      "POST|/api/v1/masters/leader||405|use DELETE",
  })
  void badRequestsGetAClearError(String method, String path, String body, int status, String message)
      throws Exception {
    ok("POST", "/api/v1/sources", "{\"id\":\"mysql-replica-01\"}");
    ok("POST", "/api/v1/workers/worker1/bind", "{\"source\":\"mysql-replica-01\"}");
    ok("POST", "/api/v1/tasks", "{\"name\":\"t\",\"sources\":[\"mysql-replica-01\"]}");
    Answer a = call(method, path.replace("WORKER", sim.workerAddress("worker2")), body);
    assertEquals(status, a.status(), a.body().toString());
    assertNotNull(a.body().get("error"));
    assertTrue(a.body().get("error").asText().contains(message), a.body().toString());
  }

  @Test
  void advancingARealClockIsAConflict() throws Exception {
    try (Simulator real = Simulator.startEmpty(SimulatorOptions.builder().controlAddress("127.0.0.1:0").build())) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(real.controlUrl() + "/api/v1/clock/advance"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"duration\":\"1s\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(409, r.statusCode());
    }
  }

  @Test
  void refusesToListenBeyondLoopback() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Simulator.startEmpty(
        SimulatorOptions.builder().controlAddress("0.0.0.0:0").build()));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
  }
}
