package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.QueryStatusResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code simulate}: flags, the printed addresses, and clear errors on bad input. */
class SimulateCommandTest {
  @Test
  void printsWhereEverythingListens() {
    SimulateCommand cmd = new SimulateCommand();
    new CommandLine(cmd).parseArgs("--workers", "3", "--subtasks-per-worker", "2", "--masters", "2",
        "--latency", "20ms", "--relay", "--dm-version", "6.4", "--master-rpc-timeout", "2s");
    StringWriter out = new StringWriter();
    try (Simulator sim = cmd.start(new PrintWriter(out)); DmStubs grpc = new DmStubs()) {
      List<String> lines = out.toString().lines().toList();
      assertTrue(lines.get(0).matches(
          "dm-simulator ready in \\d+\\.\\d\\ds: 2 master\\(s\\), 3 worker\\(s\\), 3 source\\(s\\), 6 subtask\\(s\\), DM v6\\.4"),
          lines.get(0));
      List<String> masters = Arrays.asList(lines.get(1).substring("masters ".length()).split(","));
      List<String> workers = Arrays.asList(lines.get(2).substring("workers ".length()).split(","));
      assertEquals(sim.masterAddresses(), masters);
      assertEquals(DmVersion.V6_4, sim.version());
      assertEquals(3, workers.size());
      assertEquals("control " + sim.controlUrl(), lines.get(3));
      assertTrue(sim.controlUrl().startsWith("http://127.0.0.1:"));
      QueryStatusResponse r = grpc.worker(workers.get(2));
      assertEquals(2, r.getSubTaskStatusCount());
      assertTrue(r.getSourceStatus().hasRelayStatus());
      assertEquals(2, grpc.master(masters.get(1)).getSources(2).getSubTaskStatusCount());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--latency soon|--latency: 'soon' is not a duration",
      "--workers -1|must not be negative",
      "--masters 0|masters must be at least 1",
      "--initial-unit Relay|--initial-unit must be New, Dump, Load or Sync",
      "--initial-unit Check|a DM-worker has no Check unit",
      "--dm-version v7.1|--dm-version: unknown DM version 'v7.1'; use one of [v5.3, v6.1, v6.4, v8.5, v9.0]",
      "--master-rpc-timeout 0s|--master-rpc-timeout: must be positive",
      "--master-rpc-timeout soon|--master-rpc-timeout: 'soon' is not a duration",
      "--control-address 0.0.0.0:0|loopback only",
      "--nope|Unknown option",
  })
  void badInputGetsOneClearMessage(String args, String message) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SimulateCommand());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args.split(" "));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains(message), err.toString());
    assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
  }
}
