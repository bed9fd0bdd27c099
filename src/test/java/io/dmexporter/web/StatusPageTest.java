package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.model.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server-rendered page: every piece of DM's text escaped, the things a DBA looks for present. */
class StatusPageTest {
  /** Fields of the snapshot that neither page shows (the JSON has them). */
  private static final Set<String> NOT_SHOWN = Set.of("master.clientUrl", "member.address", "member.sourceId",
      "leaderAddress");

  private static final StatusApi API = new StatusApi(
      Clock.fixed(SnapshotFixture.TIME.plusSeconds(3), ZoneOffset.UTC), Duration.ofSeconds(5), Duration.ofSeconds(15), "1.2.3",
      ErrorText.SHOW);
  private static final StatusPage PAGE = new StatusPage("/metrics");

  /** Markup planted in field {@code f}: harmless only if it is escaped. */
  private static String planted(String f) {
    return "<x-dm id=\"" + f + "\">'&</x-dm>";
  }

  @Test
  void escapesEveryFieldOfDmText() {
    Set<String> fields = new LinkedHashSet<>();
    Snapshot s = SnapshotFixture.of(f -> {
      fields.add(f);
      return planted(f);
    });
    StatusDocument doc = API.document(s);
    String task = planted("task");
    String pages = PAGE.overview(doc) + PAGE.task(doc, task) + PAGE.task(doc, planted("unreadTask"))
        + PAGE.task(doc, planted("no such task"));
    assertFalse(pages.contains("<x-dm"), "no markup from DM survives");
    assertFalse(pages.contains("</x-dm"), "no markup from DM survives");
    List<String> missing = new ArrayList<>();
    for (String f : fields) {
      if (!NOT_SHOWN.contains(f) && !pages.contains(Html.escape(planted(f)))) {
        missing.add(f);
      }
    }
    assertEquals(List.of(), missing, "fields shown nowhere, or not escaped (list them in NOT_SHOWN if deliberate)");
    assertTrue(pages.contains("href=\"/tasks/" + Html.pathSegment(task) + "\""), "links carry the name URL-encoded");
    assertTrue(Html.pathSegment(task).matches("[A-Za-z0-9%._~-]+"), Html.pathSegment(task));
  }

  @Test
  void overviewHasWhatADbaLooksFor() {
    StatusDocument doc = API.document(SnapshotFixture.of(f -> f));
    String html = PAGE.overview(doc);
    assertTrue(html.indexOf("data-task=\"task\"") < html.indexOf("data-task=\"unreadTask\""), "Error first");
    assertContains(html,
        "<span class=\"status status-error\">Error - Some error occurred in subtask</span>",
        "<span class=\"status status-unknown\">Unknown</span>",
        "3 subtasks read · 1 could not be read · error reasons: subtask_error, relay_error",
        "Status could not be read: unknown.reason",
        "<span class=\"progress-detail\">3/10 tables</span>",
        "<td data-label=\"Speed\">2.7 KiB/s</td>",
        "<td data-label=\"Speed\">1 rows/s</td><td data-label=\"Behind\">3 s</td>",
        "title=\"master sync.masterBinlog − syncer sync.syncerBinlog\">709 B</span>",
        "<p class=\"note note-bad\">Relay Paused</p>",
        "<span class=\"error-code\">10006</span>",
        "Validation Running (validation.mode) · processed 10/2/1 ins/upd/del · pending 0/1/0 ins/upd/del · error rows "
            + "1 new, 0 ignored, 2 resolved",
        "master.name <span class=\"tag\">leader</span>",
        "<span class=\"count count-offline\">1 offline</span>",
        "<span class=\"bad\">0/1</span> up",
        "target.address <span class=\"tag\">worker</span> <span class=\"reason\">timeout: target.message",
        "3 s ago",
        "2026-05-04 12:03:04 UTC",
        "id=\"banner-stale\" class=\"banner banner-stale\" role=\"alert\" hidden=\"\"",
        "data-poll-interval=\"5.0\"");
  }

  private static void assertContains(String html, String... expected) {
    for (String e : expected) {
      assertTrue(html.contains(e), e + " in\n" + html);
    }
  }

  @Test
  void progressBarsCarryTheirPercentForTheScript() {
    StatusDocument doc = API.document(SnapshotFixture.of(f -> f));
    StatusDocument.Subtask dump = doc.snapshot().subtasks().get(0);
    StatusDocument.Dump withRatio = new StatusDocument.Dump(10L, 3.0, 2542.0, 32.0, 563.0, 445L, "30.52 %", 0.3052);
    StatusDocument.Subtask d = new StatusDocument.Subtask(dump.task(), dump.sourceId(), dump.worker(), dump.stage(),
        dump.unit(), dump.result(), "", withRatio, null, null, null);
    StatusDocument.Snapshot snap = new StatusDocument.Snapshot(null, 0, null, doc.snapshot().tasks(), List.of(d),
        List.of(), List.of(), null, List.of());
    String html = PAGE.overview(new StatusDocument(true, false, doc.now(), 5, 15, null, "v", snap));
    assertTrue(html.contains("aria-valuenow=\"30.52\"><div class=\"bar\" data-percent=\"30.52\"></div></div>"
        + "<span class=\"progress-text\">30.52 %</span>"), html);
    assertFalse(html.contains("style="), "no inline style: the Content-Security-Policy forbids it");
  }

  @Test
  void staleAndWaitingBanners() {
    String first = PAGE.overview(API.document(Snapshot.empty()));
    assertTrue(first.contains("id=\"banner-waiting\" class=\"banner banner-info\">Waiting for the first poll"), first);
    assertTrue(first.contains("No poll of DM has finished yet."), first);
    StatusApi later = new StatusApi(Clock.fixed(SnapshotFixture.TIME.plusSeconds(125), ZoneOffset.UTC),
        Duration.ofSeconds(5), Duration.ofSeconds(15), "1.2.3", ErrorText.SHOW);
    String stale = PAGE.overview(later.document(SnapshotFixture.of(f -> f)));
    assertTrue(stale.contains("id=\"banner-stale\" class=\"banner banner-stale\" role=\"alert\">Stale: the last "
        + "successful poll of DM was 2 min 5 s ago, more than three poll intervals (15 s)."), stale);
  }

  @Test
  void taskPageShowsTheQueryStatusPicture() {
    StatusDocument doc = API.document(SnapshotFixture.of(f -> f));
    String html = PAGE.task(doc, "task");
    assertContains(html, "<h1 class=\"task-name\">task</h1>",
        "<dt>masterBinlogGtid</dt><dd><code>sync.masterBinlogGtid</code></dd>",
        "<dt>gap master − syncer</dt><dd>0 files, 709 bytes</dd>", "<pre><code>sync.blockingDdl</code></pre>",
        "<dt>firstPos</dt><dd><code>group.firstLocation</code></dd>", "<dt>cutoverBinlogPos</dt>",
        "<dt>relaySubDir</dt><dd><code>relay.relaySubDir</code></dd>", "<dt>gap master − relay</dt><dd>1 file</dd>",
        "<dt>bps</dt><dd>2,734 B/s (2.7 KiB/s)</dd>", "relay.error.workaround", "source.error.rawCause",
        "Status could not be read: unknown.reason", "<dt>estimateTotalRows</dt><dd>563</dd>");
    String missing = PAGE.task(doc, "gone");
    assertTrue(missing.contains("No task named “gone”"), missing);
    assertTrue(missing.contains("<a href=\"/tasks/task\">task</a>, <a href=\"/tasks/unreadTask\">unreadTask</a>"), missing);
    assertTrue(PAGE.task(doc, null).contains("Not a task name"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      test                      | test
      a b/c%d                   | a%20b%2Fc%25d
      <script>alert(1)</script> | %3Cscript%3Ealert%281%29%3C%2Fscript%3E
      任务~_.-!*'()              | %E4%BB%BB%E5%8A%A1~_.-%21%2A%27%28%29
      """)
  void pathSegmentsRoundTrip(String name, String encoded) {
    assertEquals(encoded, Html.pathSegment(name));
    assertEquals(name, Html.decodePathSegment(encoded));
  }

  @Test
  void malformedSegmentsDecodeToNull() {
    assertNull(Html.decodePathSegment("a%2"));
    assertNull(Html.decodePathSegment("a%zz"));
    assertNull(Html.decodePathSegment("%C3%28"), "not UTF-8");
    assertEquals("a+b", Html.decodePathSegment("a+b"), "a plus is a plus in a path");
  }

  @Test
  void escapesTheFiveCharacters() {
    assertEquals("&lt;b&gt;&amp;&quot;&#39;", Html.escape("<b>&\"'"));
  }
}
