// dm-exporter's alerting rules as a jsonnet mixin: prometheusRules is what Prometheus loads.
// Values come from config.libsonnet; render.jsonnet writes alerts/dm-exporter.rules.yml.
//
// Conventions used throughout:
// - Subtask series carry task, source_id, worker; relay series carry source_id, worker. Joins
//   match on job and instance as well, so two exporters watching the same cluster never collide.
// - Aggregations say what they drop (without), so labels your scrape config adds (cluster,
//   env, ...) reach Alertmanager for grouping and routing.
// - Stage, unit and relay stage are one-hot gauges: "== 1" selects the current state.
// - Gap window: every DM series is read through last_over_time(...[gapWindow]). A failed poll
//   cycle or a failed scrape leaves a series missing (stale) for one interval; the last value
//   seen within the window stands in for it, so no `for:` restarts and no firing alert resolves
//   on one gap. While a series is present it is its current value (not a maximum), so a
//   condition that really ends ends at once. A series that really disappears (stop-task, a
//   subtask moved to another worker) is held for at most one more window.
// - keep_firing_for on the alerts about DM's auto-resumed errors: a firing alert resolves only
//   after the condition has stayed away that long, so auto-resume retries give one page.
local runbook = 'https://github.com/dm-exporter/dm-exporter/blob/main/docs/runbook.md#';

// '1m' -> '1 minute', '10m' -> '10 minutes' (single-unit durations, as config.libsonnet uses).
local human(d) =
  local n = std.parseInt(std.substr(d, 0, std.length(d) - 1));
  local unit = { s: 'second', m: 'minute', h: 'hour', d: 'day' }[d[std.length(d) - 1]];
  if n == 1 then '1 ' + unit else '%d %ss' % [n, unit];
local isDuration(v) =
  std.isString(v) && std.length(v) > 1 && std.member('smhd', v[std.length(v) - 1])
  && std.length([ch for ch in std.stringChars(std.substr(v, 0, std.length(v) - 1))
                  if !std.member('0123456789', ch)]) == 0;

{
  local c = $._config,
  // the config with durations spelt out, for the annotations' text
  local t = std.mapWithKey(function(k, v) if isDuration(v) then human(v) else v, c),

  local alert(name, severity, expr, summary, description, forDuration=null, keepFiringFor=null) =
    { alert: name, expr: expr % c }
    + (if forDuration != null then { 'for': forDuration } else {})
    + (if keepFiringFor != null then { keep_firing_for: keepFiringFor } else {})
    + {
      labels: { severity: severity },
      annotations: {
        summary: summary,
        description: description % t,
        runbook_url: runbook + std.asciiLower(name),
      },
    },
  local record(name, expr) = { record: name, expr: expr % c },

  prometheusRules+:: {
    groups+: [
      {
        name: 'dm-exporter.subtasks',
        rules: [
          // 1 while a subtask is Paused with errors in its result, 0 while it is in any other
          // state, bridged over gaps. Its falling edges (resets()) count error pauses that
          // ended; a manual pause (no errors) stays 0. A subtask that appears already paused
          // (exporter restart, new worker) starts a new series and has no falling edge. It sits
          // before the alerts that read it: rules of one group are evaluated in order.
          record('dm_subtask:paused_with_error:bool', |||
            (last_over_time(dm_subtask_errors[%(gapWindow)s]) > bool 0)
              * ignoring(stage) last_over_time(dm_subtask_stage{stage="Paused"}[%(gapWindow)s])
          |||),

          // `for` lets DM's first auto-resume retries (1 s, 2 s, 4 s, ... back-off) pass quietly;
          // keep_firing_for holds the page through the later retries (pauses up to 5 min), so
          // one incident is one page, resolved after a quiet errorKeepFiringFor.
          alert('DMSubtaskPausedWithError', 'critical', |||
            last_over_time(dm_subtask_errors[%(gapWindow)s])
              and (dm_subtask:paused_with_error:bool == 1)
          |||,
                'DM subtask {{ $labels.task }}/{{ $labels.source_id }} is paused with an error',
                'Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) has been Paused with {{ $value }} error(s) for more than %(pausedWithErrorFor)s; migration for this source stops while it is paused. DM may keep auto-resuming it: the alert resolves only after %(errorKeepFiringFor)s without an error pause.',
                c.pausedWithErrorFor, c.errorKeepFiringFor),

          // Error pauses that the exporter saw end within the window. A pause shorter than the
          // poll/scrape interval is seen only by chance (see the runbook); the dm-native group
          // counts every error exit when DM's own metrics are scraped.
          alert('DMSubtaskErrorFlapping', 'warning', |||
            resets(dm_subtask:paused_with_error:bool[%(flappingWindow)s]) >= %(flappingMinPauses)d
          |||,
                'DM subtask {{ $labels.task }}/{{ $labels.source_id }} keeps pausing on errors',
                "Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) was seen Paused with an error and resumed {{ $value }} times within %(flappingWindow)s; DM's auto-resume is hiding a recurring error."),

          alert('DMSubtaskPausedTooLong', 'warning', |||
            (last_over_time(dm_subtask_stage{stage="Paused"}[%(gapWindow)s]) == 1)
              unless ignoring(stage) (last_over_time(dm_subtask_errors[%(gapWindow)s]) > 0)
          |||,
                'DM subtask {{ $labels.task }}/{{ $labels.source_id }} has been paused for over %(pausedTooLongFor)s' % t,
                'Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) has been Paused without an error (pause-task) for more than %(pausedTooLongFor)s; upstream binlogs it still needs may be purged.',
                c.pausedTooLongFor),

          // A relay paused on an error is auto-resumed with the same back-off as a subtask:
          // keep_firing_for holds one page through the retries.
          alert('DMRelayNotRunningForSync', 'critical', |||
            (
              (last_over_time(dm_subtask_unit{unit="Sync"}[%(gapWindow)s]) == 1)
                and ignoring(unit, stage) (last_over_time(dm_subtask_stage{stage="Running"}[%(gapWindow)s]) == 1)
            )
            * on(job, instance, source_id, worker) group_left(relay_stage)
            label_replace(
              last_over_time(dm_source_relay_stage{stage=~"Paused|Stopped"}[%(gapWindow)s]) == 1,
              "relay_stage", "$1", "stage", "(.*)"
            )
          |||,
                'Relay of DM source {{ $labels.source_id }} is {{ $labels.relay_stage }} under a running Sync',
                "Task {{ $labels.task }} is syncing from source {{ $labels.source_id }} (worker {{ $labels.worker }}), but that source's relay log has been {{ $labels.relay_stage }} for more than %(relayNotRunningFor)s; Sync stops once it reaches the end of the relay log. The alert resolves after the relay has run for %(errorKeepFiringFor)s.",
                c.relayNotRunningFor, c.errorKeepFiringFor),

          alert('DMSyncLagHigh', 'warning', |||
            (last_over_time(dm_subtask_sync_seconds_behind_master[%(gapWindow)s]) > %(syncLagSeconds)d)
              and ignoring(stage) (last_over_time(dm_subtask_stage{stage="Running"}[%(gapWindow)s]) == 1)
          |||,
                'DM subtask {{ $labels.task }}/{{ $labels.source_id }} is far behind its upstream',
                'Sync of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) is {{ $value | humanizeDuration }} behind the upstream master and has been over %(syncLagSeconds)d s behind for %(syncLagFor)s.',
                c.syncLagFor),

          // A binlog position as one number: file index * 2^32 + offset (offsets stay below
          // 2^32, indexes below 2^21, so the sum is exact in a float64). Compares across
          // file rotations.
          record('dm_subtask:sync_binlog_position:key', |||
            last_over_time(dm_subtask_sync_binlog_file[%(gapWindow)s]) * 4294967296
              + last_over_time(dm_subtask_sync_binlog_pos[%(gapWindow)s])
          |||),
          // Whole binlog files the syncer's checkpoint is behind the upstream master.
          record('dm_subtask:sync_binlog_files_behind', |||
            max without(node) (last_over_time(dm_subtask_sync_binlog_file{node="master"}[%(gapWindow)s]))
              - max without(node) (last_over_time(dm_subtask_sync_binlog_file{node="syncer"}[%(gapWindow)s]))
          |||),

          // Either the syncer's checkpoint (syncerBinlog, flushed every 30 s by default and on
          // heartbeats when idle) is behind the master's binlog and has not moved, or it falls
          // behind by more whole files than a while ago. secondsBehindMaster is computed from
          // queued jobs and reads 0 for a syncer that stopped reading.
          alert('DMSyncBinlogBehind', 'critical', |||
            (
                (
                  (
                    max without(node) (dm_subtask:sync_binlog_position:key{node="master"})
                      - max without(node) (dm_subtask:sync_binlog_position:key{node="syncer"})
                  ) > 0
                  and max without(node) (changes(dm_subtask:sync_binlog_position:key{node="syncer"}[%(binlogStallWindow)s])) == 0
                )
              or
                (
                  dm_subtask:sync_binlog_files_behind > 0
                  and dm_subtask:sync_binlog_files_behind > (dm_subtask:sync_binlog_files_behind offset %(binlogFilesWindow)s)
                )
            )
            and ignoring(unit) (last_over_time(dm_subtask_unit{unit="Sync"}[%(gapWindow)s]) == 1)
            and ignoring(stage) (last_over_time(dm_subtask_stage{stage="Running"}[%(gapWindow)s]) == 1)
          |||,
                'DM syncer of {{ $labels.task }}/{{ $labels.source_id }} is not catching up with the upstream binlog',
                "Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) is Running in Sync, but its syncer binlog position stays behind the upstream master's and is not catching up (stalled for %(binlogStallWindow)s, or more binlog files behind than %(binlogFilesWindow)s ago), for %(syncBinlogBehindFor)s; secondsBehindMaster may still read 0.",
                c.syncBinlogBehindFor),

          // The three signals are the same subtask (identical labels once last_over_time drops
          // the metric name), so "or" yields one series per subtask whichever of them is set.
          alert('DMShardDDLBlocked', 'warning', |||
            (last_over_time(dm_subtask_sync_blocking_ddls[%(gapWindow)s]) > 0)
              or (last_over_time(dm_subtask_sync_unresolved_groups[%(gapWindow)s]) > 0)
              or (last_over_time(dm_subtask_unresolved_ddl_lock[%(gapWindow)s]) > 0)
          |||,
                'Sharding DDL of DM task {{ $labels.task }} is blocked on source {{ $labels.source_id }}',
                'Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) has been waiting on a sharding DDL (blocking DDLs, unresolved sharding groups or a DDL lock) for more than %(shardDDLBlockedFor)s.',
                c.shardDDLBlockedFor),

          alert('DMShardDDLConflict', 'warning', |||
            last_over_time(dm_subtask_sync_shard_ddl_conflict[%(gapWindow)s]) > 0
          |||,
                'Optimistic shard DDL conflict in DM task {{ $labels.task }} on source {{ $labels.source_id }}',
                'Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) has reported an optimistic-mode shard DDL conflict (conflictMsg) for more than %(shardDDLConflictFor)s; the conflicting DDL and the tables behind it wait for a human.',
                c.shardDDLConflictFor),

          // Each unit is judged by its own byte gauge and only while it is the current unit, and
          // only when DM reports it now and already did a window ago (DM up to v5.3 reports no
          // dump progress: no series, no alert). changes() on gauges, never on counters.
          alert('DMDumpLoadProgressStalled', 'warning', |||
            (
                (last_over_time(dm_subtask_unit{unit="Dump"}[%(gapWindow)s]) == 1)
                  and ignoring(unit) (changes(dm_subtask_dump_finished_bytes[%(progressWindow)s]) == 0)
                  and ignoring(unit) last_over_time(dm_subtask_dump_finished_bytes[%(gapWindow)s])
                  and ignoring(unit) last_over_time(dm_subtask_dump_finished_bytes[%(gapWindow)s] offset %(progressWindow)s)
              or
                (last_over_time(dm_subtask_unit{unit="Load"}[%(gapWindow)s]) == 1)
                  and ignoring(unit) (changes(dm_subtask_load_finished_bytes[%(progressWindow)s]) == 0)
                  and ignoring(unit) last_over_time(dm_subtask_load_finished_bytes[%(gapWindow)s])
                  and ignoring(unit) last_over_time(dm_subtask_load_finished_bytes[%(gapWindow)s] offset %(progressWindow)s)
            )
            and ignoring(unit, stage) (last_over_time(dm_subtask_stage{stage="Running"}[%(gapWindow)s]) == 1)
          |||,
                'DM {{ $labels.unit }} of task {{ $labels.task }} on source {{ $labels.source_id }} makes no progress',
                'Subtask of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) is Running in unit {{ $labels.unit }} but its finished bytes have not changed for %(progressWindow)s and then %(progressStalledFor)s more.',
                c.progressStalledFor),

          // DM's validator marks a row as an error only after retrying it for its
          // row-error-delay, so a new error row is already a confirmed mismatch.
          alert('DMValidationErrorRows', 'warning', |||
            last_over_time(dm_subtask_validation_error_rows{state="new"}[%(gapWindow)s]) > 0
          |||,
                'DM validator found rows that differ downstream in task {{ $labels.task }} on source {{ $labels.source_id }}',
                'The continuous validator of task {{ $labels.task }} on source {{ $labels.source_id }} (worker {{ $labels.worker }}) reports {{ $value }} new error row(s): rows whose downstream copy does not match the upstream.',
                c.validationErrorRowsFor),
        ],
      },
      {
        name: 'dm-exporter.sources',
        rules: [
          alert('DMSubtaskStatusUnknown', 'critical', |||
            last_over_time(dm_task_subtasks_unknown[%(gapWindow)s]) > 0
          |||,
                'Status of {{ $value }} subtask(s) of DM task {{ $labels.task }} is unknown',
                'DM knows {{ $value }} subtask(s) of task {{ $labels.task }} whose status no DM-worker has reported for more than %(statusUnknownFor)s (worker offline, source unbound, worker unreachable or answering result=false); their migration is out of sight and probably stopped, and no subtask alert can fire for them.',
                c.statusUnknownFor),

          alert('DMSourceStatusUnavailable', 'warning', |||
            last_over_time(dm_source_up[%(gapWindow)s]) == 0
          |||,
                'Status of DM source {{ $labels.source_id }} cannot be read',
                'The exporter has not been able to read the status of source {{ $labels.source_id }} ({{ if $labels.worker }}worker {{ $labels.worker }}{{ else }}no worker bound{{ end }}) for %(sourceUnavailableFor)s: the source may be unbound or its worker unreachable, and no subtask or relay alert can fire for it meanwhile.',
                c.sourceUnavailableFor),

          alert('DMRelayPausedWithError', 'warning', |||
            last_over_time(dm_source_relay_errors[%(gapWindow)s]) > 0
              and ignoring(stage) (last_over_time(dm_source_relay_stage{stage="Paused"}[%(gapWindow)s]) == 1)
          |||,
                'Relay of DM source {{ $labels.source_id }} is paused with an error',
                'The relay log of source {{ $labels.source_id }} (worker {{ $labels.worker }}) has been Paused with {{ $value }} error(s) for more than %(relayPausedWithErrorFor)s, whatever unit its subtasks are in: the relay stops pulling binlog from the upstream. It resolves after %(errorKeepFiringFor)s without an error pause.',
                c.relayPausedWithErrorFor, c.errorKeepFiringFor),

          record('dm_source:relay_binlog_position:key', |||
            last_over_time(dm_source_relay_binlog_file[%(gapWindow)s]) * 4294967296
              + last_over_time(dm_source_relay_binlog_pos[%(gapWindow)s])
          |||),
          record('dm_source:relay_binlog_files_behind', |||
            max without(node) (last_over_time(dm_source_relay_binlog_file{node="master"}[%(gapWindow)s]))
              - max without(node) (last_over_time(dm_source_relay_binlog_file{node="relay"}[%(gapWindow)s]))
          |||),

          alert('DMRelayBinlogBehind', 'warning', |||
            (
                (
                  (
                    max without(node) (dm_source:relay_binlog_position:key{node="master"})
                      - max without(node) (dm_source:relay_binlog_position:key{node="relay"})
                  ) > 0
                  and max without(node) (changes(dm_source:relay_binlog_position:key{node="relay"}[%(binlogStallWindow)s])) == 0
                )
              or
                (
                  dm_source:relay_binlog_files_behind > 0
                  and dm_source:relay_binlog_files_behind > (dm_source:relay_binlog_files_behind offset %(binlogFilesWindow)s)
                )
            )
            and ignoring(stage) (last_over_time(dm_source_relay_stage{stage="Running"}[%(gapWindow)s]) == 1)
          |||,
                'Relay of DM source {{ $labels.source_id }} is falling behind the upstream binlog',
                "The relay log of source {{ $labels.source_id }} (worker {{ $labels.worker }}) is Running but behind the upstream master's binlog and not catching up (stalled for %(binlogStallWindow)s, or more binlog files behind than %(binlogFilesWindow)s ago), for %(relayBinlogBehindFor)s.",
                c.relayBinlogBehindFor),
        ],
      },
      {
        name: 'dm-exporter.cluster',
        rules: [
          // The address comes from dm_cluster_worker_info; without it the alert still fires.
          alert('DMWorkerOffline', 'warning', |||
            (
              max without(stage) (last_over_time(dm_cluster_worker_stage{stage="offline"}[%(gapWindow)s]) == 1)
                * on(job, instance, worker) group_left(address)
                max without(source_id) (last_over_time(dm_cluster_worker_info[%(gapWindow)s]))
            )
            or on(job, instance, worker)
            max without(stage) (last_over_time(dm_cluster_worker_stage{stage="offline"}[%(gapWindow)s]) == 1)
          |||,
                'DM-worker {{ $labels.worker }} is offline',
                'DM-master reports worker {{ $labels.worker }}{{ if $labels.address }} ({{ $labels.address }}){{ end }} offline for more than %(workerOfflineFor)s; DM-master moves its source to a free worker if one exists.',
                c.workerOfflineFor),

          alert('DMMasterDown', 'warning', |||
            last_over_time(dm_cluster_master_alive[%(gapWindow)s]) == 0
          |||,
                'DM-master {{ $labels.master }} is down',
                "DM-master {{ $labels.master }} has been reported not alive by the cluster's member list for more than %(masterDownFor)s; the masters' etcd quorum has less headroom.",
                c.masterDownFor),

          // max, not min: one master down out of several is DMExporterTargetDown, not this. A
          // cluster without a leader lands here too: every DM-master then answers with an error.
          alert('DMAllMastersUnreachable', 'critical', |||
            max without(address) (last_over_time(dm_exporter_target_up{role="master"}[%(gapWindow)s])) == 0
          |||,
                'No DM-master can be queried',
                'Exporter {{ $labels.instance }} has not been able to query any configured DM-master for more than %(allMastersUnreachableFor)s: the masters are down, cut off, or have no leader.',
                c.allMastersUnreachableFor),
        ],
      },
      {
        name: 'dm-exporter.exporter',
        rules: [
          alert('DMExporterTargetDown', 'warning', |||
            last_over_time(dm_exporter_target_up[%(gapWindow)s]) == 0
          |||,
                'DM {{ $labels.role }} {{ $labels.address }} cannot be queried',
                'Exporter {{ $labels.instance }} has failed to query DM {{ $labels.role }} at {{ $labels.address }} for more than %(targetDownFor)s.',
                c.targetDownFor),

          // Judged on the exporter's own clock only: its last-success timestamp stops changing.
          // A minimum of scrapes in the window, so a target just (re)appearing is not judged;
          // one missed scrape leaves enough. The second branch: never reached DM since start
          // (by job and instance only, so an upgrade's new build labels do not start a new alert).
          alert('DMExporterPollStale', 'critical', |||
            (
              changes(dm_exporter_last_poll_success_timestamp_seconds[%(pollStaleWindow)s]) == 0
                and count_over_time(dm_exporter_last_poll_success_timestamp_seconds[%(pollStaleWindow)s]) >= %(pollStaleMinScrapes)d
            )
            or on(job, instance)
            (
              max by (job, instance) (last_over_time(dm_exporter_build_info[%(gapWindow)s]))
                unless on(job, instance) last_over_time(dm_exporter_last_poll_success_timestamp_seconds[%(gapWindow)s])
            )
          |||,
                'dm-exporter {{ $labels.instance }} cannot see DM',
                'No poll cycle of exporter {{ $labels.instance }} has reached any DM endpoint for over %(pollStaleWindow)s and then %(pollStaleFor)s more; all DM series are withdrawn and no DM alert can fire.',
                c.pollStaleFor),

          // The scrape job's selector (config exporterSelector) appears here and nowhere else.
          alert('DMExporterDown', 'critical', |||
            last_over_time(up{%(exporterSelector)s}[%(gapWindow)s]) == 0
              or absent(up{%(exporterSelector)s})
          |||,
                'dm-exporter {{ if $labels.instance }}{{ $labels.instance }}{{ else }}(job {{ $labels.job }}){{ end }} cannot be scraped',
                '{{ if $labels.instance }}Prometheus has failed to scrape dm-exporter at {{ $labels.instance }}{{ else }}Prometheus has no target of job {{ $labels.job }} to scrape{{ end }} for more than %(exporterDownFor)s; no DM alert can fire.',
                c.exporterDownFor),
        ],
      },
      // Only for users who also scrape DM's own metrics (DM-master and DM-worker /metrics).
      // Names checked in DM's source (pingcap/tiflow dm/syncer/metrics, dm/loader, dm/dumpling,
      // dm/relay): dm_{syncer,loader,dumpling}_exit_with_error_count{task,source_id,
      // resumable_err} and dm_relay_exit_with_error_count{resumable_err}. (DM's own sample rules
      // use dm_mydumper_exit_with_error_count, a name no current DM exports.) These counters
      // count every error exit of a unit, also the 1-5 s pauses that a 15 s poll misses. Without
      // those metrics the group never fires; drop it from prometheusRules if you like.
      {
        name: 'dm-exporter.dm-native',
        rules: [
          alert('DMNativeSubtaskErrorExits', 'warning', |||
            sum without(instance, resumable_err) (
                label_replace(increase(dm_syncer_exit_with_error_count[%(nativeExitsWindow)s]), "unit", "Sync", "", "")
              or
                label_replace(increase(dm_loader_exit_with_error_count[%(nativeExitsWindow)s]), "unit", "Load", "", "")
              or
                label_replace(increase(dm_dumpling_exit_with_error_count[%(nativeExitsWindow)s]), "unit", "Dump", "", "")
            ) >= %(nativeMinExits)d
          |||,
                'DM {{ $labels.unit }} unit of {{ $labels.task }}/{{ $labels.source_id }} keeps exiting with errors',
                "DM's own counters show the {{ $labels.unit }} unit of task {{ $labels.task }} on source {{ $labels.source_id }} exiting with an error {{ $value | printf \"%%.0f\" }} times within %(nativeExitsWindow)s; DM's auto-resume is retrying a recurring error."),

          alert('DMNativeRelayErrorExits', 'warning', |||
            sum without(resumable_err) (increase(dm_relay_exit_with_error_count[%(nativeExitsWindow)s])) >= %(nativeMinExits)d
          |||,
                'Relay of DM-worker {{ $labels.instance }} keeps exiting with errors',
                "DM's own counters show the relay unit of DM-worker {{ $labels.instance }} exiting with an error {{ $value | printf \"%%.0f\" }} times within %(nativeExitsWindow)s."),
        ],
      },
    ],
  },
}
