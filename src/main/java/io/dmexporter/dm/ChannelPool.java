package io.dmexporter.dm;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One reusable gRPC channel per DM endpoint, closed when the endpoint leaves. */
public final class ChannelPool implements AutoCloseable {
  /** DM answers for thousands of subtasks can be large; past this a response is a bad_response. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final ChannelCredentials credentials;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public ChannelPool(ChannelCredentials credentials) {
    this.credentials = credentials;
  }

  ManagedChannel get(String address) {
    return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, credentials)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .userAgent("dm-exporter")
        .build());
  }

  void resetBackoff(String address) {
    ManagedChannel ch = channels.get(address);
    if (ch != null) {
      ch.resetConnectBackoff();
    }
  }

  /** Addresses with an open channel. */
  public Set<String> addresses() {
    return Set.copyOf(channels.keySet());
  }

  void retainOnly(Set<String> keep) {
    channels.entrySet().removeIf(e -> {
      if (keep.contains(e.getKey())) {
        return false;
      }
      e.getValue().shutdownNow();
      return true;
    });
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel ch : channels.values()) {
      try {
        ch.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    channels.clear();
  }
}
