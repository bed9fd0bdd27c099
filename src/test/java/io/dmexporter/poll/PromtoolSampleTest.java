package io.dmexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.model.Snapshot;
import io.dmexporter.testing.Exposition;
import io.dmexporter.testing.Seed;
import io.dmexporter.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * promtool judges a sample of what the fuzz tests produce: the exposition of every committed fuzz
 * input. Each must pass {@code promtool check metrics} (parse and lint) and the in-process checker
 * the fuzz tests use, which must also refuse what promtool refuses.
 */
class PromtoolSampleTest {
  @Test
  void everyFuzzInputsExpositionPassesPromtool() throws Exception {
    Path promtool = Tools.require("promtool", "prometheus");
    List<String> checked = new ArrayList<>();
    for (String target : List.of("workerAnswer", "masterAnswer", "memberList")) {
      try (Stream<Path> files = Files.list(WireFuzzTest.INPUTS.resolve(target))) {
        for (Path input : files.sorted().toList()) {
          Snapshot s = snapshot(target, Files.readAllBytes(input));
          if (s == null) {
            continue; // bytes that are no protobuf message: never mapped
          }
          String text = Pipeline.exposition(s, false);
          Exposition.requireValid(text);
          Tools.Run run = Tools.run(List.of(promtool.toString(), "check", "metrics"), text, null);
          assertEquals(0, run.exitCode(), input + ": " + run.output());
          assertEquals("", run.output().strip(), input + ": promtool's lint reports nothing");
          checked.add(input.getFileName().toString());
        }
      }
    }
    assertTrue(checked.size() >= 15, "a sample worth the name: " + checked);
  }

  private static Snapshot snapshot(String target, byte[] data) {
    try {
      return switch (target) {
        case "workerAnswer" -> Pipeline.worker(QueryStatusResponse.parseFrom(data), null, null);
        case "masterAnswer" -> Pipeline.master(QueryStatusListResponse.parseFrom(data), null, null);
        default -> Pipeline.worker(Seed.workers().get("worker1"), null, WireMapper.membership(ListMemberResponse.parseFrom(data)));
      };
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "# HELP a x\n# TYPE a gauge\na{x=\"\\q\"} 1\n",
      "# HELP a x\n# TYPE a gauge\na{x=\"1\"} one\n",
      "# HELP a x\n# TYPE a gauge\na{x=1} 1\n",
      "# HELP a x\n# TYPE a gauge\na{1x=\"1\"} 1\n",
      "# HELP a x\n# TYPE a gauge\na-b 1\n",
      "# HELP a x\n# TYPE a flavour\na 1\n",
  })
  void theCheckerRefusesWhatPromtoolRefuses(String text) throws Exception {
    Tools.Run run = Tools.run(List.of(Tools.require("promtool", "prometheus").toString(), "check", "metrics"), text, null);
    assertTrue(run.exitCode() != 0, "promtool refuses it: " + text);
    assertThrows(AssertionError.class, () -> Exposition.requireValid(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "# HELP a x\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n",
      "# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\nb 1\na 2\n",
      "a 1\n",
  })
  void theCheckerIsStricterThanThisPromtool(String text) {
    // A series twice, a family split in two, a sample without TYPE: Prometheus' scrape refuses or
    // mangles these, though promtool 2.42's check does not notice.
    assertThrows(AssertionError.class, () -> Exposition.requireValid(text));
  }
}
