package io.dmexporter.poll;

import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.SourceReport;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterGrpc;
import io.dmexporter.dm.pb.QueryStatusRequest;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.WorkerGrpc;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.sim.Simulator;
import io.dmexporter.sim.SimulatorOptions;
import io.dmexporter.status.TaskStatusRules;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What one poll cycle of a simulated cluster receives, as bytes on the wire: the member list and
 * every worker's {@code QueryStatus} answer, read once from an in-process simulator (then closed),
 * and the steps a cycle takes from those bytes to a {@link Snapshot}.
 */
public final class WireFleet {
  private final byte[] members;
  private final byte[][] answers;
  private final String[] addresses;
  private final String[] names;

  private WireFleet(byte[] members, byte[][] answers, String[] addresses, String[] names) {
    this.members = members;
    this.answers = answers;
    this.addresses = addresses;
    this.names = names;
  }

  /**
   * {@link #read}, kept in the directory named by the system property {@code dm.bench.fleet.dir}
   * when it is set, so that only the first of several forks starts a simulator.
   */
  public static WireFleet load(int workers, int subtasks) {
    String dir = System.getProperty("dm.bench.fleet.dir");
    if (dir == null) {
      return read(workers, subtasks);
    }
    Path file = Path.of(dir, "fleet-" + workers + "x" + subtasks + ".bin");
    try {
      if (Files.exists(file)) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
          byte[] members = in.readNBytes(in.readInt());
          int n = in.readInt();
          byte[][] answers = new byte[n][];
          String[] addresses = new String[n];
          String[] names = new String[n];
          for (int i = 0; i < n; i++) {
            answers[i] = in.readNBytes(in.readInt());
            addresses[i] = in.readUTF();
            names[i] = in.readUTF();
          }
          return new WireFleet(members, answers, addresses, names);
        }
      }
      WireFleet f = read(workers, subtasks);
      Path tmp = Files.createTempFile(Path.of(dir), "fleet", ".tmp");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        out.writeInt(f.members.length);
        out.write(f.members);
        out.writeInt(f.answers.length);
        for (int i = 0; i < f.answers.length; i++) {
          out.writeInt(f.answers[i].length);
          out.write(f.answers[i]);
          out.writeUTF(f.addresses[i]);
          out.writeUTF(f.names[i]);
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code workers} workers with {@code subtasks} subtasks each, in Sync (the simulator's steady cluster). */
  public static WireFleet read(int workers, int subtasks) {
    Map<String, ManagedChannel> channels = new HashMap<>();
    try (Simulator sim = Simulator.start(SimulatorOptions.builder().workers(workers).subtasksPerWorker(subtasks).build())) {
      ListMemberResponse m = MasterGrpc.newBlockingStub(channel(channels, sim.masterAddresses().get(0)))
          .withDeadlineAfter(60, TimeUnit.SECONDS).listMember(ListMemberRequest.newBuilder().setWorker(true).build());
      Membership membership = WireMapper.membership(m);
      List<WorkerMember> serving = membership.workers().stream().filter(WorkerMember::serving).toList();
      byte[][] answers = new byte[serving.size()][];
      String[] addresses = new String[serving.size()];
      String[] names = new String[serving.size()];
      for (int i = 0; i < serving.size(); i++) {
        WorkerMember w = serving.get(i);
        QueryStatusResponse r = WorkerGrpc.newBlockingStub(channel(channels, w.address()))
            .withDeadlineAfter(60, TimeUnit.SECONDS).queryStatus(QueryStatusRequest.getDefaultInstance());
        answers[i] = r.toByteArray();
        addresses[i] = w.address();
        names[i] = w.name();
        channels.remove(w.address()).shutdownNow();
      }
      return new WireFleet(m.toByteArray(), answers, addresses, names);
    } finally {
      channels.values().forEach(ManagedChannel::shutdownNow);
    }
  }

  private static ManagedChannel channel(Map<String, ManagedChannel> channels, String address) {
    return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create())
        .maxInboundMessageSize(64 << 20).build());
  }

  public int workers() {
    return answers.length;
  }

  public long wireBytes() {
    long n = members.length;
    for (byte[] a : answers) {
      n += a.length;
    }
    return n;
  }

  /** The gRPC marshaller's part: the bytes parsed into protobuf messages. */
  public Parsed parse() {
    try {
      QueryStatusResponse[] parsed = new QueryStatusResponse[answers.length];
      for (int i = 0; i < answers.length; i++) {
        parsed[i] = QueryStatusResponse.parseFrom(answers[i]);
      }
      return new Parsed(ListMemberResponse.parseFrom(members), parsed);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parsed answers. */
  public record Parsed(ListMemberResponse members, QueryStatusResponse[] answers) {}

  /** The mapper's part: protobuf messages to the model, as the client does for each answer. */
  public Mapped map(Parsed p) {
    Membership membership = WireMapper.membership(p.members());
    List<SourceReport> reports = new ArrayList<>(p.answers().length);
    for (int i = 0; i < p.answers().length; i++) {
      reports.add(WireMapper.sourceReport(p.answers()[i], names[i]));
    }
    return new Mapped(membership, reports);
  }

  /** Mapped answers. */
  public record Mapped(Membership membership, List<SourceReport> reports) {}

  /**
   * The poller's part: the mapped answers assembled into the snapshot a cycle publishes (subtasks,
   * sources, task status, one healthy target per endpoint), as {@code Poller} does.
   */
  public Snapshot snapshot(Mapped m, Instant now) {
    Map<String, WorkerMember> byAddress = new LinkedHashMap<>();
    m.membership().workers().forEach(w -> byAddress.put(w.address(), w));
    List<Cycle.WorkerCall> calls = new ArrayList<>(m.reports().size());
    Map<String, Set<String>> catalogue = new TreeMap<>();
    for (int i = 0; i < m.reports().size(); i++) {
      SourceReport r = m.reports().get(i);
      calls.add(new Cycle.WorkerCall(byAddress.get(addresses[i]), new Outcome<>(addresses[i], r, null, null, 0.02, false)));
      for (Subtask s : r.subtasks()) {
        catalogue.computeIfAbsent(s.task(), t -> new TreeSet<>()).add(s.sourceId());
      }
    }
    Cycle.Result result = new Cycle.Result(m.membership(), calls, null, false, catalogue, Map.of(), true);
    Assembly.Parts parts = Assembly.assemble(result, m.membership(), Map.of());
    List<Subtask> subtasks = new ReportedFields().apply(parts.subtasks());
    List<TargetHealth> targets = new ArrayList<>(addresses.length + 1);
    targets.add(new TargetHealth("127.0.0.1:8261", TargetRole.MASTER, true, 0.02, null, null, Map.of()));
    for (String a : addresses) {
      targets.add(new TargetHealth(a, TargetRole.WORKER, true, 0.02, null, null, Map.of()));
    }
    return new Snapshot(now, 0.1, now, TaskStatusRules.derive(subtasks, parts.unknown(), parts::relayOf), subtasks,
        parts.unknown(), parts.sources(), m.membership(), targets);
  }
}
