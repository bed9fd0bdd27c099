package io.dmexporter.web;

import static io.dmexporter.web.PageFormat.bytes;
import static io.dmexporter.web.PageFormat.count;
import static io.dmexporter.web.PageFormat.duration;
import static io.dmexporter.web.PageFormat.fixed;
import static io.dmexporter.web.PageFormat.plural;

import io.dmexporter.web.StatusDocument.BinlogGap;
import io.dmexporter.web.StatusDocument.Dump;
import io.dmexporter.web.StatusDocument.Load;
import io.dmexporter.web.StatusDocument.ProcessError;
import io.dmexporter.web.StatusDocument.Relay;
import io.dmexporter.web.StatusDocument.Result;
import io.dmexporter.web.StatusDocument.RowCounts;
import io.dmexporter.web.StatusDocument.ShardingGroup;
import io.dmexporter.web.StatusDocument.Source;
import io.dmexporter.web.StatusDocument.Subtask;
import io.dmexporter.web.StatusDocument.Sync;
import io.dmexporter.web.StatusDocument.Task;
import io.dmexporter.web.StatusDocument.UnknownSubtask;
import io.dmexporter.web.StatusDocument.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page, rendered on the server from a {@link StatusDocument}: {@code /} (cluster
 * health, a block per task, sources and relay) and {@code /tasks/<name>} (the query-status
 * picture of one task). status.js renders the same markup from {@code /api/v1/status} to refresh
 * it in place: the two mirror each other function by function, and the browser test checks that
 * they agree.
 */
final class StatusPage {
  private static final String[] SUBTASK_COLUMNS =
      {"Source", "Worker", "Stage", "Unit", "Progress", "Speed", "Behind", "Binlog gap"};
  private static final String[] SOURCE_COLUMNS =
      {"Source", "Worker", "Status", "Relay", "Master binlog", "Relay binlog", "Relay gap"};
  private static final String[] WORKER_STAGES = {"bound", "relay", "free", "offline"};

  private final String telemetryPath;

  StatusPage(String telemetryPath) {
    this.telemetryPath = telemetryPath;
  }

  /** The page at {@code /}. */
  String overview(StatusDocument doc) {
    HtmlWriter h = new HtmlWriter();
    head(h, "DM status", doc, "overview", null);
    h.open("main", "id", "content");
    Groups g = new Groups(doc);
    cluster(h, doc);
    h.open("section", "id", "tasks", "aria-label", "Tasks");
    if (doc.snapshot().tasks().isEmpty()) {
      h.el("p", "empty", doc.ready() ? "No task in the last poll of DM." : "No poll of DM has finished yet.");
    }
    for (Task t : doc.snapshot().tasks()) {
      taskBlock(h, t, g);
    }
    h.close("section");
    sources(h, doc);
    h.close("main");
    foot(h, doc);
    return h.toString();
  }

  /** The page at {@code /tasks/<name>}; {@code name} is null when the URL's name was malformed. */
  String task(StatusDocument doc, String name) {
    HtmlWriter h = new HtmlWriter();
    head(h, name == null ? "No such task" : name, doc, "task", name);
    h.open("main", "id", "content");
    h.open("nav", "class", "crumbs").open("a", "href", "/").text("← All tasks").close("a").close("nav");
    Task task = doc.snapshot().tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    if (task == null) {
      notFound(h, doc, name);
    } else {
      taskDetail(h, task, new Groups(doc));
    }
    h.close("main");
    foot(h, doc);
    return h.toString();
  }

  /** A document's subtasks, unknown subtasks and relays, found by task and source. */
  private static final class Groups {
    final Map<String, List<Subtask>> subtasks = new LinkedHashMap<>();
    final Map<String, List<UnknownSubtask>> unknown = new LinkedHashMap<>();
    final Map<String, Source> sources = new LinkedHashMap<>();

    Groups(StatusDocument doc) {
      doc.snapshot().subtasks().forEach(s -> subtasks.computeIfAbsent(s.task(), k -> new ArrayList<>()).add(s));
      doc.snapshot().unknownSubtasks().forEach(u -> unknown.computeIfAbsent(u.task(), k -> new ArrayList<>()).add(u));
      doc.snapshot().sources().forEach(s -> sources.putIfAbsent(s.sourceId() + "\u0000" + s.worker(), s));
    }

    Relay relay(Subtask s) {
      Source source = sources.get(s.sourceId() + "\u0000" + s.worker());
      return source == null ? null : source.relay();
    }
  }

  private void head(HtmlWriter h, String title, StatusDocument doc, String view, String task) {
    h.markup("<!DOCTYPE html>\n").open("html", "lang", "en").open("head")
        .open("meta", "charset", "utf-8")
        .open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1")
        .open("title").text(title + " · dm-exporter").close("title")
        .open("link", "rel", "icon", "href", "/static/favicon.svg", "type", "image/svg+xml")
        .open("link", "rel", "stylesheet", "href", "/static/status.css")
        .open("script", "src", "/static/status.js", "defer", "").close("script")
        .close("head");
    // status.js starts from these: what to render, how often, and how old the data is.
    h.open("body", "data-view", view, "data-task", task, "data-poll-interval", Double.toString(doc.pollIntervalSeconds()),
        "data-stale-after", Double.toString(doc.staleAfterSeconds()), "data-now", doc.now(),
        "data-last-success", doc.snapshot().lastSuccess(), "data-stale", Boolean.toString(doc.stale()),
        "data-ready", Boolean.toString(doc.ready()));
    h.open("header", "class", "top").open("a", "class", "brand", "href", "/").text("DM status").close("a")
        .open("nav", "class", "links")
        .open("a", "href", telemetryPath).text("Metrics").close("a")
        .open("a", "href", "/api/v1/status").text("JSON").close("a")
        .open("a", "href", "/-/ready").text("Readiness").close("a")
        .close("nav").close("header");
    h.open("div", "id", "banners");
    h.open("div", "id", "banner-unreachable", "class", "banner banner-down", "role", "alert", "hidden", "").close("div");
    h.open("div", "id", "banner-stale", "class", "banner banner-stale", "role", "alert", "hidden", doc.ready() && doc.stale() ? null : "")
        .text(staleText(doc.lastSuccessAgeSeconds(), doc.staleAfterSeconds())).close("div");
    h.open("div", "id", "banner-waiting", "class", "banner banner-info", "hidden", doc.ready() ? "" : null)
        .text("Waiting for the first poll of DM to finish…").close("div");
    h.close("div");
  }

  /** The stale banner's text; status.js writes the same as the age grows. */
  static String staleText(Double ageSeconds, double staleAfterSeconds) {
    if (ageSeconds == null) {
      return "Stale: no poll has reached DM yet. Nothing below is current.";
    }
    return "Stale: the last successful poll of DM was " + duration(ageSeconds) + " ago, more than three poll "
        + "intervals (" + PageFormat.interval(staleAfterSeconds) + "). What you see may no longer be true.";
  }

  private static void foot(HtmlWriter h, StatusDocument doc) {
    h.open("footer", "class", "foot").text("dm-exporter " + doc.version() + " · refreshes every "
        + PageFormat.interval(doc.pollIntervalSeconds()) + " from ")
        .open("a", "href", "/api/v1/status").text("/api/v1/status").close("a").text(" · ")
        .open("span", "id", "refresh-note").text("rendered by the exporter").close("span")
        .close("footer").close("body").close("html");
  }

  // ---- cluster health ------------------------------------------------------------------------

  private static void cluster(HtmlWriter h, StatusDocument doc) {
    StatusDocument.Snapshot s = doc.snapshot();
    StatusDocument.Membership m = s.membership();
    h.open("section", "id", "cluster", "class", "cluster", "aria-label", "Cluster health");

    h.open("div", "class", "card").el("h2", null, "DM-masters");
    if (m == null) {
      h.el("p", "warn", "No member list: no DM-master answered");
    } else {
      h.open("ul", "class", "members");
      for (StatusDocument.Master master : m.masters()) {
        h.open("li", "class", master.alive() ? "member ok" : "member down").text(master.name());
        if (master.leader()) {
          h.text(" ").el("span", "tag", "leader");
        }
        if (!master.alive()) {
          h.text(" ").el("span", "tag tag-down", "down");
        }
        h.close("li");
      }
      h.close("ul");
      if (m.masters().stream().noneMatch(StatusDocument.Master::leader)) {
        h.el("p", "warn", "No leader");
      }
    }
    h.close("div");

    h.open("div", "class", "card").el("h2", null, "DM-workers");
    if (m == null) {
      h.el("p", "muted", "Unknown");
    } else {
      Map<String, Integer> byStage = new LinkedHashMap<>();
      for (String stage : WORKER_STAGES) {
        byStage.put(stage, 0);
      }
      m.workers().forEach(w -> byStage.merge(w.stage(), 1, Integer::sum));
      h.open("p", "class", "counts");
      byStage.forEach((stage, n) -> h.el("span", "count count-" + stage, n + " " + stage).text(" "));
      h.close("p");
      List<StatusDocument.Worker> offline = m.workers().stream().filter(w -> "offline".equals(w.stage())).toList();
      if (!offline.isEmpty()) {
        h.open("ul", "class", "members");
        offline.forEach(w -> h.open("li", "class", "member down").text(w.name() + " ")
            .el("span", "tag tag-down", "offline").close("li"));
        h.close("ul");
      }
    }
    h.close("div");

    h.open("div", "class", "card").el("h2", null, "Polled endpoints");
    long up = s.targets().stream().filter(StatusDocument.Target::up).count();
    if (s.targets().isEmpty()) {
      h.el("p", "muted", "None polled yet");
    } else {
      h.open("p", "class", "big").el("span", up == s.targets().size() ? "ok" : "bad", up + "/" + s.targets().size())
          .text(" up").close("p");
      List<StatusDocument.Target> down = s.targets().stream().filter(t -> !t.up()).toList();
      if (!down.isEmpty()) {
        h.open("ul", "class", "members");
        for (StatusDocument.Target t : down) {
          h.open("li", "class", "member down").text(t.address() + " ").el("span", "tag", t.role());
          if (t.error() != null) {
            h.text(" ").el("span", "reason", t.error() + (t.message() == null || t.message().isEmpty() ? "" : ": " + t.message()));
          }
          h.close("li");
        }
        h.close("ul");
      }
    }
    h.close("div");

    h.open("div", "class", "card").el("h2", null, "Last successful poll");
    if (s.lastSuccess() == null) {
      h.el("p", "big bad", "never");
    } else {
      h.open("p", "class", "big").open("span", "class", "live age", "data-since", s.lastSuccess())
          .text(duration(doc.lastSuccessAgeSeconds()) + " ago").close("span").close("p");
      h.open("p", "class", "muted").open("time", "class", "live", "datetime", s.lastSuccess())
          .text(PageFormat.time(s.lastSuccess())).close("time").close("p");
    }
    h.open("p", "class", "muted").text("polled every " + PageFormat.interval(doc.pollIntervalSeconds())
        + " · last cycle took ").el("span", "live", Math.round(s.durationSeconds() * 1000) + " ms").close("p");
    h.close("div");

    h.close("section");
  }

  // ---- tasks on the overview -------------------------------------------------------------------

  private static String statusClass(String status) {
    return "status-" + (status == null ? "unknown" : status.toLowerCase(Locale.ROOT));
  }

  private static void statusHead(HtmlWriter h, Task t, String headingTag, boolean link) {
    h.open("header", "class", "task-head").open(headingTag, "class", "task-name");
    if (link) {
      h.open("a", "href", "/tasks/" + Html.pathSegment(t.name())).text(t.name()).close("a");
    } else {
      h.text(t.name());
    }
    h.close(headingTag).el("span", "status " + statusClass(t.status()), t.statusText() == null ? "Unknown" : t.statusText())
        .close("header");
    List<String> meta = new ArrayList<>();
    meta.add(plural(t.subtasks(), "subtask") + " read");
    if (t.unknownSubtasks() > 0) {
      meta.add(t.unknownSubtasks() + " could not be read");
    }
    if (!t.errorReasons().isEmpty()) {
      meta.add("error reasons: " + String.join(", ", t.errorReasons()));
    }
    h.el("p", "task-meta", String.join(" · ", meta));
  }

  private static void taskBlock(HtmlWriter h, Task t, Groups g) {
    h.open("article", "class", "task " + statusClass(t.status()), "data-task", t.name());
    statusHead(h, t, "h2", true);
    h.open("div", "class", "table-wrap").open("table", "class", "subtasks").open("thead").open("tr");
    for (String c : SUBTASK_COLUMNS) {
      h.el("th", null, c);
    }
    h.close("tr").close("thead");
    for (Subtask s : g.subtasks.getOrDefault(t.name(), List.of())) {
      subtaskRow(h, s, g.relay(s));
    }
    for (UnknownSubtask u : g.unknown.getOrDefault(t.name(), List.of())) {
      h.open("tbody", "class", "subtask unknown", "data-source", u.sourceId()).open("tr");
      cell(h, "Source").text(u.sourceId()).close("td");
      cell(h, "Worker").text(u.worker().isEmpty() ? "—" : u.worker()).close("td");
      cell(h, "Stage").el("span", "stage stage-unknown", "Unknown").close("td");
      h.open("td", "class", "reason", "colspan", "5").text("Status could not be read: " + u.reason()).close("td");
      h.close("tr").close("tbody");
    }
    h.close("table").close("div").close("article");
  }

  private static HtmlWriter cell(HtmlWriter h, String label) {
    return h.open("td", "data-label", label);
  }

  private static void stage(HtmlWriter h, String stage) {
    h.el("span", "stage stage-" + (stage == null ? "invalid" : stage.toLowerCase(Locale.ROOT)),
        stage == null ? "Invalid" : stage);
  }

  private static void subtaskRow(HtmlWriter h, Subtask s, Relay relay) {
    h.open("tbody", "class", "subtask", "data-source", s.sourceId()).open("tr");
    cell(h, "Source").text(s.sourceId()).close("td");
    cell(h, "Worker").text(s.worker()).close("td");
    cell(h, "Stage");
    stage(h, s.stage());
    h.close("td");
    cell(h, "Unit").text(s.unit() == null ? "—" : s.unit()).close("td");
    cell(h, "Progress");
    Sync sync = s.sync();
    if (s.dump() != null) {
      Dump d = s.dump();
      progress(h, d.progressRatio(), d.progress(),
          d.totalTables() == null ? null : count(d.completedTables()) + "/" + count(d.totalTables()) + " tables");
    } else if (s.load() != null) {
      Load l = s.load();
      progress(h, l.progressRatio(), l.progress(),
          l.finishedBytes() == null || l.totalBytes() == null ? null : bytes(l.finishedBytes()) + " of " + bytes(l.totalBytes()));
    } else if (sync != null) {
      h.el("span", sync.synced() ? "synced ok" : "synced warn", sync.synced() ? "Synced" : "Not synced");
    }
    h.close("td");
    Long bps = s.dump() != null ? s.dump().bytesPerSecond() : s.load() != null ? s.load().bytesPerSecond() : null;
    cell(h, "Speed").text(sync != null ? (sync.recentRowsPerSecond() == null ? null : count(sync.recentRowsPerSecond()) + " rows/s")
        : bps == null ? null : bytes(bps) + "/s").close("td");
    cell(h, "Behind").text(sync == null ? null : duration(sync.secondsBehindMaster())).close("td");
    cell(h, "Binlog gap");
    if (sync != null) {
      gap(h, sync.binlogGap(), "master " + sync.masterBinlog() + " − syncer " + sync.syncerBinlog());
    }
    h.close("td").close("tr");

    HtmlWriter notes = new HtmlWriter();
    subtaskNotes(notes, s, relay);
    String n = notes.toString();
    if (!n.isEmpty()) {
      h.open("tr", "class", "notes").open("td", "colspan", Integer.toString(SUBTASK_COLUMNS.length)).markup(n)
          .close("td").close("tr");
    }
    h.close("tbody");
  }

  private static void progress(HtmlWriter h, Double ratio, String dmProgress, String detail) {
    if (ratio == null) {
      h.el("span", "muted", dmProgress == null || dmProgress.isEmpty() ? "no progress reported" : dmProgress);
    } else {
      String percent = fixed(ratio * 100, 2);
      h.open("div", "class", "progress", "role", "progressbar", "aria-valuemin", "0", "aria-valuemax", "100",
          "aria-valuenow", percent).open("div", "class", "bar", "data-percent", percent).close("div").close("div");
      h.el("span", "progress-text", percent + " %");
    }
    if (detail != null) {
      h.el("span", "progress-detail", detail);
    }
  }

  private static void gap(HtmlWriter h, BinlogGap gap, String title) {
    String text;
    if (gap == null) {
      text = "unknown";
    } else if (gap.files() != 0) {
      text = plural(gap.files(), "file");
    } else {
      text = gap.bytes() == 0 ? "none" : bytes(gap.bytes());
    }
    h.open("span", "class", gap == null ? "gap muted" : "gap", "title", title).text(text).close("span");
  }

  private static void subtaskNotes(HtmlWriter h, Subtask s, Relay relay) {
    if ("Paused".equals(s.stage()) && s.result().canceled() && s.result().errors().isEmpty()) {
      h.el("p", "note", "Paused by an operator (pause-task)");
    }
    if (s.unresolvedDdlLockId() != null && !s.unresolvedDdlLockId().isEmpty()) {
      h.open("p", "class", "note note-warn").text("DDL lock ").el("code", null, s.unresolvedDdlLockId()).close("p");
    }
    Sync sync = s.sync();
    if (sync != null) {
      for (String ddl : sync.blockingDdls()) {
        h.open("p", "class", "note note-warn").text("Blocking DDL ").el("code", null, ddl).close("p");
      }
      if (!sync.unresolvedGroups().isEmpty()) {
        h.el("p", "note note-warn", plural(sync.unresolvedGroups().size(), "unresolved sharding group"));
      }
      if (sync.conflictMessage() != null && !sync.conflictMessage().isEmpty()) {
        h.el("p", "note note-bad", "Shard DDL conflict: " + sync.conflictMessage());
      }
      if (relay != null && !"Running".equals(relay.stage())) {
        h.el("p", "note note-bad", "Relay " + (relay.stage() == null ? "Invalid" : relay.stage()));
      }
    }
    Validation v = s.validation();
    if (v != null) {
      List<String> parts = new ArrayList<>();
      parts.add("Validation " + (v.stage() == null ? "Invalid" : v.stage()) + (v.mode() == null || v.mode().isEmpty() ? "" : " (" + v.mode() + ")"));
      if (v.processedRows() != null) {
        parts.add("processed " + rows(v.processedRows()));
      }
      if (v.pendingRows() != null) {
        parts.add("pending " + rows(v.pendingRows()));
      }
      if (v.errorRows() != null) {
        parts.add("error rows " + count(v.errorRows().newRows()) + " new, " + count(v.errorRows().ignored())
            + " ignored, " + count(v.errorRows().resolved()) + " resolved");
      }
      h.el("p", v.errorRows() != null && v.errorRows().newRows() > 0 ? "note note-warn" : "note", String.join(" · ", parts));
    }
    errors(h, s.result());
    if (v != null) {
      errors(h, v.result());
    }
  }

  private static String rows(RowCounts r) {
    return count(r.insert()) + "/" + count(r.update()) + "/" + count(r.delete()) + " ins/upd/del";
  }

  private static void errors(HtmlWriter h, Result r) {
    for (ProcessError e : r.errors()) {
      h.open("div", "class", "error-box");
      List<String> meta = new ArrayList<>();
      for (String x : new String[] {e.errClass(), e.scope(), e.level()}) {
        if (x != null && !x.isEmpty()) {
          meta.add(x);
        }
      }
      h.open("p", "class", "error-head").el("span", "error-code", Integer.toString(e.code())).text(" ")
          .el("span", "error-meta", String.join(" · ", meta)).close("p");
      if (e.message() != null && !e.message().isEmpty()) {
        h.el("p", "error-message", e.message());
      }
      if (e.rawCause() != null && !e.rawCause().isEmpty()) {
        h.open("p", "class", "error-raw").el("span", "label", "Raw cause").text(" ").el("code", null, e.rawCause()).close("p");
      }
      if (e.workaround() != null && !e.workaround().isEmpty()) {
        h.open("p", "class", "error-workaround").el("span", "label", "Workaround").text(" " + e.workaround()).close("p");
      }
      h.close("div");
    }
  }

  // ---- sources ---------------------------------------------------------------------------------

  private static void sources(HtmlWriter h, StatusDocument doc) {
    h.open("section", "id", "sources", "aria-label", "Sources and relay").el("h2", null, "Sources and relay");
    List<Source> sources = doc.snapshot().sources();
    if (sources.isEmpty()) {
      h.el("p", "empty", "No source in the last poll of DM.");
    } else {
      h.open("div", "class", "table-wrap").open("table", "class", "sources").open("thead").open("tr");
      for (String c : SOURCE_COLUMNS) {
        h.el("th", null, c);
      }
      h.close("tr").close("thead");
      for (Source s : sources) {
        sourceRow(h, s);
      }
      h.close("table").close("div");
    }
    h.close("section");
  }

  private static void sourceRow(HtmlWriter h, Source s) {
    Relay r = s.relay();
    h.open("tbody", "class", "source", "data-source", s.sourceId()).open("tr");
    cell(h, "Source").text(s.sourceId()).close("td");
    cell(h, "Worker").text(s.worker().isEmpty() ? "—" : s.worker()).close("td");
    cell(h, "Status").el("span", s.up() ? "ok" : "bad", s.up() ? "readable" : "unreadable").close("td");
    cell(h, "Relay");
    if (r == null) {
      h.el("span", "muted", "disabled");
    } else {
      stage(h, r.stage());
      h.text(" ").el("span", "muted", r.catchUpMaster() ? "caught up" : "catching up");
    }
    h.close("td");
    cell(h, "Master binlog").text(r == null ? null : r.masterBinlog()).close("td");
    cell(h, "Relay binlog").text(r == null ? null : r.relayBinlog()).close("td");
    cell(h, "Relay gap");
    if (r != null) {
      gap(h, r.binlogGap(), "master " + r.masterBinlog() + " − relay " + r.relayBinlog());
    }
    h.close("td").close("tr");
    HtmlWriter notes = new HtmlWriter();
    if (!s.up()) {
      notes.el("p", "note note-bad", "Status could not be read: " + s.error());
    }
    errors(notes, s.result());
    if (r != null) {
      errors(notes, r.result());
    }
    String n = notes.toString();
    if (!n.isEmpty()) {
      h.open("tr", "class", "notes").open("td", "colspan", Integer.toString(SOURCE_COLUMNS.length)).markup(n)
          .close("td").close("tr");
    }
    h.close("tbody");
  }

  // ---- one task --------------------------------------------------------------------------------

  private static void notFound(HtmlWriter h, StatusDocument doc, String name) {
    h.open("section", "class", "not-found");
    if (name == null) {
      h.el("h1", null, "Not a task name");
      h.el("p", null, "The address does not hold a valid URL-encoded task name.");
    } else {
      h.el("h1", null, "No task named “" + name + "”");
      h.el("p", null, doc.ready()
          ? "The last poll of DM reported no task of that name: it may have been stopped and removed, or the name differs."
          : "No poll of DM has finished yet; this page shows the task once DM reports it.");
    }
    List<Task> tasks = doc.snapshot().tasks();
    if (!tasks.isEmpty()) {
      h.open("p").text("Tasks now: ");
      for (int i = 0; i < tasks.size(); i++) {
        if (i > 0) {
          h.text(", ");
        }
        h.open("a", "href", "/tasks/" + Html.pathSegment(tasks.get(i).name())).text(tasks.get(i).name()).close("a");
      }
      h.close("p");
    }
    h.close("section");
  }

  private static void taskDetail(HtmlWriter h, Task t, Groups g) {
    h.open("article", "class", "task-detail " + statusClass(t.status()), "data-task", t.name());
    statusHead(h, t, "h1", false);
    for (Subtask s : g.subtasks.getOrDefault(t.name(), List.of())) {
      subtaskDetail(h, s, g.sources.get(s.sourceId() + "\u0000" + s.worker()));
    }
    for (UnknownSubtask u : g.unknown.getOrDefault(t.name(), List.of())) {
      h.open("section", "class", "subtask-detail unknown", "data-source", u.sourceId()).open("h2").text(u.sourceId());
      if (!u.worker().isEmpty()) {
        h.text(" ").el("span", "muted", "on " + u.worker());
      }
      h.text(" ").el("span", "stage stage-unknown", "Unknown").close("h2");
      h.el("p", "note note-bad", "Status could not be read: " + u.reason());
      h.close("section");
    }
    h.close("article");
  }

  /** A definition list of DM's field names and values, as query-status prints them. */
  private static final class Fields {
    private final List<String[]> rows = new ArrayList<>();

    Fields add(String name, Object value) {
      rows.add(new String[] {name, value == null ? null : value.toString(), "text"});
      return this;
    }

    Fields code(String name, String value) {
      rows.add(new String[] {name, value, "code"});
      return this;
    }

    Fields size(String name, Number value) {
      return bytes(name, value, "");
    }

    Fields rate(String name, Number value) {
      return bytes(name, value, "/s");
    }

    private Fields bytes(String name, Number value, String per) {
      return add(name, value == null ? null : count(value) + " B" + per
          + (value.doubleValue() >= 1024 ? " (" + PageFormat.bytes(value) + per + ")" : ""));
    }

    void write(HtmlWriter h) {
      h.open("dl", "class", "fields");
      for (String[] r : rows) {
        h.el("dt", null, r[0]);
        if (r[1] == null) {
          h.el("dd", "muted", "not reported");
        } else if (r[1].isEmpty()) {
          h.el("dd", "muted", "(empty)");
        } else if (r[2].equals("code")) {
          h.open("dd").el("code", null, r[1]).close("dd");
        } else {
          h.el("dd", null, r[1]);
        }
      }
      h.close("dl");
    }
  }

  private static String gapText(BinlogGap gap) {
    if (gap == null) {
      return null;
    }
    return gap.bytes() == null ? plural(gap.files(), "file") : plural(gap.files(), "file") + ", " + count(gap.bytes()) + " bytes";
  }

  private static void subtaskDetail(HtmlWriter h, Subtask s, Source source) {
    h.open("section", "class", "subtask-detail", "data-source", s.sourceId()).open("h2").text(s.sourceId())
        .text(" ").el("span", "muted", "on " + s.worker()).text(" ");
    stage(h, s.stage());
    h.text(" ").el("span", "unit", s.unit() == null ? "—" : s.unit()).close("h2");
    HtmlWriter notes = new HtmlWriter();
    subtaskNotes(notes, s, source == null ? null : source.relay());
    h.markup(notes.toString());
    new Fields().add("stage", s.stage()).add("unit", s.unit()).add("worker", s.worker())
        .add("isCanceled", s.result().canceled()).code("unresolvedDDLLockID", s.unresolvedDdlLockId()).write(h);
    if (s.dump() != null) {
      Dump d = s.dump();
      h.el("h3", null, "Dump");
      new Fields().add("totalTables", count(d.totalTables())).add("completedTables", count(d.completedTables()))
          .size("finishedBytes", d.finishedBytes()).add("finishedRows", count(d.finishedRows()))
          .add("estimateTotalRows", count(d.estimatedTotalRows())).add("progress", d.progress())
          .rate("bps", d.bytesPerSecond()).write(h);
    }
    if (s.load() != null) {
      Load l = s.load();
      h.el("h3", null, "Load");
      new Fields().size("finishedBytes", l.finishedBytes()).size("totalBytes", l.totalBytes())
          .add("progress", l.progress()).rate("bps", l.bytesPerSecond()).code("metaBinlog", l.metaBinlog()).write(h);
    }
    if (s.sync() != null) {
      syncDetail(h, s.sync());
    }
    if (s.validation() != null) {
      Validation v = s.validation();
      h.el("h3", null, "Validation");
      new Fields().add("stage", v.stage()).add("mode", v.mode())
          .add("processedRowsStatus", v.processedRows() == null ? null : rows(v.processedRows()))
          .add("pendingRowsStatus", v.pendingRows() == null ? null : rows(v.pendingRows()))
          .add("errorRowsStatus", v.errorRows() == null ? null : count(v.errorRows().newRows()) + " new, "
              + count(v.errorRows().ignored()) + " ignored, " + count(v.errorRows().resolved()) + " resolved")
          .code("validatorBinlog", v.validatorBinlog()).code("cutoverBinlogPos", v.cutoverBinlogPosition()).write(h);
    }
    if (source != null && source.relay() != null) {
      Relay r = source.relay();
      h.el("h3", null, "Relay of " + s.sourceId());
      new Fields().add("stage", r.stage()).add("relayCatchUpMaster", r.catchUpMaster())
          .code("masterBinlog", r.masterBinlog()).code("masterBinlogGtid", r.masterBinlogGtid())
          .code("relayBinlog", r.relayBinlog()).code("relayBinlogGtid", r.relayBinlogGtid())
          .add("gap master − relay", gapText(r.binlogGap())).code("relaySubDir", r.relaySubDir()).write(h);
      errors(h, r.result());
    }
    if (source != null) {
      errors(h, source.result());
    }
    h.close("section");
  }

  private static void syncDetail(HtmlWriter h, Sync y) {
    h.el("h3", null, "Sync");
    new Fields().add("totalRows", count(y.totalRows())).add("totalRps", count(y.totalRowsPerSecond()))
        .add("recentRps", count(y.recentRowsPerSecond()))
        .add("rows from", y.legacyCounters() ? "event counters (DM before v6.4)" : "row counters")
        .code("masterBinlog", y.masterBinlog()).code("masterBinlogGtid", y.masterBinlogGtid())
        .code("syncerBinlog", y.syncerBinlog()).code("syncerBinlogGtid", y.syncerBinlogGtid())
        .add("gap master − syncer", gapText(y.binlogGap())).add("synced", y.synced())
        .add("secondsBehindMaster", count(y.secondsBehindMaster())).code("blockDDLOwner", y.blockDdlOwner())
        .add("conflictMsg", y.conflictMessage()).size("totalBytes (downstream I/O)", y.ioTotalBytes())
        .size("dumpIOTotalBytes (upstream I/O)", y.dumpIoTotalBytes()).write(h);
    if (!y.blockingDdls().isEmpty()) {
      h.el("h4", null, "blockingDDLs");
      for (String ddl : y.blockingDdls()) {
        h.open("pre").el("code", null, ddl).close("pre");
      }
    }
    for (ShardingGroup sg : y.unresolvedGroups()) {
      h.el("h4", null, "Unresolved sharding group " + sg.target());
      new Fields().code("target", sg.target()).code("firstPos", sg.firstLocation())
          .code("DDLs", String.join("\n", sg.ddls())).add("synced", String.join(", ", sg.synced()))
          .add("unsynced", String.join(", ", sg.unsynced())).write(h);
    }
  }
}
