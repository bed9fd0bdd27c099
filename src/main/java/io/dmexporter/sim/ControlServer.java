package io.dmexporter.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dmexporter.config.Durations;
import io.dmexporter.dm.pb.Stage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The simulator's loopback HTTP/JSON control API (docs/simulator.md lists every route). */
final class ControlServer implements AutoCloseable {
  private static final String PREFIX = "/api/v1/";
  private static final Map<String, String> OK = Map.of("result", "ok");

  private final SimCluster cluster;
  private final HttpServer http;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper();

  ControlServer(SimCluster cluster, String hostPort) throws IOException {
    this.cluster = cluster;
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("control address must be host:port, got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("control address must be host:port, got '" + hostPort + "'");
    }
    if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
      throw new IllegalArgumentException("the control API listens on loopback only (127.0.0.1), got '" + host + "'");
    }
    this.executor = Executors.newFixedThreadPool(2, SimServer.daemon("dm-sim-control"));
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  /** An HTTP answer other than 200, with a message for the caller. */
  private static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    int status = 200;
    Object body;
    try {
      body = route(ex.getRequestMethod(), segments(ex.getRequestURI().getRawPath()), readBody(ex));
    } catch (HttpError e) {
      status = e.status;
      body = Map.of("error", e.getMessage());
    } catch (IllegalStateException e) { // includes IllegalTransitionException
      status = 409;
      body = Map.of("error", e.getMessage());
    } catch (NoSuchElementException e) {
      status = 404;
      body = Map.of("error", e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;
      body = Map.of("error", e.getMessage());
    } catch (RuntimeException e) {
      status = 500;
      body = Map.of("error", "internal error: " + e);
    }
    byte[] out = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  private static List<String> segments(String rawPath) {
    if (!rawPath.startsWith(PREFIX)) {
      throw new HttpError(404, "no such path " + rawPath + "; see docs/simulator.md, e.g. GET /api/v1/cluster");
    }
    List<String> out = new ArrayList<>();
    for (String s : rawPath.substring(PREFIX.length()).split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private JsonNode readBody(HttpExchange ex) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    if (raw.length == 0) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      JsonNode node = json.readTree(raw);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private Object route(String method, List<String> p, JsonNode body) {
    String head = p.isEmpty() ? "" : p.get(0);
    return switch (head + "/" + p.size()) {
      case "cluster/1" -> only(method, "GET", () -> cluster.state());
      case "cluster/2" -> {
        expect(p, 1, "version");
        yield only(method, "PUT", () -> cluster.setVersion(DmVersion.parse(text(body, "version", true))));
      }
      case "tasks/1" -> only(method, "POST", () -> addTask(body));
      case "tasks/2" -> only(method, "DELETE", () -> cluster.removeTask(p.get(1)));
      case "tasks/3" -> task(method, p.get(1), p.get(2), body);
      case "tasks/4" -> {
        expect(p, 2, "validation");
        expect(p, 3, "cutover");
        yield only(method, "PUT", () -> cluster.setValidationCutover(p.get(1), text(body, "binlogPos", false),
            text(body, "binlogGtid", false)));
      }
      case "tasks/5" -> {
        expect(p, 2, "sources");
        yield only(method, "POST", () -> subtaskAction(p.get(1), p.get(3), p.get(4), body));
      }
      case "tasks/6" -> {
        expect(p, 2, "sources");
        expect(p, 4, "validation");
        yield only(method, "POST", () -> validator(p.get(1), p.get(3), p.get(5), body));
      }
      case "sources/1" -> only(method, "POST", () -> cluster.addSource(text(body, "id", true), flag(body, "relay")));
      case "sources/2" -> only(method, "DELETE", () -> cluster.removeSource(p.get(1)));
      case "sources/3" -> {
        expect(p, 2, "relay");
        yield only(method, "POST", () -> relay(p.get(1), body));
      }
      case "workers/3" -> only(method, "POST", () -> worker(p.get(1), p.get(2), body));
      case "masters/2" -> {
        expect(p, 1, "leader");
        yield only(method, "DELETE", cluster::clearLeader);
      }
      case "masters/3" -> only(method, "POST", () -> master(p.get(1), p.get(2)));
      case "faults/2" -> fault(method, p.get(1), body);
      case "clock/2" -> {
        expect(p, 1, "advance");
        yield only(method, "POST", () -> advance(text(body, "duration", true)));
      }
      default -> throw notFound(p);
    };
  }

  private static void expect(List<String> p, int i, String segment) {
    if (!p.get(i).equals(segment)) {
      throw notFound(p);
    }
  }

  private void addTask(JsonNode body) {
    String name = text(body, "name", true);
    cluster.addTask(name, body.has("mode") ? TaskMode.parse(text(body, "mode", true)) : TaskMode.ALL,
        list(body, "sources"), flag(body, "stopped"));
    if (body.has("shardMode")) {
      cluster.setShardMode(name, ShardMode.parse(text(body, "shardMode", true)));
    }
  }

  /** Task-wide routes: {@code /tasks/{task}/{pause,resume,stop,shard-mode,shard-ddl,validation}}. */
  private Object task(String method, String task, String action, JsonNode body) {
    return switch (action) {
      case "pause" -> only(method, "POST", () -> cluster.pauseTask(task));
      case "resume" -> only(method, "POST", () -> cluster.resumeTask(task));
      case "stop" -> only(method, "POST", () -> cluster.removeTask(task));
      case "shard-mode" -> only(method, "PUT", () -> cluster.setShardMode(task, ShardMode.parse(text(body, "mode", true))));
      case "shard-ddl" -> only(method, "DELETE", () -> cluster.resolveShardDdl(task));
      case "validation" -> switch (method) {
        case "PUT" -> only(method, "PUT", () -> cluster.enableValidation(task,
            ValidationMode.parse(body.has("mode") ? text(body, "mode", true) : "full")));
        case "DELETE" -> only(method, "DELETE", () -> cluster.stopValidation(task, null, null));
        default -> throw new HttpError(405, "use PUT or DELETE on a task's validation, not " + method);
      };
      default -> throw new HttpError(404, "unknown task action '" + action
          + "'; use pause, resume, stop, shard-mode, shard-ddl or validation");
    };
  }

  private static HttpError notFound(List<String> p) {
    return new HttpError(404, "no such path /api/v1/" + String.join("/", p) + "; see docs/simulator.md");
  }

  private Object only(String method, String allowed, Runnable action) {
    return only(method, allowed, () -> {
      action.run();
      return OK;
    });
  }

  private Object only(String method, String allowed, java.util.function.Supplier<Object> action) {
    if (!method.equals(allowed)) {
      throw new HttpError(405, "use " + allowed + " here, not " + method);
    }
    return action.get();
  }

  private void subtaskAction(String task, String source, String action, JsonNode body) {
    if (action.equals("shard-ddl")) {
      cluster.shardDdl(task, source, text(body, "ddl", true));
      return;
    }
    cluster.subtask(task, source, (st, id) -> {
      switch (action) {
        case "pause" -> {
          if (!flag(body, "error")) {
            st.pause(id);
          } else {
            ErrorKind kind = body.has("kind") ? ErrorKind.parse(text(body, "kind", true)) : ErrorKind.typicalFor(st.unit);
            if (kind.relayError()) {
              throw new IllegalArgumentException("'" + kind.id() + "' is a relay error; pause the relay instead");
            }
            st.fail(id, kind.toProto(), number(body, "repeat"));
          }
        }
        case "resume" -> st.resume(id);
        case "stop" -> st.stop(id);
        case "finish" -> st.finish(id);
        case "start" -> st.start(id);
        case "stuck" -> {
          if (!body.has("stuck") || flag(body, "stuck")) {
            st.stuck = true;
          } else {
            st.release();
          }
        }
        default -> throw new HttpError(404, "unknown subtask action '" + action
            + "'; use pause, resume, stop, finish, start, stuck or shard-ddl");
      }
    });
  }

  private void validator(String task, String source, String action, JsonNode body) {
    switch (action) {
      case "errors" -> cluster.addValidationErrors(task, source, number(body, "rows"));
      case "fail" -> cluster.stopValidation(task, source, DmError.VALIDATOR_GET_EVENT.toProto("failed to get event",
          "ERROR 2013 (HY000): Lost connection to MySQL server during query"));
      default -> throw new HttpError(404, "unknown validation action '" + action + "'; use errors or fail");
    }
  }

  private static int number(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isInt() || n.asInt() < 0) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a whole number, 0 or more");
    }
    return n.asInt();
  }

  private void relay(String source, JsonNode body) {
    if (body.has("enabled") && !flag(body, "enabled")) {
      cluster.disableRelay(source);
      return;
    }
    String stage = text(body, "stage", true);
    Stage s = Arrays.stream(Stage.values()).filter(x -> x.name().equals(stage)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown relay stage '" + stage
            + "'; use New, Running, Paused, Stopped or Finished"));
    ErrorKind kind = body.has("kind") ? ErrorKind.parse(text(body, "kind", true))
        : flag(body, "error") ? ErrorKind.RELAY_READ : null;
    cluster.setRelay(source, s, kind, number(body, "repeat"));
  }

  private void worker(String name, String action, JsonNode body) {
    switch (action) {
      case "bind" -> cluster.bindWorker(name, text(body, "source", true));
      case "relay" -> cluster.relayWorker(name, text(body, "source", true));
      case "unbind" -> cluster.unbindWorker(name);
      case "offline" -> cluster.offlineWorker(name);
      case "online" -> cluster.onlineWorker(name);
      default -> throw new HttpError(404, "unknown worker action '" + action
          + "'; use bind, relay, unbind, offline or online");
    }
  }

  private void master(String name, String action) {
    switch (action) {
      case "leader" -> cluster.setLeader(name);
      case "kill" -> cluster.killMaster(name);
      case "revive" -> cluster.reviveMaster(name);
      default -> throw new HttpError(404, "unknown master action '" + action + "'; use leader, kill or revive");
    }
  }

  private Object fault(String method, String address, JsonNode body) {
    switch (method) {
      case "PUT" -> cluster.fault(address, Fault.of(text(body, "kind", true), text(body, "delay", false),
          text(body, "message", false)));
      case "DELETE" -> cluster.clearFault(address);
      default -> throw new HttpError(405, "use PUT or DELETE on a fault, not " + method);
    }
    return OK;
  }

  private void advance(String duration) {
    if (!(cluster.clock() instanceof ManualClock manual)) {
      throw new IllegalStateException("the simulator runs on a real clock; only a manual clock can be advanced");
    }
    manual.advance(Durations.parse(duration));
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a string");
    }
    return n.asText();
  }

  private static boolean flag(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n != null && !n.isBoolean()) {
      throw new IllegalArgumentException("field \"" + field + "\" must be true or false");
    }
    return n != null && n.asBoolean();
  }

  private static List<String> list(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

}
