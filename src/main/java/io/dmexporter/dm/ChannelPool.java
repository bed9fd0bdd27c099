package io.dmexporter.dm;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One reusable gRPC channel per DM endpoint, closed when the endpoint leaves. Whoever creates the
 * pool closes it; once closed it opens no channel again ({@link #get} throws).
 */
public final class ChannelPool implements AutoCloseable {
  /** DM answers for thousands of subtasks can be large; past this a response is a bad_response. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final ChannelCredentials credentials;
  private final String authority;
  // Guarded by this: a channel is never opened after close() has taken the lock.
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private boolean closed;

  /** {@code authority}, when not null, is the name TLS expects in every endpoint's certificate. */
  public ChannelPool(ChannelCredentials credentials, String authority) {
    this.credentials = credentials;
    this.authority = authority;
  }

  /** The endpoint's channel, opened on first use; throws {@link IllegalStateException} once closed. */
  synchronized ManagedChannel get(String address) {
    if (closed) {
      throw new IllegalStateException("channel pool is closed");
    }
    return channels.computeIfAbsent(address, a -> {
      var builder = Grpc.newChannelBuilder(a, credentials)
          // Answers are decoded and mapped on the event loop that read them: the callbacks never
          // block, and a hand-off to an executor thread per call cost more than the mapping.
          .directExecutor()
          // Each cycle asks again: gRPC's retry buffering and bookkeeping would only cost.
          .disableRetry()
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .userAgent("dm-exporter");
      if (authority != null) {
        builder.overrideAuthority(authority);
      }
      return builder.build();
    });
  }

  synchronized void resetBackoff(String address) {
    ManagedChannel ch = channels.get(address);
    if (ch != null) {
      ch.resetConnectBackoff();
    }
  }

  /** Addresses with an open channel. */
  public synchronized Set<String> addresses() {
    return Set.copyOf(channels.keySet());
  }

  /** Whether {@link #close} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  synchronized void retainOnly(Set<String> keep) {
    channels.entrySet().removeIf(e -> {
      if (keep.contains(e.getKey())) {
        return false;
      }
      e.getValue().shutdownNow();
      return true;
    });
  }

  /** Closes every channel and refuses new ones; waits up to a second for each to terminate. */
  @Override
  public void close() {
    List<ManagedChannel> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(channels.values());
      channels.clear();
    }
    open.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel ch : open) {
      try {
        ch.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }
}
