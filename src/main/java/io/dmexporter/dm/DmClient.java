package io.dmexporter.dm;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.dmexporter.model.PollError;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Asynchronous calls to DM-master and DM-workers. Every call carries the caller's deadline and
 * completes with an {@link Outcome}, never exceptionally; no thread waits on the network.
 */
public final class DmClient implements AutoCloseable {
  private final ChannelPool channels;

  public DmClient(ChannelPool channels) {
    this.channels = channels;
  }

  /** {@code pb.Master/ListMember} for masters and workers. */
  public CompletableFuture<Outcome<ListMemberResponse>> listMember(String address, Deadline deadline) {
    ListMemberRequest req = ListMemberRequest.newBuilder().setLeader(true).setMaster(true).setWorker(true).build();
    return call(address, deadline,
        () -> MasterGrpc.newFutureStub(channels.get(address)).withDeadline(deadline).listMember(req),
        r -> r.getResult() ? null : r.getMsg());
  }

  /** {@code pb.Master/QueryStatus} for all tasks on all sources. */
  public CompletableFuture<Outcome<QueryStatusListResponse>> queryMaster(String address, Deadline deadline) {
    QueryStatusListRequest req = QueryStatusListRequest.getDefaultInstance();
    return call(address, deadline,
        () -> MasterGrpc.newFutureStub(channels.get(address)).withDeadline(deadline).queryStatus(req),
        r -> r.getResult() ? null : r.getMsg());
  }

  /** {@code pb.Worker/QueryStatus} for all subtasks of one worker. */
  public CompletableFuture<Outcome<QueryStatusResponse>> queryWorker(String address, Deadline deadline) {
    QueryStatusRequest req = QueryStatusRequest.getDefaultInstance();
    return call(address, deadline,
        () -> WorkerGrpc.newFutureStub(channels.get(address)).withDeadline(deadline).queryStatus(req),
        r -> r.getResult() ? null : r.getMsg());
  }

  /** Closes the channels of every address not in {@code keep}. */
  public void retainOnly(Set<String> keep) {
    channels.retainOnly(keep);
  }

  @Override
  public void close() {
    channels.close();
  }

  /**
   * Runs one call; {@code falseResult} returns DM's message when the answer says
   * {@code result=false}, null when it is a success.
   */
  private <T> CompletableFuture<Outcome<T>> call(
      String address, Deadline deadline, java.util.function.Supplier<ListenableFuture<T>> start, Function<T, String> falseResult) {
    long begin = System.nanoTime();
    CompletableFuture<Outcome<T>> out = new CompletableFuture<>();
    ListenableFuture<T> future;
    try {
      future = start.get();
    } catch (RuntimeException e) {
      out.complete(Outcome.failure(address, PollError.BAD_RESPONSE, e.toString(), 0));
      return out;
    }
    Futures.addCallback(future, new FutureCallback<T>() {
      @Override
      public void onSuccess(T value) {
        double seconds = elapsed(begin);
        String msg = falseResult.apply(value);
        out.complete(msg == null
            ? Outcome.success(address, value, seconds)
            : Outcome.failure(address, PollError.RESULT_FALSE, msg, seconds));
      }

      @Override
      public void onFailure(Throwable t) {
        Status status = Status.fromThrowable(t);
        PollError error = classify(status);
        if (error == PollError.UNAVAILABLE || error == PollError.TLS) {
          // Let the next cycle dial again at once instead of after the channel's back-off.
          channels.resetBackoff(address);
        }
        out.complete(Outcome.failure(address, error, describe(status), elapsed(begin)));
      }
    }, MoreExecutors.directExecutor());
    return out;
  }

  /** Maps a gRPC status to the closed set of poll error reasons. */
  static PollError classify(Status status) {
    switch (status.getCode()) {
      case DEADLINE_EXCEEDED:
        return PollError.TIMEOUT;
      case UNAVAILABLE:
        for (Throwable c = status.getCause(); c != null; c = c.getCause()) {
          if (c instanceof SSLException) {
            return PollError.TLS;
          }
        }
        return PollError.UNAVAILABLE;
      default:
        return PollError.BAD_RESPONSE;
    }
  }

  private static String describe(Status status) {
    String d = status.getDescription();
    return d == null ? status.getCode().name() : status.getCode().name() + ": " + d;
  }

  private static double elapsed(long begin) {
    return (System.nanoTime() - begin) / 1e9;
  }
}
