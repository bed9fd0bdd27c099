// The one place to adapt dm-exporter's alert rules: the scrape job, the gap window and every
// alert's threshold and duration. Render with alerts/mixin/render.jsonnet (see the README's
// "Alerts" section); docs/runbook.md explains each value.
{
  _config+:: {
    // Selects Prometheus' `up` series of the exporter's scrape job; only DMExporterDown reads it.
    exporterSelector: 'job="dm-exporter"',

    // How long the last value of a missing DM series stands in for it: one failed poll cycle or
    // scrape must neither restart a `for:` nor resolve a firing alert. Must exceed two scrape
    // intervals (2m covers scrapes up to 30 s with room for an exporter restart).
    gapWindow: '2m',

    // DM auto-resumes resumable errors with a back-off of 1 s doubling to 5 min; a firing error
    // alert stays firing this long after the last error pause, so one incident is one page.
    errorKeepFiringFor: '10m',

    // DMSubtaskPausedWithError, DMRelayNotRunningForSync, DMRelayPausedWithError
    pausedWithErrorFor: '1m',
    relayNotRunningFor: '1m',
    relayPausedWithErrorFor: '1m',

    // DMSubtaskErrorFlapping: error pauses seen ending within the window
    flappingWindow: '1h',
    flappingMinPauses: 2,

    // DMSubtaskPausedTooLong
    pausedTooLongFor: '1h',

    // DMSyncLagHigh
    syncLagSeconds: 300,
    syncLagFor: '10m',

    // DMSyncBinlogBehind, DMRelayBinlogBehind: behind the master and not moving for
    // binlogStallWindow, or more binlog files behind than binlogFilesWindow ago
    binlogStallWindow: '5m',
    binlogFilesWindow: '15m',
    syncBinlogBehindFor: '5m',
    relayBinlogBehindFor: '5m',

    // DMShardDDLBlocked, DMShardDDLConflict
    shardDDLBlockedFor: '10m',
    shardDDLConflictFor: '5m',

    // DMDumpLoadProgressStalled: finished bytes unchanged for the window, then `for`
    progressWindow: '10m',
    progressStalledFor: '5m',

    // DMValidationErrorRows
    validationErrorRowsFor: '2m',

    // DMSubtaskStatusUnknown, DMSourceStatusUnavailable
    statusUnknownFor: '2m',
    sourceUnavailableFor: '5m',

    // DMWorkerOffline, DMMasterDown, DMAllMastersUnreachable
    workerOfflineFor: '1m',
    masterDownFor: '2m',
    allMastersUnreachableFor: '1m',

    // DMExporterTargetDown, DMExporterDown
    targetDownFor: '2m',
    exporterDownFor: '2m',

    // DMExporterPollStale: the last-success timestamp unchanged for the window, which must hold
    // pollStaleMinScrapes scrapes (and several poll intervals), then `for`
    pollStaleWindow: '90s',
    pollStaleMinScrapes: 3,
    pollStaleFor: '1m',

    // dm-native group (DM's own exit-with-error counters)
    nativeExitsWindow: '30m',
    nativeMinExits: 3,
  },
}
