package io.dmexporter.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** An Alertmanager webhook receiver on 127.0.0.1 that records every alert it is sent. */
final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One alert of one notification: which receiver path got it, firing or resolved, the alert's
   * labels and {@code startsAt} (the same for every notification of one firing alert, a new one
   * when it fires again), the notification's {@code groupKey} and when it arrived.
   */
  record Received(String receiver, String status, Map<String, String> labels, String startsAt,
      String groupKey, long nanos) {
    String label(String name) {
      return labels.getOrDefault(name, "");
    }

    @Override
    public String toString() {
      return receiver + " " + status + " " + labels;
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();

  /** Listens on an ephemeral port; each of {@code receivers} is served at {@code /<receiver>}. */
  WebhookReceiver(List<String> receivers) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    for (String receiver : receivers) {
      server.createContext("/" + receiver, exchange -> handle(receiver, exchange));
    }
    server.start();
  }

  URI url(String receiver) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + receiver);
  }

  private void handle(String receiver, HttpExchange exchange) throws IOException {
    long now = System.nanoTime();
    try (exchange) {
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      synchronized (received) {
        for (JsonNode alert : body.path("alerts")) {
          Map<String, String> labels = new LinkedHashMap<>();
          alert.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          received.add(new Received(receiver, alert.path("status").asText(), labels,
              alert.path("startsAt").asText(), body.path("groupKey").asText(), now));
        }
        received.notifyAll();
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** Everything received so far. */
  List<Received> all() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The first alert received that matches, waiting up to {@code timeout} for it. */
  Optional<Received> await(Predicate<Received> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (true) {
        Optional<Received> hit = received.stream().filter(match).findFirst();
        long left = deadline - System.nanoTime();
        if (hit.isPresent() || left <= 0) {
          return hit;
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
