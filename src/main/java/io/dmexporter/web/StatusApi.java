package io.dmexporter.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmexporter.model.DumpStatus;
import io.dmexporter.model.LoadStatus;
import io.dmexporter.model.Membership;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.SyncStatus;
import io.dmexporter.model.Task;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TaskStatus;
import io.dmexporter.model.UnknownSubtask;
import io.dmexporter.model.Validation;
import io.dmexporter.status.BinlogGap;
import io.dmexporter.status.TaskStatusRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns the current snapshot into the {@link StatusDocument} of {@code /api/v1/status} (and of the
 * status page): a pure mapping plus the exporter's clock, poll interval and staleness rule.
 */
public final class StatusApi {
  private static final Comparator<Task> URGENT_FIRST =
      Comparator.comparingInt(StatusApi::urgency).thenComparing(Task::name);

  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;
  private final Duration pollInterval;
  private final Duration staleAfter;
  private final String version;
  private final ErrorText errorText;

  /** {@code errorText} decides what the document shows of DM's free text (messages, causes, reasons). */
  public StatusApi(Clock clock, Duration pollInterval, Duration staleAfter, String version, ErrorText errorText) {
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.staleAfter = staleAfter;
    this.version = version;
    this.errorText = errorText;
  }

  /** The document for {@code snapshot} as of now. */
  public StatusDocument document(Snapshot snapshot) {
    Instant now = clock.instant();
    Double age = snapshot.lastSuccess() == null ? null
        : Duration.between(snapshot.lastSuccess(), now).toNanos() / 1e9;
    return new StatusDocument(snapshot.ready(), snapshot.staleAt(now, staleAfter), now.toString(),
        seconds(pollInterval), seconds(staleAfter), age, version, snapshot(snapshot));
  }

  /** The JSON bytes of {@link #document}. */
  public byte[] json(StatusDocument document) {
    try {
      return json.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the status document holds only JSON-friendly types", e);
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  StatusDocument.Snapshot snapshot(Snapshot s) {
    return new StatusDocument.Snapshot(
        text(s.time()),
        s.durationSeconds(),
        text(s.lastSuccess()),
        s.tasks().stream().sorted(URGENT_FIRST).map(this::task).toList(),
        s.subtasks().stream()
            .sorted(Comparator.comparing(Subtask::task).thenComparing(Subtask::sourceId).thenComparing(Subtask::worker))
            .map(this::subtask).toList(),
        s.unknownSubtasks().stream()
            .sorted(Comparator.comparing(UnknownSubtask::task).thenComparing(UnknownSubtask::sourceId))
            .map(u -> new StatusDocument.UnknownSubtask(u.task(), u.sourceId(), u.worker(), errorText.apply(u.reason())))
            .toList(),
        s.sources().stream()
            .sorted(Comparator.comparing(Source::sourceId).thenComparing(Source::worker))
            .map(this::source).toList(),
        membership(s.membership()),
        s.targets().stream().map(this::target).toList());
  }

  /** 0 for Error, then tasks with unreadable subtasks, Paused, … Finished last. */
  private static int urgency(Task t) {
    if (t.status() == TaskStatus.ERROR) {
      return 0;
    }
    if (t.status() == null || t.unknownSubtasks() > 0) {
      return 1;
    }
    return switch (t.status()) {
      case PAUSED -> 2;
      case STOPPING, PAUSING, RESUMING -> 3;
      case NEW -> 4;
      case STOPPED -> 5;
      case RUNNING -> 6;
      case FINISHED, ERROR -> 7;
    };
  }

  private StatusDocument.Task task(Task t) {
    return new StatusDocument.Task(t.name(), name(t.status(), TaskStatus::dmName), TaskStatusRules.wording(t),
        t.errorReasons().stream().sorted().map(r -> r.label()).toList(), t.subtasks(), t.unknownSubtasks());
  }

  private StatusDocument.Subtask subtask(Subtask s) {
    return new StatusDocument.Subtask(s.task(), s.sourceId(), s.worker(),
        name(s.stage(), io.dmexporter.model.Stage::dmName), name(s.unit(), io.dmexporter.model.Unit::dmName),
        result(s.result()), s.unresolvedDdlLockId(), dump(s.dump()), load(s.load()), sync(s.sync()),
        validation(s.validation()));
  }

  private StatusDocument.Result result(ProcessResult r) {
    return new StatusDocument.Result(r.canceled(), r.errors().stream()
        .map(e -> new StatusDocument.ProcessError(e.code(), e.errClass(), e.scope(), e.level(),
            errorText.apply(e.message()), errorText.apply(e.rawCause()), errorText.apply(e.workaround())))
        .toList());
  }

  private static StatusDocument.Dump dump(DumpStatus d) {
    return d == null ? null : new StatusDocument.Dump(d.totalTables(), d.completedTables(), d.finishedBytes(),
        d.finishedRows(), d.estimatedTotalRows(), d.bytesPerSecond(), d.progress(), d.progressRatio());
  }

  private static StatusDocument.Load load(LoadStatus l) {
    return l == null ? null : new StatusDocument.Load(l.finishedBytes(), l.totalBytes(), l.progress(),
        l.progressRatio(), l.bytesPerSecond(), l.metaBinlog());
  }

  private StatusDocument.Sync sync(SyncStatus s) {
    if (s == null) {
      return null;
    }
    return new StatusDocument.Sync(s.totalRows(), s.totalRowsPerSecond(), s.recentRowsPerSecond(),
        s.legacyCounters(), s.masterBinlog(), position(s.masterPosition()), s.masterBinlogGtid(), s.syncerBinlog(),
        position(s.syncerPosition()), s.syncerBinlogGtid(), gap(s.masterPosition(), s.syncerPosition()),
        s.blockingDdls(),
        s.unresolvedGroups().stream().map(g -> new StatusDocument.ShardingGroup(g.target(), g.ddls(),
            g.firstLocation(), g.synced(), g.unsynced())).toList(),
        s.synced(), s.secondsBehindMaster(), s.blockDdlOwner(), errorText.apply(s.conflictMessage()), s.ioTotalBytes(),
        s.dumpIoTotalBytes());
  }

  private StatusDocument.Validation validation(Validation v) {
    if (v == null) {
      return null;
    }
    return new StatusDocument.Validation(name(v.stage(), io.dmexporter.model.Stage::dmName), v.mode(),
        result(v.result()), rows(v.processedRows()), rows(v.pendingRows()),
        v.errorRows() == null ? null
            : new StatusDocument.ErrorRowCounts(v.errorRows().newRows(), v.errorRows().ignored(), v.errorRows().resolved()),
        v.validatorBinlog(), v.cutoverBinlogPosition());
  }

  private static StatusDocument.RowCounts rows(Validation.RowCounts r) {
    return r == null ? null : new StatusDocument.RowCounts(r.insert(), r.update(), r.delete());
  }

  private StatusDocument.Source source(Source s) {
    return new StatusDocument.Source(s.sourceId(), s.worker(), s.up(), errorText.apply(s.error()), result(s.result()),
        relay(s.relay()));
  }

  private StatusDocument.Relay relay(Relay r) {
    if (r == null) {
      return null;
    }
    return new StatusDocument.Relay(name(r.stage(), io.dmexporter.model.Stage::dmName), result(r.result()),
        r.catchUpMaster(), r.masterBinlog(), position(r.masterPosition()), r.masterBinlogGtid(), r.relayBinlog(),
        position(r.relayPosition()), r.relayBinlogGtid(), r.relaySubDir(), gap(r.masterPosition(), r.relayPosition()));
  }

  private static StatusDocument.Membership membership(Membership m) {
    if (m == null) {
      return null;
    }
    return new StatusDocument.Membership(
        m.masters().stream().map(x -> new StatusDocument.Master(x.name(), x.alive(), x.leader(), x.clientUrls())).toList(),
        m.workers().stream().map(w -> new StatusDocument.Worker(w.name(), w.address(), w.stage(), w.sourceId())).toList(),
        m.leaderAddress());
  }

  private StatusDocument.Target target(TargetHealth t) {
    Map<String, Long> counts = new TreeMap<>();
    t.errorCounts().forEach((reason, n) -> counts.put(reason.label(), n));
    return new StatusDocument.Target(t.address(), t.role().label(), t.up(), t.durationSeconds(),
        name(t.error(), e -> e.label()), errorText.apply(t.message()), counts);
  }

  private static StatusDocument.BinlogPosition position(io.dmexporter.model.BinlogPosition p) {
    return p == null ? null : new StatusDocument.BinlogPosition(p.file(), p.fileIndex(), p.offset());
  }

  private static StatusDocument.BinlogGap gap(io.dmexporter.model.BinlogPosition ahead,
      io.dmexporter.model.BinlogPosition behind) {
    BinlogGap g = BinlogGap.between(ahead, behind);
    return g == null ? null : new StatusDocument.BinlogGap(g.files(), g.bytes());
  }

  private static <T> String name(T value, Function<T, String> name) {
    return value == null ? null : name.apply(value);
  }

  private static String text(Instant t) {
    return Objects.toString(t, null);
  }
}
