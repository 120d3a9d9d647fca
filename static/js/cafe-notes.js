/* Offline-safe note capture for the café tablet (no dependencies).
 *
 * A note is written to localStorage first (queue + last known state of every note), then
 * sent in the background, one at a time and in order, as JSON with a UUID made here; the
 * server stores each UUID once, and an edit is the same UUID with the version it was based
 * on. The queue survives reloads, drains on the "online" event and on a timer (not while
 * the browser reports itself offline), and a service worker keeps the page so that it
 * reloads without network.
 *
 * The queue is started before anything is drawn, and every note is drawn on its own: a
 * note that cannot be shown never stops the sending. A failure is shown in the header,
 * never "All saved". Without this script the plain form posts each note directly.
 */
(function () {
  "use strict";
  var root = document.getElementById("cafe-tablet");
  var statusEl = document.getElementById("sync-status");
  var detailEl = document.getElementById("sync-detail");
  if (!root || !statusEl || !detailEl) return;

  var config = null;
  try {
    config = JSON.parse(root.getAttribute("data-config"));
  } catch (e) {
    config = null;
  }
  if (!config || !window.fetch || !storageWorks()) return; // the plain form posts notes

  var text = config.text;
  var form = document.getElementById("note-form");
  var list = document.getElementById("note-list");
  var QUEUE_KEY = "cafe-queue:" + config.tableId;
  var NOTES_KEY = "cafe-notes:" + config.tableId;
  var CACHE = "cafe-tablet-v1";
  /* what the server reads; anything else in a stored operation stays on the tablet */
  var SENT_KEYS = ["uuid", "round_id", "kind", "text", "votes", "area_ids", "created_ms",
                   "edited_ms", "base_version"];
  var sending = false;
  var needsSignIn = false;
  var broken = false; // something could not be shown: the header says so
  var queue = load(QUEUE_KEY, []);
  var notes = load(NOTES_KEY, {});
  if (!Array.isArray(queue)) queue = [];
  if (!notes || typeof notes !== "object" || Array.isArray(notes)) notes = {};

  statusEl.textContent = text.starting;

  function storageWorks() {
    try {
      localStorage.setItem("cafe-probe", "1");
      localStorage.removeItem("cafe-probe");
      return true;
    } catch (e) {
      return false;
    }
  }

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function persist() {
    localStorage.setItem(NOTES_KEY, JSON.stringify(notes));
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  }

  /* Run ``fn``; if it throws, the header reports it and the caller goes on. */
  function guarded(fn) {
    return function () {
      try {
        return fn.apply(this, arguments);
      } catch (error) {
        broken = true;
        showStatusSafely();
        return undefined;
      }
    };
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function queued(uuid) {
    return queue.some(function (op) { return op.uuid === uuid; });
  }

  function failedCount() {
    return Object.keys(notes).filter(function (uuid) {
      return notes[uuid] && notes[uuid].error && !queued(uuid);
    }).length;
  }

  /* ---- status ---- */

  function showStatus() {
    var waiting = queue.length;
    var failed = failedCount();
    var message;
    if (waiting) message = waiting === 1 ? text.waitingOne : text.waitingMany.replace("{n}", waiting);
    else if (failed) message = failed === 1 ? text.failedOne : text.failedMany.replace("{n}", failed);
    else message = text.saved;
    if (broken) message = text.broken + " " + (waiting ? message : "");
    if (statusEl.textContent !== message.trim()) statusEl.textContent = message.trim();
    statusEl.classList.toggle("sync-ok", !waiting && !failed && !broken);
    statusEl.classList.toggle("sync-waiting", waiting > 0 && !broken);
    statusEl.classList.toggle("sync-error", (failed > 0 && !waiting) || broken);
    if (needsSignIn && waiting) say(text.signIn);
    else if (!navigator.onLine && waiting) say(text.offline);
    else if (detailEl.textContent === text.offline || detailEl.textContent === text.signIn) say("");
  }

  function showStatusSafely() {
    try {
      showStatus();
    } catch (e) {
      statusEl.textContent = text.broken;
    }
  }

  function say(message) {
    if (detailEl.textContent !== (message || "")) detailEl.textContent = message || "";
  }

  /* ---- showing notes: every note has the same parts, made here when missing ---- */

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function part(parent, className, tag, before) {
    var node = parent.querySelector("." + className);
    if (!node) {
      node = el(tag, className);
      parent.insertBefore(node, before || null);
    }
    return node;
  }

  function votesText(n) {
    return n === 1 ? text.voteOne : text.voteMany.replace("{n}", n);
  }

  function build(note) {
    var li = el("li", "note");
    li.id = "note-" + note.uuid;
    if (config.editable) {
      var actions = el("div", "note-actions");
      var edit = el("button", "button secondary edit-note", text.edit);
      edit.type = "button";
      actions.appendChild(edit);
      li.appendChild(actions);
    }
    return li;
  }

  function areaLabel(id) {
    var input = form && form.querySelector('input[name="areas"][value="' + Number(id) + '"]');
    var label = input && input.closest("label");
    return label ? label.textContent.trim() : null;
  }

  function fill(li, note) {
    var actions = li.querySelector(".note-actions");
    li.className = "note note-" + note.kind;
    li.setAttribute("data-uuid", note.uuid);
    li.setAttribute("data-version", note.version || 0);
    li.setAttribute("data-created-ms", note.created_ms);
    li.setAttribute("data-round-id", note.round_id);
    li.setAttribute("data-kind", note.kind);
    li.setAttribute("data-votes", note.votes || 0);
    li.setAttribute("data-edited-ms", note.edited_ms);
    li.setAttribute("data-area-ids", (note.area_ids || []).join(","));
    var head = part(li, "note-head", "p", li.firstChild);
    part(head, "kind-badge", "span").className = "badge kind-badge";
    head.querySelector(".kind-badge").textContent = config.kinds[note.kind] || note.kind;
    var votes = part(head, "votes", "span");
    votes.textContent = note.kind === "idea" ? votesText(note.votes || 0) : "";
    votes.hidden = note.kind !== "idea";
    var state = part(head, "note-state", "span");
    part(li, "note-text", "p", head.nextSibling).textContent = note.text;
    var areas = part(li, "note-areas", "p", actions);
    areas.textContent = "";
    (note.area_ids || []).forEach(function (id) {
      var label = areaLabel(id);
      if (label) {
        areas.appendChild(el("span", "badge", label));
        areas.appendChild(document.createTextNode(" "));
      }
    });
    areas.hidden = !areas.childNodes.length;
    var old = li.querySelector(".conflict");
    if (old) old.remove();
    if (note.conflict_texts && note.conflict_texts.length) {
      var box = el("div", "conflict");
      box.setAttribute("role", "note");
      box.appendChild(el("p", "", text.conflict));
      note.conflict_texts.forEach(function (t) { box.appendChild(el("blockquote", "", t)); });
      li.insertBefore(box, actions);
    }
    var pending = queued(note.uuid);
    li.classList.toggle("pending", pending);
    li.classList.toggle("failed", !!note.error && !pending);
    state.textContent = pending ? text.pending : note.error ? text.failed + " " + note.error : "";
  }

  function render(note) {
    if (!list || !note || !note.uuid) return;
    var li = document.getElementById("note-" + note.uuid);
    if (note.round_id !== config.roundId || note.deleted) {
      if (li) li.remove();
      return;
    }
    if (!li) {
      li = build(note);
      var after = Array.prototype.find.call(list.children, function (other) {
        return Number(other.getAttribute("data-created-ms")) > note.created_ms;
      });
      list.insertBefore(li, after || null);
    }
    fill(li, note);
  }

  function renderAll() {
    Object.keys(notes).forEach(function (uuid) { guarded(render)(notes[uuid]); });
    if (!list) return;
    var empty = document.getElementById("no-notes");
    if (empty) empty.hidden = list.children.length > 0;
    var tab = document.querySelector(".round-tabs [aria-current] .tab-number");
    if (tab) tab.textContent = list.children.length;
  }

  function fromDom(li) {
    var areas = li.getAttribute("data-area-ids");
    var textEl = li.querySelector(".note-text");
    return {
      uuid: li.getAttribute("data-uuid"),
      round_id: Number(li.getAttribute("data-round-id")),
      kind: li.getAttribute("data-kind"),
      text: textEl ? textEl.textContent : "",
      votes: Number(li.getAttribute("data-votes")) || 0,
      area_ids: areas ? areas.split(",").map(Number) : [],
      version: Number(li.getAttribute("data-version")) || 0,
      created_ms: Number(li.getAttribute("data-created-ms")),
      edited_ms: Number(li.getAttribute("data-edited-ms")),
      conflict_texts: Array.prototype.map.call(
        li.querySelectorAll(".conflict blockquote"), function (q) { return q.textContent; })
    };
  }

  /* The page may come from the service worker's cache; notes the server rendered are
     merged with the ones this tablet knows, the newer version winning. */
  function mergeServerNotes() {
    if (!list) return;
    Array.prototype.forEach.call(list.querySelectorAll("li.note"), function (li) {
      var server = fromDom(li);
      if (!server.uuid) return;
      var known = notes[server.uuid];
      if (!known || (!queued(server.uuid) && server.version >= (known.version || 0))) {
        notes[server.uuid] = server;
      } else {
        known.version = Math.max(known.version || 0, server.version);
      }
    });
  }

  /* ---- sending ---- */

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function refreshToken() {
    return fetch(config.csrfUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (resp.redirected || !resp.ok) { needsSignIn = true; return; }
        return resp.json().then(function (body) {
          var meta = document.querySelector('meta[name="csrf-token"]');
          if (meta) meta.setAttribute("content", body.csrf_token);
        });
      }).catch(function () {});
  }

  function body(op) {
    var sent = {};
    SENT_KEYS.forEach(function (key) { if (op[key] !== undefined) sent[key] = op[key]; });
    return JSON.stringify(sent);
  }

  /* null: try again later; {ok, body}: the server's answer */
  function post(op) {
    return fetch(config.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": csrfToken() },
      body: body(op)
    }).then(function (resp) {
      var isJson = (resp.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (resp.redirected || !isJson) {
        // a sign-in page or an expired form token: keep the note and try again later
        if (resp.redirected) needsSignIn = true;
        return refreshToken().then(function () { return null; });
      }
      if (resp.status >= 500 || resp.status === 429) return null;
      return resp.json().then(function (answer) { return { ok: resp.ok, body: answer || {} }; });
    }).catch(function () { return null; });
  }

  function acknowledge(op, result) {
    queue = load(QUEUE_KEY, queue);
    notes = load(NOTES_KEY, notes);
    var index = queue.findIndex(function (q) { return q.uuid === op.uuid; });
    var current = index >= 0 ? queue[index] : null;
    var answer = result.body;
    if (!result.ok) {
      // refused (a closed café, a note the server cannot read): kept here with the reason
      if (current && current.edited_ms === op.edited_ms) queue.splice(index, 1);
      var kept = notes[op.uuid] || Object.assign({}, op);
      kept.error = answer.error || text.unknownError;
      notes[op.uuid] = kept;
      say(text.failed + " " + kept.error);
    } else if (current && current.edited_ms !== op.edited_ms) {
      // edited again while this was on its way: the queued edit builds on the new version
      current.base_version = answer.note.version;
      if (notes[op.uuid]) notes[op.uuid].version = answer.note.version;
    } else {
      if (current) queue.splice(index, 1);
      notes[op.uuid] = answer.note;
      if (answer.conflict) say(text.conflict);
      else if (answer.message) say(answer.message);
    }
    needsSignIn = false;
    persist();
    guarded(render)(notes[op.uuid]);
  }

  function drain() {
    queue = load(QUEUE_KEY, queue);
    // a browser that knows it has no network is not asked to try (the "online" event and
    // the timer try again); a browser that thinks it is online may still fail, and retries
    if (sending || !queue.length || navigator.onLine === false) { showStatusSafely(); return; }
    sending = true;
    var op = queue[0];
    post(op).then(function (result) {
      sending = false;
      if (result) {
        guarded(acknowledge)(op, result);
        drain();
      } else {
        showStatusSafely();
      }
    }, function () {
      sending = false;
      showStatusSafely();
    });
  }

  /* ---- writing and editing ---- */

  function readForm() {
    var kind = form.querySelector('input[name="kind"]:checked');
    var areas = form.querySelectorAll('input[name="areas"]:checked');
    return {
      kind: kind ? kind.value : "observation",
      text: form.elements.text.value.trim(),
      votes: parseInt(form.elements.votes.value, 10) || 0,
      area_ids: Array.prototype.map.call(areas, function (a) { return Number(a.value); })
    };
  }

  function hidden(name, value) {
    if (form.elements[name]) form.elements[name].value = value;
  }

  function enqueue(fields) {
    var now = Date.now();
    // a new note gets a new UUID here: the page (and its hidden field) may be an old copy
    // from the service worker's cache, whose UUID was used already
    var uuid = form.getAttribute("data-editing") || newUuid();
    var base = notes[uuid];
    var note = {
      uuid: uuid,
      round_id: base ? base.round_id : config.roundId,
      kind: fields.kind,
      text: fields.text,
      votes: fields.kind === "idea" ? Math.min(Math.max(fields.votes, 0), 999) : 0,
      area_ids: fields.area_ids,
      created_ms: base ? base.created_ms : now,
      edited_ms: Math.max(now, base ? base.edited_ms + 1 : 0),
      version: base ? base.version || 0 : 0,
      conflict_texts: base ? base.conflict_texts : []
    };
    var op = {
      uuid: note.uuid, round_id: note.round_id, kind: note.kind, text: note.text,
      votes: note.votes, area_ids: note.area_ids, created_ms: note.created_ms,
      edited_ms: note.edited_ms, base_version: note.version
    };
    var index = queue.findIndex(function (q) { return q.uuid === uuid; });
    if (index >= 0) {
      op.base_version = queue[index].base_version;
      queue[index] = op;
    } else {
      queue.push(op);
    }
    notes[uuid] = note;
    persist();
    guarded(render)(note);
  }

  function startEdit(uuid) {
    var note = notes[uuid];
    if (!note || !form) return false;
    form.setAttribute("data-editing", uuid);
    // the plain form, should it be used, edits the same note too
    hidden("uuid", uuid);
    hidden("base_version", note.version || 0);
    hidden("round_id", note.round_id);
    var kind = form.querySelector('input[name="kind"][value="' + note.kind + '"]');
    if (kind) kind.checked = true;
    form.elements.text.value = note.text;
    form.elements.votes.value = note.votes || 0;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="areas"]'), function (box) {
      box.checked = (note.area_ids || []).indexOf(Number(box.value)) >= 0;
    });
    var banner = document.getElementById("edit-banner");
    banner.textContent = text.editing;
    banner.hidden = false;
    document.getElementById("note-submit").textContent = text.saveChanges;
    document.getElementById("note-cancel").hidden = false;
    form.scrollIntoView();
    form.elements.text.focus();
    return true;
  }

  function endEdit() {
    form.removeAttribute("data-editing");
    form.reset();
    hidden("uuid", newUuid()); // the next note is a new one, by either path
    hidden("base_version", 0);
    hidden("round_id", config.roundId);
    document.getElementById("edit-banner").hidden = true;
    document.getElementById("note-submit").textContent = text.saveNote;
    document.getElementById("note-cancel").hidden = true;
  }

  function onSubmit(event) {
    var fields = readForm();
    if (!fields.text) return; // the server explains what is missing
    try {
      enqueue(fields);
    } catch (e) {
      return; // storage full or blocked: the plain form sends the note instead
    }
    event.preventDefault();
    guarded(endEdit)();
    form.elements.text.focus();
    renderAll();
    showStatusSafely();
    drain();
  }

  function onListClick(event) {
    var button = event.target.closest(".edit-note");
    if (!button) return;
    var li = button.closest("li.note");
    if (li && startEdit(li.getAttribute("data-uuid"))) event.preventDefault();
  }

  function onStorage(event) {
    if (event.key === QUEUE_KEY || event.key === NOTES_KEY) {
      queue = load(QUEUE_KEY, []);
      notes = load(NOTES_KEY, {});
      renderAll();
      showStatusSafely();
    }
  }

  function keepPageForOffline() {
    if (!navigator.onLine || !window.caches) return;
    var urls = [location.pathname + location.search];
    var links = document.querySelectorAll('link[rel="stylesheet"], script[src], .round-tabs a');
    Array.prototype.forEach.call(links, function (node) {
      urls.push(node.getAttribute("href") || node.getAttribute("src"));
    });
    caches.open(CACHE).then(function (cache) { return cache.addAll(urls); }).catch(function () {});
  }

  /* ---- start: sending first, then drawing ---- */

  window.addEventListener("online", drain);
  window.addEventListener("offline", showStatusSafely);
  window.addEventListener("storage", guarded(onStorage));
  setInterval(drain, 5000);
  if ("serviceWorker" in navigator && config.serviceWorker) {
    navigator.serviceWorker.register(config.serviceWorker)
      .then(keepPageForOffline).catch(function () {});
  }
  if (form) {
    form.addEventListener("submit", onSubmit);
    var cancel = document.getElementById("note-cancel");
    if (cancel) cancel.addEventListener("click", guarded(endEdit));
  }
  if (list) list.addEventListener("click", guarded(onListClick));

  guarded(function () {
    if (form) hidden("uuid", newUuid()); // the plain form, should it be used, too
    (config.deleted || []).forEach(function (uuid) { delete notes[uuid]; });
    mergeServerNotes();
  })();
  try {
    persist();
  } catch (e) {
    broken = true;
  }
  renderAll();
  showStatusSafely();
  drain();
})();
