package io.dmexporter.testing;

import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake DM endpoint for tests: a real gRPC server on 127.0.0.1 serving pb.Master and pb.Worker
 * with canned answers that a test can change at any time, and faults to inject.
 */
public final class FakeDm implements AutoCloseable {
  /** What the endpoint does with a call. */
  public enum Fault { NONE, HANG, UNAVAILABLE }

  public volatile ListMemberResponse members = ListMemberResponse.newBuilder().setResult(true).build();
  public volatile QueryStatusListResponse masterStatus = QueryStatusListResponse.newBuilder().setResult(true).build();
  public volatile QueryStatusResponse workerStatus = QueryStatusResponse.newBuilder().setResult(true).build();
  public volatile Fault fault = Fault.NONE;
  public final AtomicInteger listMemberCalls = new AtomicInteger();
  public final AtomicInteger masterQueryCalls = new AtomicInteger();
  public final AtomicInteger workerQueryCalls = new AtomicInteger();

  private final List<StreamObserver<?>> hung = new CopyOnWriteArrayList<>();
  private final Server server;

  private FakeDm() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Master())
        .addService(new Worker())
        .build()
        .start();
  }

  public static FakeDm start() throws IOException {
    return new FakeDm();
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  private <T> void answer(T value, StreamObserver<T> observer) {
    switch (fault) {
      case HANG -> hung.add(observer);
      case UNAVAILABLE -> observer.onError(Status.UNAVAILABLE.withDescription("fake outage").asRuntimeException());
      default -> {
        observer.onNext(value);
        observer.onCompleted();
      }
    }
  }

  private final class Master extends MasterGrpc.MasterImplBase {
    @Override
    public void listMember(ListMemberRequest request, StreamObserver<ListMemberResponse> observer) {
      listMemberCalls.incrementAndGet();
      answer(members, observer);
    }

    @Override
    public void queryStatus(QueryStatusListRequest request, StreamObserver<QueryStatusListResponse> observer) {
      masterQueryCalls.incrementAndGet();
      answer(masterStatus, observer);
    }
  }

  private final class Worker extends WorkerGrpc.WorkerImplBase {
    @Override
    public void queryStatus(QueryStatusRequest request, StreamObserver<QueryStatusResponse> observer) {
      workerQueryCalls.incrementAndGet();
      answer(workerStatus, observer);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamObserver<?> o : hung) {
      try {
        o.onError(Status.CANCELLED.asRuntimeException());
      } catch (RuntimeException alreadyClosed) {
        // the client gave up first
      }
    }
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
