package io.dmexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A client of the simulator's HTTP control API (docs/simulator.md, "HTTP control API"), as an
 * operator would drive a simulated DM cluster: every call must answer 200, else the test fails
 * with the simulator's error.
 */
public final class SimControl {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String base;

  /** {@code url}: the control API's address, e.g. {@code http://127.0.0.1:40500}. */
  public SimControl(String url) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** {@code GET /api/v1/cluster}: the whole simulated cluster. */
  public JsonNode cluster() {
    return send("GET", "cluster", null);
  }

  public JsonNode post(String path, String body) {
    return send("POST", path, body);
  }

  public JsonNode put(String path, String body) {
    return send("PUT", path, body);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /** The address of a worker ({@code worker1} …) from the cluster state. */
  public String workerAddress(String worker) {
    for (JsonNode w : cluster().path("workers")) {
      if (w.path("name").asText().equals(worker)) {
        return w.path("address").asText();
      }
    }
    throw new AssertionError("the simulator has no worker " + worker);
  }

  /** {@code path} below {@code /api/v1/}, each segment URL-encoded (addresses contain ':'). */
  private JsonNode send(String method, String path, String body) {
    String encoded = Arrays.stream(path.split("/"))
        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)).collect(Collectors.joining("/"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/" + encoded))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(method + " " + path + " " + (body == null ? "" : body + " ") + "-> HTTP "
            + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
