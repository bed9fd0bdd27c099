// The status page's refresh: every poll interval it reads /api/v1/status and renders the same
// markup as StatusPage.java (function for function, same names), so the page follows DM without
// reloading. Text from DM only ever becomes text nodes and attribute values, never markup.
'use strict';

(function () {
  const body = document.body;
  const state = {
    view: body.dataset.view,
    task: body.dataset.task === undefined ? null : body.dataset.task,
    interval: parseFloat(body.dataset.pollInterval) || 15,
    staleAfter: parseFloat(body.dataset.staleAfter) || 45,
    skew: Date.parse(body.dataset.now) - Date.now() || 0, // the exporter's clock minus ours, in ms
    lastSuccess: body.dataset.lastSuccess === undefined ? null : body.dataset.lastSuccess,
    stale: body.dataset.stale === 'true',
    ready: body.dataset.ready === 'true',
    failingSince: null,
    refreshes: 0,
    replaced: 0,
    lastReached: null, // the last document from a cycle that reached DM
  };

  // ---- building blocks (HtmlWriter's open/el) -------------------------------------------------

  function h(tag, attributes, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) {
        e.setAttribute(name, value);
      }
    }
    for (const c of children.flat(Infinity)) {
      if (c !== null && c !== undefined) {
        e.append(c); // a string becomes a text node
      }
    }
    return e;
  }

  function el(tag, cls, text) {
    return h(tag, {class: cls}, text);
  }

  // ---- PageFormat -------------------------------------------------------------------------------

  const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  function count(n) {
    if (n === null || n === undefined) {
      return null;
    }
    const v = Math.round(n);
    const digits = String(Math.abs(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return v < 0 ? '-' + digits : digits;
  }

  function bytes(n) {
    if (n === null || n === undefined) {
      return null;
    }
    let v = Math.abs(n);
    const sign = n < 0 ? '-' : '';
    if (v < 1024) {
      return sign + count(v) + ' B';
    }
    let unit = 0;
    v /= 1024;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return sign + fixed(v, 1) + ' ' + UNITS[unit];
  }

  function fixed(x, decimals) {
    const scale = decimals === 1 ? 10 : 100;
    const t = Math.round(Math.abs(x) * scale);
    let frac = String(t % scale);
    while (frac.length < decimals) {
      frac = '0' + frac;
    }
    return (x < 0 && t !== 0 ? '-' : '') + Math.floor(t / scale) + '.' + frac;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) {
      return null;
    }
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) {
      return s + ' s';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    }
    if (s < 86400) {
      return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    }
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function interval(seconds) {
    return seconds < 60 && seconds !== Math.floor(seconds) ? Math.round(seconds * 1000) + ' ms' : duration(seconds);
  }

  function time(iso) {
    return iso === null || iso === undefined ? null : iso.substring(0, 10) + ' ' + iso.substring(11, 19) + ' UTC';
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function pathSegment(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  }

  function nonEmpty(s) {
    return s !== null && s !== undefined && s !== '';
  }

  // ---- StatusPage -------------------------------------------------------------------------------

  const SUBTASK_COLUMNS = ['Source', 'Worker', 'Stage', 'Unit', 'Progress', 'Speed', 'Behind', 'Binlog gap'];
  const SOURCE_COLUMNS = ['Source', 'Worker', 'Status', 'Relay', 'Master binlog', 'Relay binlog', 'Relay gap'];
  const WORKER_STAGES = ['bound', 'relay', 'free', 'offline'];

  function groups(doc) {
    const g = {subtasks: new Map(), unknown: new Map(), sources: new Map()};
    const add = (map, key, value) => {
      if (!map.has(key)) {
        map.set(key, []);
      }
      map.get(key).push(value);
    };
    doc.snapshot.subtasks.forEach(s => add(g.subtasks, s.task, s));
    doc.snapshot.unknownSubtasks.forEach(u => add(g.unknown, u.task, u));
    doc.snapshot.sources.forEach(s => {
      const key = s.sourceId + '\u0000' + s.worker;
      if (!g.sources.has(key)) {
        g.sources.set(key, s);
      }
    });
    g.source = s => g.sources.get(s.sourceId + '\u0000' + s.worker) || null;
    g.relay = s => (g.source(s) === null ? null : g.source(s).relay);
    return g;
  }

  function overview(doc) {
    const g = groups(doc);
    const tasks = h('section', {id: 'tasks', 'aria-label': 'Tasks'});
    if (doc.snapshot.tasks.length === 0) {
      tasks.append(el('p', 'empty', doc.ready ? 'No task in the last poll of DM.' : 'No poll of DM has finished yet.'));
    }
    doc.snapshot.tasks.forEach(t => tasks.append(taskBlock(t, g)));
    return [cluster(doc), tasks, sources(doc)];
  }

  function taskView(doc, name) {
    const out = [h('nav', {class: 'crumbs'}, h('a', {href: '/'}, '← All tasks'))];
    const task = doc.snapshot.tasks.find(t => t.name === name);
    out.push(task === undefined ? notFound(doc, name) : taskDetail(task, groups(doc)));
    return out;
  }

  function staleText(ageSeconds, staleAfterSeconds) {
    if (ageSeconds === null) {
      return 'Stale: no poll has reached DM yet. Nothing below is current.';
    }
    return 'Stale: the last successful poll of DM was ' + duration(ageSeconds) + ' ago, more than three poll '
        + 'intervals (' + interval(staleAfterSeconds) + '). What you see may no longer be true.';
  }

  // ---- cluster health ---------------------------------------------------------------------------

  function cluster(doc) {
    const s = doc.snapshot;
    const m = s.membership;
    const section = h('section', {id: 'cluster', class: 'cluster', 'aria-label': 'Cluster health'});

    const masters = h('div', {class: 'card'}, el('h2', null, 'DM-masters'));
    if (m === null) {
      masters.append(el('p', 'warn', 'No member list: no DM-master answered'));
    } else {
      masters.append(h('ul', {class: 'members'}, m.masters.map(master => h('li',
          {class: master.alive ? 'member ok' : 'member down'}, master.name,
          master.leader ? [' ', el('span', 'tag', 'leader')] : null,
          master.alive ? null : [' ', el('span', 'tag tag-down', 'down')]))));
      if (!m.masters.some(master => master.leader)) {
        masters.append(el('p', 'warn', 'No leader'));
      }
    }
    section.append(masters);

    const workers = h('div', {class: 'card'}, el('h2', null, 'DM-workers'));
    if (m === null) {
      workers.append(el('p', 'muted', 'Unknown'));
    } else {
      const byStage = new Map(WORKER_STAGES.map(stage => [stage, 0]));
      m.workers.forEach(w => byStage.set(w.stage, (byStage.get(w.stage) || 0) + 1));
      workers.append(h('p', {class: 'counts'},
          [...byStage].map(([stage, n]) => [el('span', 'count count-' + stage, n + ' ' + stage), ' '])));
      const offline = m.workers.filter(w => w.stage === 'offline');
      if (offline.length > 0) {
        workers.append(h('ul', {class: 'members'}, offline.map(w =>
            h('li', {class: 'member down'}, w.name + ' ', el('span', 'tag tag-down', 'offline')))));
      }
    }
    section.append(workers);

    const targets = h('div', {class: 'card'}, el('h2', null, 'Polled endpoints'));
    const up = s.targets.filter(t => t.up).length;
    if (s.targets.length === 0) {
      targets.append(el('p', 'muted', 'None polled yet'));
    } else {
      targets.append(h('p', {class: 'big'}, el('span', up === s.targets.length ? 'ok' : 'bad', up + '/' + s.targets.length),
          ' up'));
      const down = s.targets.filter(t => !t.up);
      if (down.length > 0) {
        targets.append(h('ul', {class: 'members'}, down.map(t => h('li', {class: 'member down'}, t.address + ' ',
            el('span', 'tag', t.role),
            t.error === null ? null : [' ', el('span', 'reason', t.error + (nonEmpty(t.message) ? ': ' + t.message : ''))]))));
      }
    }
    section.append(targets);

    const poll = h('div', {class: 'card'}, el('h2', null, 'Last successful poll'));
    if (s.lastSuccess === null) {
      poll.append(el('p', 'big bad', 'never'));
    } else {
      poll.append(h('p', {class: 'big'}, h('span', {class: 'live age', 'data-since': s.lastSuccess},
          duration(doc.lastSuccessAgeSeconds) + ' ago')));
      poll.append(h('p', {class: 'muted'}, h('time', {class: 'live', datetime: s.lastSuccess}, time(s.lastSuccess))));
    }
    poll.append(h('p', {class: 'muted'}, 'polled every ' + interval(doc.pollIntervalSeconds) + ' · last cycle took ',
        el('span', 'live', Math.round(s.durationSeconds * 1000) + ' ms')));
    section.append(poll);
    return section;
  }

  // ---- tasks on the overview ----------------------------------------------------------------------

  function statusClass(status) {
    return 'status-' + (status === null ? 'unknown' : status.toLowerCase());
  }

  function statusHead(t, headingTag, link) {
    const meta = [plural(t.subtasks, 'subtask') + ' read'];
    if (t.unknownSubtasks > 0) {
      meta.push(t.unknownSubtasks + ' could not be read');
    }
    if (t.errorReasons.length > 0) {
      meta.push('error reasons: ' + t.errorReasons.join(', '));
    }
    return [
      h('header', {class: 'task-head'},
          h(headingTag, {class: 'task-name'}, link ? h('a', {href: '/tasks/' + pathSegment(t.name)}, t.name) : t.name),
          el('span', 'status ' + statusClass(t.status), t.statusText === null ? 'Unknown' : t.statusText)),
      el('p', 'task-meta', meta.join(' · ')),
    ];
  }

  function taskBlock(t, g) {
    const table = h('table', {class: 'subtasks'}, h('thead', {}, h('tr', {}, SUBTASK_COLUMNS.map(c => el('th', null, c)))));
    (g.subtasks.get(t.name) || []).forEach(s => table.append(subtaskRow(s, g.relay(s))));
    (g.unknown.get(t.name) || []).forEach(u => table.append(h('tbody', {class: 'subtask unknown', 'data-source': u.sourceId},
        h('tr', {},
            cell('Source', u.sourceId),
            cell('Worker', u.worker === '' ? '—' : u.worker),
            cell('Stage', el('span', 'stage stage-unknown', 'Unknown')),
            h('td', {class: 'reason', colspan: '5'}, 'Status could not be read: ' + u.reason)))));
    return h('article', {class: 'task ' + statusClass(t.status), 'data-task': t.name},
        statusHead(t, 'h2', true), h('div', {class: 'table-wrap'}, table));
  }

  function cell(label, ...content) {
    return h('td', {'data-label': label}, content);
  }

  function stage(s) {
    return el('span', 'stage stage-' + (s === null ? 'invalid' : s.toLowerCase()), s === null ? 'Invalid' : s);
  }

  function subtaskRow(s, relay) {
    const sync = s.sync;
    let progressCell = null;
    if (s.dump !== null) {
      const d = s.dump;
      progressCell = progress(d.progressRatio, d.progress,
          d.totalTables === null ? null : count(d.completedTables) + '/' + count(d.totalTables) + ' tables');
    } else if (s.load !== null) {
      const l = s.load;
      progressCell = progress(l.progressRatio, l.progress,
          l.finishedBytes === null || l.totalBytes === null ? null : bytes(l.finishedBytes) + ' of ' + bytes(l.totalBytes));
    } else if (sync !== null) {
      progressCell = el('span', sync.synced ? 'synced ok' : 'synced warn', sync.synced ? 'Synced' : 'Not synced');
    }
    const bps = s.dump !== null ? s.dump.bytesPerSecond : s.load !== null ? s.load.bytesPerSecond : null;
    const tbody = h('tbody', {class: 'subtask', 'data-source': s.sourceId}, h('tr', {},
        cell('Source', s.sourceId),
        cell('Worker', s.worker),
        cell('Stage', stage(s.stage)),
        cell('Unit', s.unit === null ? '—' : s.unit),
        cell('Progress', progressCell),
        cell('Speed', sync !== null ? (sync.recentRowsPerSecond === null ? null : count(sync.recentRowsPerSecond) + ' rows/s')
            : bps === null ? null : bytes(bps) + '/s'),
        cell('Behind', sync === null ? null : duration(sync.secondsBehindMaster)),
        cell('Binlog gap', sync === null ? null : gap(sync.binlogGap, 'master ' + sync.masterBinlog + ' − syncer ' + sync.syncerBinlog))));
    const notes = subtaskNotes(s, relay);
    if (notes.length > 0) {
      tbody.append(h('tr', {class: 'notes'}, h('td', {colspan: String(SUBTASK_COLUMNS.length)}, notes)));
    }
    return tbody;
  }

  function progress(ratio, dmProgress, detail) {
    const out = [];
    if (ratio === null) {
      out.push(el('span', 'muted', nonEmpty(dmProgress) ? dmProgress : 'no progress reported'));
    } else {
      const percent = fixed(ratio * 100, 2);
      out.push(h('div', {class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
        'aria-valuenow': percent}, h('div', {class: 'bar', 'data-percent': percent})));
      out.push(el('span', 'progress-text', percent + ' %'));
    }
    if (detail !== null) {
      out.push(el('span', 'progress-detail', detail));
    }
    return out;
  }

  function gap(g, title) {
    let text;
    if (g === null) {
      text = 'unknown';
    } else if (g.files !== 0) {
      text = plural(g.files, 'file');
    } else {
      text = g.bytes === 0 ? 'none' : bytes(g.bytes);
    }
    return h('span', {class: g === null ? 'gap muted' : 'gap', title: title}, text);
  }

  function subtaskNotes(s, relay) {
    const out = [];
    if (s.stage === 'Paused' && s.result.canceled && s.result.errors.length === 0) {
      out.push(el('p', 'note', 'Paused by an operator (pause-task)'));
    }
    if (nonEmpty(s.unresolvedDdlLockId)) {
      out.push(h('p', {class: 'note note-warn'}, 'DDL lock ', el('code', null, s.unresolvedDdlLockId)));
    }
    const sync = s.sync;
    if (sync !== null) {
      sync.blockingDdls.forEach(ddl => out.push(h('p', {class: 'note note-warn'}, 'Blocking DDL ', el('code', null, ddl))));
      if (sync.unresolvedGroups.length > 0) {
        out.push(el('p', 'note note-warn', plural(sync.unresolvedGroups.length, 'unresolved sharding group')));
      }
      if (nonEmpty(sync.conflictMessage)) {
        out.push(el('p', 'note note-bad', 'Shard DDL conflict: ' + sync.conflictMessage));
      }
      if (relay !== null && relay.stage !== 'Running') {
        out.push(el('p', 'note note-bad', 'Relay ' + (relay.stage === null ? 'Invalid' : relay.stage)));
      }
    }
    const v = s.validation;
    if (v !== null) {
      const parts = ['Validation ' + (v.stage === null ? 'Invalid' : v.stage) + (nonEmpty(v.mode) ? ' (' + v.mode + ')' : '')];
      if (v.processedRows !== null) {
        parts.push('processed ' + rows(v.processedRows));
      }
      if (v.pendingRows !== null) {
        parts.push('pending ' + rows(v.pendingRows));
      }
      if (v.errorRows !== null) {
        parts.push('error rows ' + count(v.errorRows.newRows) + ' new, ' + count(v.errorRows.ignored) + ' ignored, '
            + count(v.errorRows.resolved) + ' resolved');
      }
      out.push(el('p', v.errorRows !== null && v.errorRows.newRows > 0 ? 'note note-warn' : 'note', parts.join(' · ')));
    }
    out.push(errors(s.result));
    if (v !== null) {
      out.push(errors(v.result));
    }
    return out.flat();
  }

  function rows(r) {
    return count(r.insert) + '/' + count(r.update) + '/' + count(r.delete) + ' ins/upd/del';
  }

  function errors(result) {
    return result.errors.map(e => {
      const meta = [e.errClass, e.scope, e.level].filter(nonEmpty);
      return h('div', {class: 'error-box'},
          h('p', {class: 'error-head'}, el('span', 'error-code', String(e.code)), ' ', el('span', 'error-meta', meta.join(' · '))),
          nonEmpty(e.message) ? el('p', 'error-message', e.message) : null,
          nonEmpty(e.rawCause) ? h('p', {class: 'error-raw'}, el('span', 'label', 'Raw cause'), ' ', el('code', null, e.rawCause)) : null,
          nonEmpty(e.workaround) ? h('p', {class: 'error-workaround'}, el('span', 'label', 'Workaround'), ' ' + e.workaround) : null);
    });
  }

  // ---- sources ------------------------------------------------------------------------------------

  function sources(doc) {
    const section = h('section', {id: 'sources', 'aria-label': 'Sources and relay'}, el('h2', null, 'Sources and relay'));
    const list = doc.snapshot.sources;
    if (list.length === 0) {
      section.append(el('p', 'empty', 'No source in the last poll of DM.'));
    } else {
      section.append(h('div', {class: 'table-wrap'}, h('table', {class: 'sources'},
          h('thead', {}, h('tr', {}, SOURCE_COLUMNS.map(c => el('th', null, c)))), list.map(sourceRow))));
    }
    return section;
  }

  function sourceRow(s) {
    const r = s.relay;
    const tbody = h('tbody', {class: 'source', 'data-source': s.sourceId}, h('tr', {},
        cell('Source', s.sourceId),
        cell('Worker', s.worker === '' ? '—' : s.worker),
        cell('Status', el('span', s.up ? 'ok' : 'bad', s.up ? 'readable' : 'unreadable')),
        cell('Relay', r === null ? el('span', 'muted', 'disabled')
            : [stage(r.stage), ' ', el('span', 'muted', r.catchUpMaster ? 'caught up' : 'catching up')]),
        cell('Master binlog', r === null ? null : r.masterBinlog),
        cell('Relay binlog', r === null ? null : r.relayBinlog),
        cell('Relay gap', r === null ? null : gap(r.binlogGap, 'master ' + r.masterBinlog + ' − relay ' + r.relayBinlog))));
    const notes = [];
    if (!s.up) {
      notes.push(el('p', 'note note-bad', 'Status could not be read: ' + s.error));
    }
    notes.push(...errors(s.result));
    if (r !== null) {
      notes.push(...errors(r.result));
    }
    if (notes.length > 0) {
      tbody.append(h('tr', {class: 'notes'}, h('td', {colspan: String(SOURCE_COLUMNS.length)}, notes)));
    }
    return tbody;
  }

  // ---- one task -----------------------------------------------------------------------------------

  function notFound(doc, name) {
    const section = h('section', {class: 'not-found'});
    if (name === null) {
      section.append(el('h1', null, 'Not a task name'),
          el('p', null, 'The address does not hold a valid URL-encoded task name.'));
    } else {
      section.append(el('h1', null, 'No task named “' + name + '”'), el('p', null, doc.ready
        ? 'The last poll of DM reported no task of that name: it may have been stopped and removed, or the name differs.'
        : 'No poll of DM has finished yet; this page shows the task once DM reports it.'));
    }
    const tasks = doc.snapshot.tasks;
    if (tasks.length > 0) {
      section.append(h('p', {}, 'Tasks now: ',
          tasks.map((t, i) => [i > 0 ? ', ' : null, h('a', {href: '/tasks/' + pathSegment(t.name)}, t.name)])));
    }
    return section;
  }

  function taskDetail(t, g) {
    const article = h('article', {class: 'task-detail ' + statusClass(t.status), 'data-task': t.name}, statusHead(t, 'h1', false));
    (g.subtasks.get(t.name) || []).forEach(s => article.append(subtaskDetail(s, g.source(s))));
    (g.unknown.get(t.name) || []).forEach(u => article.append(h('section',
        {class: 'subtask-detail unknown', 'data-source': u.sourceId},
        h('h2', {}, u.sourceId, u.worker === '' ? null : [' ', el('span', 'muted', 'on ' + u.worker)], ' ',
            el('span', 'stage stage-unknown', 'Unknown')),
        el('p', 'note note-bad', 'Status could not be read: ' + u.reason))));
    return article;
  }

  /** StatusPage.Fields: DM's field names and values as a definition list. */
  function fields() {
    const list = [];
    const f = {
      add(name, value) {
        list.push([name, value === null || value === undefined ? null : String(value), 'text']);
        return f;
      },
      code(name, value) {
        list.push([name, value === undefined ? null : value, 'code']);
        return f;
      },
      size(name, value) {
        return f.bytes(name, value, '');
      },
      rate(name, value) {
        return f.bytes(name, value, '/s');
      },
      bytes(name, value, per) {
        return f.add(name, value === null ? null : count(value) + ' B' + per
            + (value >= 1024 ? ' (' + bytes(value) + per + ')' : ''));
      },
      node() {
        return h('dl', {class: 'fields'}, list.map(([name, value, kind]) => [el('dt', null, name),
          value === null ? el('dd', 'muted', 'not reported')
            : value === '' ? el('dd', 'muted', '(empty)')
              : kind === 'code' ? h('dd', {}, el('code', null, value)) : el('dd', null, value)]));
      },
    };
    return f;
  }

  function gapText(g) {
    if (g === null) {
      return null;
    }
    return g.bytes === null ? plural(g.files, 'file') : plural(g.files, 'file') + ', ' + count(g.bytes) + ' bytes';
  }

  function subtaskDetail(s, source) {
    const section = h('section', {class: 'subtask-detail', 'data-source': s.sourceId},
        h('h2', {}, s.sourceId, ' ', el('span', 'muted', 'on ' + s.worker), ' ', stage(s.stage), ' ',
            el('span', 'unit', s.unit === null ? '—' : s.unit)),
        subtaskNotes(s, source === null ? null : source.relay),
        fields().add('stage', s.stage).add('unit', s.unit).add('worker', s.worker)
            .add('isCanceled', s.result.canceled).code('unresolvedDDLLockID', s.unresolvedDdlLockId).node());
    if (s.dump !== null) {
      const d = s.dump;
      section.append(el('h3', null, 'Dump'), fields().add('totalTables', count(d.totalTables))
          .add('completedTables', count(d.completedTables)).size('finishedBytes', d.finishedBytes)
          .add('finishedRows', count(d.finishedRows)).add('estimateTotalRows', count(d.estimatedTotalRows))
          .add('progress', d.progress).rate('bps', d.bytesPerSecond).node());
    }
    if (s.load !== null) {
      const l = s.load;
      section.append(el('h3', null, 'Load'), fields().size('finishedBytes', l.finishedBytes).size('totalBytes', l.totalBytes)
          .add('progress', l.progress).rate('bps', l.bytesPerSecond).code('metaBinlog', l.metaBinlog).node());
    }
    if (s.sync !== null) {
      section.append(...syncDetail(s.sync));
    }
    if (s.validation !== null) {
      const v = s.validation;
      section.append(el('h3', null, 'Validation'), fields().add('stage', v.stage).add('mode', v.mode)
          .add('processedRowsStatus', v.processedRows === null ? null : rows(v.processedRows))
          .add('pendingRowsStatus', v.pendingRows === null ? null : rows(v.pendingRows))
          .add('errorRowsStatus', v.errorRows === null ? null : count(v.errorRows.newRows) + ' new, '
              + count(v.errorRows.ignored) + ' ignored, ' + count(v.errorRows.resolved) + ' resolved')
          .code('validatorBinlog', v.validatorBinlog).code('cutoverBinlogPos', v.cutoverBinlogPosition).node());
    }
    if (source !== null && source.relay !== null) {
      const r = source.relay;
      section.append(el('h3', null, 'Relay of ' + s.sourceId), fields().add('stage', r.stage)
          .add('relayCatchUpMaster', r.catchUpMaster).code('masterBinlog', r.masterBinlog)
          .code('masterBinlogGtid', r.masterBinlogGtid).code('relayBinlog', r.relayBinlog)
          .code('relayBinlogGtid', r.relayBinlogGtid).add('gap master − relay', gapText(r.binlogGap))
          .code('relaySubDir', r.relaySubDir).node(), ...errors(r.result));
    }
    if (source !== null) {
      section.append(...errors(source.result));
    }
    return section;
  }

  function syncDetail(y) {
    const out = [el('h3', null, 'Sync'), fields().add('totalRows', count(y.totalRows)).add('totalRps', count(y.totalRowsPerSecond))
        .add('recentRps', count(y.recentRowsPerSecond))
        .add('rows from', y.legacyCounters ? 'event counters (DM before v6.4)' : 'row counters')
        .code('masterBinlog', y.masterBinlog).code('masterBinlogGtid', y.masterBinlogGtid)
        .code('syncerBinlog', y.syncerBinlog).code('syncerBinlogGtid', y.syncerBinlogGtid)
        .add('gap master − syncer', gapText(y.binlogGap)).add('synced', y.synced)
        .add('secondsBehindMaster', count(y.secondsBehindMaster)).code('blockDDLOwner', y.blockDdlOwner)
        .add('conflictMsg', y.conflictMessage).size('totalBytes (downstream I/O)', y.ioTotalBytes)
        .size('dumpIOTotalBytes (upstream I/O)', y.dumpIoTotalBytes).node()];
    if (y.blockingDdls.length > 0) {
      out.push(el('h4', null, 'blockingDDLs'));
      y.blockingDdls.forEach(ddl => out.push(h('pre', {}, el('code', null, ddl))));
    }
    y.unresolvedGroups.forEach(sg => out.push(el('h4', null, 'Unresolved sharding group ' + sg.target),
        fields().code('target', sg.target).code('firstPos', sg.firstLocation).code('DDLs', sg.ddls.join('\n'))
            .add('synced', sg.synced.join(', ')).add('unsynced', sg.unsynced.join(', ')).node()));
    return out;
  }

  // ---- refreshing -----------------------------------------------------------------------------------

  /** Progress bars get their width here: a style attribute in the markup would need 'unsafe-inline'. */
  function applyBars(root) {
    root.querySelectorAll('.bar[data-percent]').forEach(bar => {
      bar.style.width = Math.min(100, Math.max(0, parseFloat(bar.dataset.percent) || 0)) + '%';
    });
  }

  /** The markup with what changes every poll (ages, times, cycle duration) left out. */
  function settled(root) {
    const copy = root.cloneNode(true);
    copy.querySelectorAll('.live').forEach(e => {
      e.textContent = '';
      e.removeAttribute('data-since');
      e.removeAttribute('datetime');
    });
    return copy.innerHTML;
  }

  function nowOnServer() {
    return Date.now() + state.skew;
  }

  function ageSeconds() {
    return state.lastSuccess === null ? null : (nowOnServer() - Date.parse(state.lastSuccess)) / 1000;
  }

  function tick() {
    document.querySelectorAll('.age[data-since]').forEach(e => {
      e.textContent = duration((nowOnServer() - Date.parse(e.dataset.since)) / 1000) + ' ago';
    });
    const age = ageSeconds();
    const stale = state.ready && (state.stale || age === null || age > state.staleAfter);
    const banner = document.getElementById('banner-stale');
    banner.hidden = !stale;
    banner.textContent = staleText(age, state.staleAfter);
    const down = document.getElementById('banner-unreachable');
    down.hidden = state.failingSince === null;
    if (state.failingSince !== null) {
      down.textContent = 'Exporter unreachable since ' + time(state.failingSince.toISOString()) + ' ('
          + state.failure + '): the page shows what it last received.';
    }
  }

  /**
   * A cycle that reached no DM endpoint knows nothing of tasks or sources (its snapshot's time is
   * then not its last success). A page that saw them keeps showing them from the last cycle that
   * did, dimmed (and under the stale banner after three intervals), with the current cluster health.
   */
  function held(doc) {
    const now = doc.snapshot;
    if (now.lastSuccess !== null && now.lastSuccess === now.time) {
      state.lastReached = doc;
      return null;
    }
    if (state.lastReached === null) {
      return null;
    }
    return Object.assign({}, doc, {snapshot: Object.assign({}, state.lastReached.snapshot, {time: now.time,
      durationSeconds: now.durationSeconds, lastSuccess: now.lastSuccess, membership: now.membership,
      targets: now.targets})});
  }

  function render(doc) {
    state.interval = doc.pollIntervalSeconds;
    state.staleAfter = doc.staleAfterSeconds;
    state.skew = Date.parse(doc.now) - Date.now();
    state.lastSuccess = doc.snapshot.lastSuccess;
    state.stale = doc.stale;
    state.ready = doc.ready;
    const content = document.getElementById('content');
    const fresh = document.createElement('main');
    const last = held(doc);
    fresh.append(...(state.view === 'task' ? taskView(last || doc, state.task) : overview(last || doc)));
    if (last !== null) {
      fresh.querySelectorAll('#tasks, #sources, .task-detail').forEach(e => e.classList.add('held'));
    }
    applyBars(fresh);
    if (settled(fresh) === settled(content)) {
      // Nothing but the clock moved: update the live bits, keep the reader's selection and focus.
      const now = content.querySelectorAll('.live');
      fresh.querySelectorAll('.live').forEach((e, i) => now[i].replaceWith(e));
    } else {
      content.replaceChildren(...fresh.childNodes);
      state.replaced++;
      body.dataset.replaced = String(state.replaced);
    }
    document.getElementById('banner-waiting').hidden = doc.ready;
    state.refreshes++;
    body.dataset.refreshes = String(state.refreshes);
    document.getElementById('refresh-note').textContent = 'updated ' + time(doc.now);
  }

  async function refresh() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(2, state.interval) * 2000);
    try {
      const response = await fetch('/api/v1/status', {cache: 'no-store', signal: abort.signal,
        headers: {Accept: 'application/json'}});
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      render(await response.json());
      state.failingSince = null;
    } catch (e) {
      if (state.failingSince === null) {
        state.failingSince = new Date();
      }
      state.failure = e.name === 'AbortError' ? 'no answer' : e.message;
    } finally {
      clearTimeout(timer);
      tick();
      setTimeout(refresh, Math.max(0.5, state.interval) * 1000);
    }
  }

  applyBars(document);
  tick();
  setInterval(tick, 1000);
  setTimeout(refresh, Math.max(0.5, state.interval) * 1000);
})();
