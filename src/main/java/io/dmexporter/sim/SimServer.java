package io.dmexporter.sim;

import com.google.protobuf.Empty;
import io.dmexporter.dm.pb.GetCfgRequest;
import io.dmexporter.dm.pb.GetCfgResponse;
import io.dmexporter.dm.pb.GetSubTaskCfgRequest;
import io.dmexporter.dm.pb.GetSubTaskCfgResponse;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.ListTaskConfigsResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.OperateSourceRequest;
import io.dmexporter.dm.pb.OperateSourceResponse;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.ShowDDLLocksRequest;
import io.dmexporter.dm.pb.ShowDDLLocksResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Serves every simulated master and worker from one Netty server listening on many loopback
 * ports (shared event loops, a small executor): an interceptor reads the local address of each
 * call to know which endpoint was called, and applies that endpoint's fault.
 */
final class SimServer implements AutoCloseable {
  private static final Context.Key<SimCluster.Endpoint> ENDPOINT = Context.key("dm-sim-endpoint");
  /** Not a protobuf message: a varint that never ends, so every client fails to decode it. */
  private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
      (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};

  private final SimCluster cluster;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Set<ServerCall<?, ?>> parked = ConcurrentHashMap.newKeySet();
  private final Server server;

  SimServer(SimCluster cluster) throws IOException {
    this.cluster = cluster;
    this.executor = Executors.newFixedThreadPool(4, daemon("dm-sim-grpc"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("dm-sim-timer"));
    int n = cluster.endpointCount();
    NettyServerBuilder b = NettyServerBuilder.forAddress(loopback());
    for (int i = 1; i < n; i++) {
      b.addListenAddress(loopback());
    }
    Interceptor interceptor = new Interceptor();
    server = b.executor(executor)
        .addService(raw(new MasterService().bindService(), interceptor))
        .addService(raw(new WorkerService().bindService(), interceptor))
        .build()
        .start();
    List<Integer> ports = new ArrayList<>();
    for (SocketAddress a : server.getListenSockets()) {
      ports.add(((InetSocketAddress) a).getPort());
    }
    cluster.assignPorts(ports);
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The service on byte arrays, so the interceptor can send bytes that are no protobuf message. */
  private static ServerServiceDefinition raw(ServerServiceDefinition def, ServerInterceptor interceptor) {
    return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(def, new Bytes()), interceptor);
  }

  @Override
  public void close() {
    for (ServerCall<?, ?> call : parked) {
      closeQuietly(call, Status.UNAVAILABLE.withDescription("simulator shut down"));
    }
    parked.clear();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    executor.shutdownNow();
  }

  private static void closeQuietly(ServerCall<?, ?> call, Status status) {
    try {
      call.close(status, new Metadata());
    } catch (RuntimeException alreadyClosed) {
      // the client went away first; nothing left to tell it
    }
  }

  /** Passes bytes through untouched. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Routes a call to its endpoint and applies the endpoint's fault and the global latency. */
  private final class Interceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
      SimCluster.Route route = local instanceof InetSocketAddress a ? cluster.route(a.getPort()) : null;
      String service = call.getMethodDescriptor().getServiceName();
      SimCluster.Role wanted = MasterGrpc.SERVICE_NAME.equals(service) ? SimCluster.Role.MASTER : SimCluster.Role.WORKER;
      if (route == null || route.endpoint().role() != wanted) {
        call.close(Status.UNIMPLEMENTED.withDescription("unknown service " + service), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Fault fault = route.fault();
      Fault.Kind kind = route.down() ? Fault.Kind.UNAVAILABLE : fault == null ? null : fault.kind();
      if (kind == Fault.Kind.HANG) {
        parked.add(call);
        return new ServerCall.Listener<>() {
          @Override
          public void onCancel() {
            parked.remove(call);
          }
        };
      }
      Duration delay = route.latency().plus(kind == Fault.Kind.DELAY ? fault.delay() : Duration.ZERO);
      ServerCall<Q, R> out = delay.isZero() ? call : new DelayedCall<>(call, System.nanoTime() + delay.toNanos());
      if (kind == Fault.Kind.UNAVAILABLE) {
        out.close(Status.UNAVAILABLE.withDescription(route.endpoint().name()
            + (route.down() ? " is down" : ": simulated unavailable")), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      if (kind == Fault.Kind.GARBAGE) {
        out.sendHeaders(new Metadata());
        @SuppressWarnings("unchecked") // the services are registered on byte[] messages (see raw())
        ServerCall<Q, byte[]> bytes = (ServerCall<Q, byte[]>) out;
        bytes.sendMessage(GARBAGE);
        out.close(Status.OK, new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context ctx = Context.current().withValue(ENDPOINT, route.endpoint());
      return Contexts.interceptCall(ctx, out, headers, next);
    }
  }

  /** Holds back everything a call sends until its release time, without blocking any thread. */
  private final class DelayedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final long releaseAt;
    private final List<Runnable> pending = new ArrayList<>();

    DelayedCall(ServerCall<Q, R> call, long releaseAt) {
      super(call);
      this.releaseAt = releaseAt;
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      pending.add(() -> delegate().sendHeaders(headers));
    }

    @Override
    public synchronized void sendMessage(R message) {
      pending.add(() -> delegate().sendMessage(message));
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      pending.add(() -> delegate().close(status, trailers));
      List<Runnable> all = List.copyOf(pending);
      pending.clear();
      scheduler.schedule(() -> runAll(all), releaseAt - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void runAll(List<Runnable> all) {
      try {
        all.forEach(Runnable::run);
      } catch (RuntimeException cancelled) {
        // the client gave up (deadline) before the delayed answer: nothing to deliver
      }
    }
  }

  /** Sends the reply's response, or closes with its error, after its extra delay (a master waiting on workers). */
  private <T> void respond(StreamObserver<T> observer, SimCluster.Reply<T> reply) {
    Runnable send = () -> {
      try {
        if (reply.error() != null) {
          observer.onError(reply.error().asRuntimeException());
        } else {
          observer.onNext(reply.response());
          observer.onCompleted();
        }
      } catch (RuntimeException cancelled) {
        // the client's deadline passed while the master waited
      }
    };
    if (reply.extraDelay().isZero()) {
      send.run();
    } else {
      scheduler.schedule(send, reply.extraDelay().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private <T> void master(StreamObserver<T> observer, BiFunction<SimMaster, String, SimCluster.Reply<T>> call) {
    String name = ENDPOINT.get().name();
    respond(observer, cluster.askMaster(name, m -> call.apply(m, name)));
  }

  private final class MasterService extends MasterGrpc.MasterImplBase {
    @Override
    public void queryStatus(QueryStatusListRequest request, StreamObserver<QueryStatusListResponse> observer) {
      master(observer, (m, name) -> m.queryStatus(name, request));
    }

    @Override
    public void listMember(ListMemberRequest request, StreamObserver<ListMemberResponse> observer) {
      master(observer, (m, name) -> m.listMember(name, request));
    }

    @Override
    public void operateSource(OperateSourceRequest request, StreamObserver<OperateSourceResponse> observer) {
      master(observer, (m, name) -> m.operateSource(name, request));
    }

    @Override
    public void showDDLLocks(ShowDDLLocksRequest request, StreamObserver<ShowDDLLocksResponse> observer) {
      master(observer, (m, name) -> m.showDdlLocks(name, request));
    }

    @Override
    public void getSubTaskCfg(GetSubTaskCfgRequest request, StreamObserver<GetSubTaskCfgResponse> observer) {
      master(observer, (m, name) -> m.getSubTaskCfg(name, request));
    }

    @Override
    public void getCfg(GetCfgRequest request, StreamObserver<GetCfgResponse> observer) {
      master(observer, (m, name) -> m.getCfg(name, request));
    }

    @Override
    public void listTaskConfigs(Empty request, StreamObserver<ListTaskConfigsResponse> observer) {
      if (!cluster.version().listTaskConfigs()) {
        // what a Go gRPC server answers for a method it does not have
        observer.onError(Status.UNIMPLEMENTED
            .withDescription("unknown method ListTaskConfigs for service pb.Master").asRuntimeException());
        return;
      }
      master(observer, (m, name) -> m.listTaskConfigs(name));
    }
  }

  private final class WorkerService extends WorkerGrpc.WorkerImplBase {
    @Override
    public void queryStatus(QueryStatusRequest request, StreamObserver<QueryStatusResponse> observer) {
      respond(observer, SimCluster.Reply.of(cluster.workerStatus(ENDPOINT.get().name(), request.getName())));
    }
  }
}
