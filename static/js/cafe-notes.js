/* Offline-safe note capture for the café tablet (no dependencies).
 *
 * A note is written to localStorage first (queue + last known state of every note), then
 * sent in the background, one at a time and in order, as JSON with a UUID made here; the
 * server stores each UUID once. The queue survives reloads, drains on the "online" event
 * and on a timer (not while the browser reports itself offline), and a service worker keeps
 * the page so that it reloads without network.
 * Without this script the plain form posts each note directly.
 */
(function () {
  "use strict";
  var root = document.getElementById("cafe-tablet");
  if (!root || !window.fetch || !window.JSON || !storageWorks()) return;

  var config = JSON.parse(root.getAttribute("data-config"));
  var text = config.text;
  var form = document.getElementById("note-form");
  var list = document.getElementById("note-list");
  var statusEl = document.getElementById("sync-status");
  var detailEl = document.getElementById("sync-detail");
  var QUEUE_KEY = "cafe-queue:" + config.tableId;
  var NOTES_KEY = "cafe-notes:" + config.tableId;
  var CACHE = "cafe-tablet-v1";
  var sending = false;
  var needsSignIn = false;
  var queue = load(QUEUE_KEY, []);
  var notes = load(NOTES_KEY, {});

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

  /* ---- showing notes ---- */

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function votesText(n) {
    return n === 1 ? text.voteOne : text.voteMany.replace("{n}", n);
  }

  function build(note) {
    var li = el("li", "note");
    li.id = "note-" + note.uuid;
    var head = el("p", "note-head");
    head.appendChild(el("span", "badge kind-badge"));
    head.appendChild(el("span", "votes"));
    head.appendChild(el("span", "note-state"));
    li.appendChild(head);
    li.appendChild(el("p", "note-text"));
    li.appendChild(el("p", "note-areas"));
    if (config.editable) {
      var actions = el("div", "note-actions");
      var edit = el("button", "button secondary edit-note", text.edit);
      edit.type = "button";
      actions.appendChild(edit);
      li.appendChild(actions);
    }
    return li;
  }

  function fill(li, note) {
    li.className = "note note-" + note.kind;
    li.setAttribute("data-uuid", note.uuid);
    li.setAttribute("data-version", note.version || 0);
    li.setAttribute("data-created-ms", note.created_ms);
    li.querySelector(".kind-badge").textContent = config.kinds[note.kind] || note.kind;
    li.querySelector(".votes").textContent = note.kind === "idea" ? votesText(note.votes) : "";
    li.querySelector(".note-text").textContent = note.text;
    var areas = li.querySelector(".note-areas");
    if (areas && note.area_ids) {
      areas.textContent = "";
      note.area_ids.forEach(function (id) {
        var label = document.querySelector('input[name="areas"][value="' + id + '"]');
        if (label && label.parentNode) {
          areas.appendChild(el("span", "badge", label.parentNode.textContent.trim()));
          areas.appendChild(document.createTextNode(" "));
        }
      });
    }
    var old = li.querySelector(".conflict.from-script");
    if (old) old.remove();
    if (note.conflict_texts && note.conflict_texts.length && !li.querySelector(".conflict")) {
      var box = el("div", "conflict from-script");
      box.appendChild(el("p", "", text.conflict));
      note.conflict_texts.forEach(function (t) { box.appendChild(el("blockquote", "", t)); });
      li.insertBefore(box, li.querySelector(".note-actions"));
    }
    var pending = queued(note.uuid);
    li.classList.toggle("pending", pending);
    li.classList.toggle("failed", !!note.error);
    li.querySelector(".note-state").textContent =
      note.error ? text.failed + " " + note.error : pending ? text.pending : "";
  }

  function render(note) {
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
    Object.keys(notes).forEach(function (uuid) { render(notes[uuid]); });
    var empty = document.getElementById("no-notes");
    if (empty) empty.hidden = list.children.length > 0;
    var tab = document.querySelector('.round-tabs [aria-current] .tab-number');
    if (tab) tab.textContent = list.children.length;
  }

  function fromDom(li) {
    var areas = li.getAttribute("data-area-ids");
    return {
      uuid: li.getAttribute("data-uuid"),
      round_id: Number(li.getAttribute("data-round-id")),
      kind: li.getAttribute("data-kind"),
      text: li.querySelector(".note-text").textContent,
      votes: Number(li.getAttribute("data-votes")),
      area_ids: areas ? areas.split(",").map(Number) : [],
      version: Number(li.getAttribute("data-version")),
      created_ms: Number(li.getAttribute("data-created-ms")),
      edited_ms: Number(li.getAttribute("data-edited-ms"))
    };
  }

  /* The page may come from the service worker's cache; notes the server rendered are
     merged with the ones this tablet knows, the newer version winning. */
  function mergeServerNotes() {
    Array.prototype.forEach.call(list.querySelectorAll("li.note"), function (li) {
      var server = fromDom(li);
      var known = notes[server.uuid];
      if (!known || (!queued(server.uuid) && server.version >= (known.version || 0))) {
        notes[server.uuid] = server;
      } else {
        notes[server.uuid].version = Math.max(known.version || 0, server.version);
      }
    });
  }

  /* ---- status ---- */

  function showStatus() {
    var n = queue.length;
    statusEl.textContent = n === 0 ? text.saved :
      n === 1 ? text.waitingOne : text.waitingMany.replace("{n}", n);
    statusEl.classList.toggle("sync-ok", n === 0);
    statusEl.classList.toggle("sync-waiting", n > 0);
    if (needsSignIn && n) say(text.signIn);
    else if (!navigator.onLine && n) say(text.offline);
    else if (detailEl.textContent === text.offline || detailEl.textContent === text.signIn) say("");
  }

  function say(message) {
    if (detailEl.textContent !== message) detailEl.textContent = message || "";
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
          document.querySelector('meta[name="csrf-token"]').setAttribute("content", body.csrf_token);
        });
      }, function () {});
  }

  function post(op) {
    return fetch(config.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": csrfToken() },
      body: JSON.stringify(op)
    }).then(function (resp) {
      var isJson = (resp.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (resp.redirected || !isJson) {
        // a sign-in page or an expired form token: keep the note and try again later
        if (resp.redirected) needsSignIn = true;
        return refreshToken().then(function () { return null; });
      }
      if (resp.status >= 500 || resp.status === 429) return null;
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }, function () { return null; });
  }

  function acknowledge(op, result) {
    queue = load(QUEUE_KEY, queue);
    notes = load(NOTES_KEY, notes);
    var index = queue.findIndex(function (q) { return q.uuid === op.uuid; });
    var current = index >= 0 ? queue[index] : null;
    var body = result.body;
    if (!result.ok) {
      if (current && current.edited_ms === op.edited_ms) queue.splice(index, 1);
      if (notes[op.uuid]) notes[op.uuid].error = body.error || "";
      say(text.failed + " " + (body.error || ""));
    } else if (current && current.edited_ms !== op.edited_ms) {
      // edited again while this was on its way: the queued edit builds on the new version
      current.base_version = body.note.version;
      notes[op.uuid].version = body.note.version;
    } else {
      if (current) queue.splice(index, 1);
      notes[op.uuid] = body.note;
      if (body.conflict || body.message) say(body.conflict ? text.conflict : body.message);
    }
    needsSignIn = false;
    persist();
    render(notes[op.uuid]);
  }

  function drain() {
    queue = load(QUEUE_KEY, queue);
    // a browser that knows it has no network is not asked to try (the "online" event and
    // the timer try again); a browser that thinks it is online may still fail, and retries
    if (sending || !queue.length || navigator.onLine === false) { showStatus(); return; }
    sending = true;
    var op = queue[0];
    post(op).then(function (result) {
      sending = false;
      if (result) {
        acknowledge(op, result);
        drain();
      } else {
        showStatus();
      }
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

  function enqueue(fields) {
    var now = Date.now();
    var uuid = form.getAttribute("data-editing") || newUuid();
    var base = notes[uuid];
    var note = {
      uuid: uuid,
      round_id: base ? base.round_id : config.roundId,
      kind: fields.kind,
      text: fields.text,
      votes: fields.kind === "idea" ? fields.votes : 0,
      area_ids: fields.area_ids,
      created_ms: base ? base.created_ms : now,
      edited_ms: Math.max(now, base ? base.edited_ms + 1 : 0),
      version: base ? base.version || 0 : 0
    };
    var op = Object.assign({}, note, { base_version: note.version });
    var index = queue.findIndex(function (q) { return q.uuid === uuid; });
    if (index >= 0) {
      op.base_version = queue[index].base_version;
      queue[index] = op;
    } else {
      queue.push(op);
    }
    notes[uuid] = note;
    persist();
    render(note);
  }

  function startEdit(uuid) {
    var note = notes[uuid];
    if (!note || !form) return;
    form.setAttribute("data-editing", uuid);
    var kind = form.querySelector('input[name="kind"][value="' + note.kind + '"]');
    if (kind) kind.checked = true;
    form.elements.text.value = note.text;
    form.elements.votes.value = note.votes || 0;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="areas"]'), function (box) {
      box.checked = (note.area_ids || []).indexOf(Number(box.value)) >= 0;
    });
    document.getElementById("edit-banner").textContent = text.editing;
    document.getElementById("edit-banner").hidden = false;
    document.getElementById("note-submit").textContent = text.saveChanges;
    document.getElementById("note-cancel").hidden = false;
    form.scrollIntoView();
    form.elements.text.focus();
  }

  function endEdit() {
    form.removeAttribute("data-editing");
    form.reset();
    document.getElementById("edit-banner").hidden = true;
    document.getElementById("note-submit").textContent = text.saveNote;
    document.getElementById("note-cancel").hidden = true;
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var fields = readForm();
      if (!fields.text) return; // the server explains what is missing
      try {
        enqueue(fields);
      } catch (e) {
        return; // storage full or blocked: the plain form sends the note instead
      }
      event.preventDefault();
      endEdit();
      form.elements.text.focus();
      renderAll();
      showStatus();
      drain();
    });
    document.getElementById("note-cancel").addEventListener("click", endEdit);
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".edit-note");
    if (!button) return;
    event.preventDefault();
    startEdit(button.closest("li.note").getAttribute("data-uuid"));
  });

  /* ---- start ---- */

  (config.deleted || []).forEach(function (uuid) { delete notes[uuid]; });
  mergeServerNotes();
  persist();
  renderAll();
  showStatus();
  drain();
  window.addEventListener("online", drain);
  window.addEventListener("offline", showStatus);
  window.addEventListener("storage", function (event) {
    if (event.key === QUEUE_KEY || event.key === NOTES_KEY) {
      queue = load(QUEUE_KEY, []);
      notes = load(NOTES_KEY, {});
      renderAll();
      showStatus();
    }
  });
  setInterval(drain, 5000);

  if ("serviceWorker" in navigator && config.serviceWorker) {
    navigator.serviceWorker.register(config.serviceWorker).then(keepPageForOffline, function () {});
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
})();
