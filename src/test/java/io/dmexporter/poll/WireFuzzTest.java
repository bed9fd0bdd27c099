package io.dmexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Snapshot;
import io.dmexporter.testing.Exposition;
import io.dmexporter.testing.Seed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated DM answers (protobuf bytes) through the mapper, the assembly and the
 * collectors: nothing may throw, and every exposition must stay valid. {@code mvn verify} replays
 * the committed inputs ({@code src/test/resources/io/dmexporter/poll/WireFuzzTestInputs}, seeded
 * from the golden answers); {@code scripts/fuzz} fuzzes for as long as you like.
 */
class WireFuzzTest {
  static final Path INPUTS = Path.of("src/test/resources/io/dmexporter/poll/WireFuzzTestInputs");

  @FuzzTest
  void workerAnswer(byte[] data) {
    QueryStatusResponse answer;
    try {
      answer = QueryStatusResponse.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC turns undecodable bytes into a bad_response before the mapper sees them
    }
    requireServable(Pipeline.worker(answer, null, null));
    requireServable(Pipeline.worker(answer, catalogue(answer.getSubTaskStatusList().stream().map(s -> s.getName())), null));
  }

  @FuzzTest
  void masterAnswer(byte[] data) {
    QueryStatusListResponse answer;
    try {
      answer = QueryStatusListResponse.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    requireServable(Pipeline.master(answer, null, null));
    requireServable(Pipeline.master(answer, catalogue(answer.getSourcesList().stream()
        .flatMap(src -> src.getSubTaskStatusList().stream().map(s -> s.getName()))), null));
  }

  @FuzzTest
  void memberList(byte[] data) {
    ListMemberResponse answer;
    try {
      answer = ListMemberResponse.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    Membership members = WireMapper.membership(answer);
    requireServable(Pipeline.worker(Seed.workers().get("worker1"), null, members));
  }

  /** DM-master's catalogue for these tasks: the sources answered, and one no worker answered for. */
  private static Map<String, Set<String>> catalogue(Stream<String> tasks) {
    Map<String, Set<String>> c = new LinkedHashMap<>();
    tasks.forEach(t -> c.put(t, new TreeSet<>(Set.of("mysql-replica-01", "mysql-replica-99"))));
    return c;
  }

  /** Both formats render; the Prometheus text format is valid, OpenMetrics ends as it must. */
  static String requireServable(Snapshot s) {
    String text = Pipeline.exposition(s, false);
    Exposition.requireValid(text);
    assertTrue(Pipeline.exposition(s, true).endsWith("# EOF\n"));
    return text;
  }

  /** The committed seeds are the golden answers, as bytes: {@code -Dfuzz.seeds.update=true} writes them anew. */
  @Test
  void seedsAreTheGoldenAnswers() throws IOException {
    Map<Path, byte[]> seeds = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/golden"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".textproto")).sorted().toList()) {
        String name = f.getFileName().toString().replace(".textproto", "");
        Message.Builder b = name.startsWith("master-") ? QueryStatusListResponse.newBuilder() : QueryStatusResponse.newBuilder();
        TextFormat.merge(Files.readString(f), b);
        seeds.put(INPUTS.resolve((name.startsWith("master-") ? "masterAnswer/" : "workerAnswer/") + name), b.build().toByteArray());
      }
    }
    Seed.workers().forEach((w, answer) -> seeds.put(INPUTS.resolve("workerAnswer/seed-" + w), answer.toByteArray()));
    seeds.put(INPUTS.resolve("memberList/seed"), Seed.members(new String[][] {{"master1", "127.0.0.1:8261"}, {"master2", "127.0.0.1:8361"}},
        new String[] {"worker1", "127.0.0.1:8262", "bound", "mysql-replica-01"},
        new String[] {"worker2", "127.0.0.1:8263", "free", ""},
        new String[] {"worker3", "127.0.0.1:8264", "offline", ""}).toByteArray());
    for (Map.Entry<Path, byte[]> e : seeds.entrySet()) {
      if (Boolean.getBoolean("fuzz.seeds.update")) {
        Files.createDirectories(e.getKey().getParent());
        Files.write(e.getKey(), e.getValue());
      }
      assertTrue(Files.exists(e.getKey()), "missing seed " + e.getKey() + " (write the seeds with -Dfuzz.seeds.update=true)");
      assertEquals(java.util.HexFormat.of().formatHex(e.getValue()), java.util.HexFormat.of().formatHex(Files.readAllBytes(e.getKey())),
          e.getKey().toString());
    }
  }
}
