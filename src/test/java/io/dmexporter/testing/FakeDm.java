package io.dmexporter.testing;

import com.google.protobuf.Empty;
import io.dmexporter.dm.pb.GetSubTaskCfgRequest;
import io.dmexporter.dm.pb.GetSubTaskCfgResponse;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.ListTaskConfigsResponse;
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
import java.util.Map;
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
  /** DM v8.0+'s task configs; null answers UNIMPLEMENTED, as an older DM-master does. */
  public volatile ListTaskConfigsResponse taskConfigs;
  /** Task → its subtasks' TOML configs for GetSubTaskCfg; null answers UNIMPLEMENTED. */
  public volatile Map<String, List<String>> subtaskConfigs;
  public volatile Fault fault = Fault.NONE;
  public final AtomicInteger listMemberCalls = new AtomicInteger();
  public final AtomicInteger masterQueryCalls = new AtomicInteger();
  public final AtomicInteger workerQueryCalls = new AtomicInteger();
  public final AtomicInteger catalogueCalls = new AtomicInteger();

  private final List<StreamObserver<?>> hung = new CopyOnWriteArrayList<>();
  private final Server server;

  private FakeDm(java.io.File cert, java.io.File key) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Master())
        .addService(new Worker());
    if (cert != null) {
      b.useTransportSecurity(cert, key);
    }
    server = b.build().start();
  }

  public static FakeDm start() throws IOException {
    return new FakeDm(null, null);
  }

  /** A fake that speaks TLS with this PEM certificate chain and PKCS#8 key. */
  public static FakeDm startTls(java.nio.file.Path cert, java.nio.file.Path key) throws IOException {
    return new FakeDm(cert.toFile(), key.toFile());
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

    @Override
    public void listTaskConfigs(Empty request, StreamObserver<ListTaskConfigsResponse> observer) {
      catalogueCalls.incrementAndGet();
      ListTaskConfigsResponse configs = taskConfigs;
      if (configs == null) {
        super.listTaskConfigs(request, observer);
      } else {
        answer(configs, observer);
      }
    }

    @Override
    public void getSubTaskCfg(GetSubTaskCfgRequest request, StreamObserver<GetSubTaskCfgResponse> observer) {
      catalogueCalls.incrementAndGet();
      Map<String, List<String>> configs = subtaskConfigs;
      if (configs == null) {
        super.getSubTaskCfg(request, observer);
        return;
      }
      List<String> cfgs = configs.get(request.getName());
      answer(cfgs == null
          ? GetSubTaskCfgResponse.newBuilder().setResult(false).setMsg("task not found").build()
          : GetSubTaskCfgResponse.newBuilder().setResult(true).addAllCfgs(cfgs).build(), observer);
    }
  }

  private final class Worker extends WorkerGrpc.WorkerImplBase {
    @Override
    public void queryStatus(QueryStatusRequest request, StreamObserver<QueryStatusResponse> observer) {
      workerQueryCalls.incrementAndGet();
      answer(workerStatus, observer);
    }
  }

  /** Ends every call that {@link Fault#HANG} holds, with CANCELLED. */
  public void releaseHung() {
    for (StreamObserver<?> o : hung) {
      hung.remove(o);
      try {
        o.onError(Status.CANCELLED.withDescription("released by the test").asRuntimeException());
      } catch (RuntimeException alreadyClosed) {
        // the client gave up first
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    releaseHung();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
