package io.dmexporter.dm;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
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
import io.dmexporter.model.Membership;
import io.dmexporter.model.PollError;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Asynchronous calls to DM-master and DM-workers that answer in domain types. Every call carries
 * the caller's deadline (a {@link System#nanoTime()} instant) and completes with an
 * {@link Outcome}, never exceptionally; no thread waits on the network. The channels belong to the
 * {@link ChannelPool} given, which its creator closes.
 */
public final class DmClient {
  private static final String TASK_NOT_FOUND = "task not found";

  private final ChannelPool channels;
  /** The last task configs read and their sources: DM sends the same YAML every cycle. */
  private final Map<String, Map.Entry<String, Set<String>>> parsedTaskConfigs = new ConcurrentHashMap<>();

  public DmClient(ChannelPool channels) {
    this.channels = channels;
  }

  /** {@code pb.Master/ListMember} for the leader, masters and workers. */
  public CompletableFuture<Outcome<Membership>> listMember(String address, long deadline) {
    ListMemberRequest req = ListMemberRequest.newBuilder().setLeader(true).setMaster(true).setWorker(true).build();
    return call(address, deadline, d -> master(address, d).listMember(req),
        (ListMemberResponse r) -> r.getResult() ? Answer.of(WireMapper.membership(r)) : Answer.falseResult(r.getMsg()));
  }

  /** {@code pb.Master/QueryStatus} for all tasks on all sources, source by source. */
  public CompletableFuture<Outcome<List<SourceAnswer>>> queryMaster(String address, long deadline) {
    QueryStatusListRequest req = QueryStatusListRequest.getDefaultInstance();
    return call(address, deadline, d -> master(address, d).queryStatus(req),
        (QueryStatusListResponse r) -> r.getResult() ? Answer.of(WireMapper.masterStatus(r)) : Answer.falseResult(r.getMsg()));
  }

  /** {@code pb.Worker/QueryStatus} for all subtasks of one worker; {@code worker} names it when DM does not. */
  public CompletableFuture<Outcome<SourceReport>> queryWorker(String address, String worker, long deadline) {
    QueryStatusRequest req = QueryStatusRequest.getDefaultInstance();
    return call(address, deadline, d -> WorkerGrpc.newFutureStub(channels.get(address)).withDeadline(d).queryStatus(req),
        (QueryStatusResponse r) -> r.getResult() ? Answer.of(WireMapper.sourceReport(r, worker)) : Answer.falseResult(r.getMsg()));
  }

  /**
   * {@code pb.Master/ListTaskConfigs} (DM v8.0 and later): every task and its sources from
   * DM-master's own state, no worker asked. {@link TaskCatalogue#UNSUPPORTED} from an older DM.
   */
  public CompletableFuture<Outcome<TaskCatalogue>> listTaskConfigs(String address, long deadline) {
    return call(address, deadline, d -> master(address, d).listTaskConfigs(Empty.getDefaultInstance()),
        (ListTaskConfigsResponse r) -> r.getResult() ? Answer.of(catalogue(r)) : Answer.falseResult(r.getMsg()))
        .thenApply(o -> o.unimplemented() ? Outcome.success(address, TaskCatalogue.UNSUPPORTED, o.seconds()) : o);
  }

  /**
   * {@code pb.Master/GetSubTaskCfg} (every DM version): the sources of one task from DM-master's
   * own state, no worker asked; empty when DM-master knows no such task.
   */
  public CompletableFuture<Outcome<Set<String>>> subtaskSources(String address, String task, long deadline) {
    GetSubTaskCfgRequest req = GetSubTaskCfgRequest.newBuilder().setName(task).build();
    return call(address, deadline, d -> master(address, d).getSubTaskCfg(req), (GetSubTaskCfgResponse r) -> {
      if (r.getResult()) {
        return Answer.of(TaskConfigs.sourcesOfSubtaskToml(r.getCfgsList()));
      }
      return r.getMsg().contains(TASK_NOT_FOUND) ? Answer.of(Set.<String>of()) : Answer.falseResult(r.getMsg());
    });
  }

  private MasterGrpc.MasterFutureStub master(String address, Deadline deadline) {
    return MasterGrpc.newFutureStub(channels.get(address)).withDeadline(deadline);
  }

  private TaskCatalogue catalogue(ListTaskConfigsResponse r) {
    Map<String, Set<String>> sources = new TreeMap<>();
    r.getTaskConfigsMap().forEach((task, yaml) -> {
      Map.Entry<String, Set<String>> last = parsedTaskConfigs.get(task);
      if (last == null || !last.getKey().equals(yaml)) {
        last = Map.entry(yaml, TaskConfigs.sourcesOfTaskYaml(yaml));
        parsedTaskConfigs.put(task, last);
      }
      sources.put(task, last.getValue());
    });
    parsedTaskConfigs.keySet().retainAll(sources.keySet());
    return new TaskCatalogue(true, sources);
  }

  /** Closes the channels of every address not in {@code keep}. */
  public void retainOnly(Set<String> keep) {
    channels.retainOnly(keep);
  }

  /** A mapped answer, or DM's message when it said {@code result=false}. */
  private record Answer<V>(V value, String falseMessage) {
    static <V> Answer<V> of(V value) {
      return new Answer<>(value, null);
    }

    static <V> Answer<V> falseResult(String msg) {
      return new Answer<>(null, msg.isEmpty() ? "result=false" : msg);
    }
  }

  /** Runs one call and maps its answer on the thread that receives it. */
  private <W, V> CompletableFuture<Outcome<V>> call(
      String address, long deadline, Function<Deadline, ListenableFuture<W>> start, Function<W, Answer<V>> map) {
    long begin = System.nanoTime();
    CompletableFuture<Outcome<V>> out = new CompletableFuture<>();
    ListenableFuture<W> future;
    try {
      future = start.apply(Deadline.after(deadline - begin, TimeUnit.NANOSECONDS));
    } catch (RuntimeException e) {
      out.complete(Outcome.failure(address, PollError.BAD_RESPONSE, e.toString(), 0));
      return out;
    }
    Futures.addCallback(future, new FutureCallback<W>() {
      @Override
      public void onSuccess(W value) {
        double seconds = elapsed(begin);
        Answer<V> answer;
        try {
          answer = map.apply(value);
        } catch (RuntimeException e) {
          // An answer the mapper cannot read is a bad response, not a lost cycle.
          out.complete(Outcome.failure(address, PollError.BAD_RESPONSE, "unreadable answer: " + e.getMessage(), seconds));
          return;
        }
        out.complete(answer.falseMessage() == null
            ? Outcome.success(address, answer.value(), seconds)
            : Outcome.failure(address, PollError.RESULT_FALSE, answer.falseMessage(), seconds));
      }

      @Override
      public void onFailure(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.UNIMPLEMENTED) {
          out.complete(Outcome.unimplemented(address, elapsed(begin)));
          return;
        }
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
