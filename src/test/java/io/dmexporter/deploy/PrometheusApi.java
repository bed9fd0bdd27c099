package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The few calls of Prometheus' HTTP API that the dashboard test needs. */
record PrometheusApi(String baseUrl, HttpClient http) {

  /** An instant query's result: the series, or Prometheus' error text. */
  record QueryResult(List<JsonNode> series, String error) {
    boolean failed() {
      return error != null;
    }
  }

  PrometheusApi(String baseUrl) {
    this(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
  }

  QueryResult query(String expr) {
    JsonNode body = get("/api/v1/query?query=" + encode(expr));
    if (!body.path("status").asText().equals("success")) {
      return new QueryResult(List.of(), body.path("errorType").asText() + ": " + body.path("error").asText());
    }
    List<JsonNode> series = new ArrayList<>();
    body.path("data").path("result").forEach(series::add);
    return new QueryResult(List.copyOf(series), null);
  }

  /** What Grafana's label_values(selector, label) lists: the label's values on matching series. */
  List<String> labelValues(String selector, String label) {
    long now = System.currentTimeMillis() / 1000;
    JsonNode body = get("/api/v1/series?match[]=" + encode(selector)
        + "&start=" + (now - 3600) + "&end=" + now);
    if (!body.path("status").asText().equals("success")) {
      throw new AssertionError("label_values(" + selector + ", " + label + "): " + body.path("error").asText());
    }
    TreeSet<String> values = new TreeSet<>();
    body.path("data").forEach(s -> {
      if (!s.path(label).asText().isEmpty()) {
        values.add(s.path(label).asText());
      }
    });
    return List.copyOf(values);
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return RepoFiles.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("Prometheus API " + pathAndQuery + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
