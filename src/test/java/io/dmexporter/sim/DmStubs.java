package io.dmexporter.sim;

import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A real gRPC client for tests: one plaintext channel per address, a deadline on every call. */
final class DmStubs implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(5);
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> ManagedChannelBuilder.forTarget(a).usePlaintext().build());
  }

  QueryStatusResponse worker(String address, String task, Duration deadline) {
    return WorkerGrpc.newBlockingStub(channel(address)).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .queryStatus(QueryStatusRequest.newBuilder().setName(task).build());
  }

  QueryStatusResponse worker(String address) {
    return worker(address, "", DEADLINE);
  }

  QueryStatusListResponse master(String address, QueryStatusListRequest req, Duration deadline) {
    return MasterGrpc.newBlockingStub(channel(address)).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .queryStatus(req);
  }

  QueryStatusListResponse master(String address) {
    return master(address, QueryStatusListRequest.getDefaultInstance(), DEADLINE);
  }

  /** A blocking stub on a DM-master with the default deadline, for any of its RPCs. */
  MasterGrpc.MasterBlockingStub masterStub(String address) {
    return MasterGrpc.newBlockingStub(channel(address)).withDeadlineAfter(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
  }

  ListMemberResponse members(String address, ListMemberRequest req, Duration deadline) {
    return MasterGrpc.newBlockingStub(channel(address)).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .listMember(req);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
