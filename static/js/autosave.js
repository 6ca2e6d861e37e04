/* Madurez 4.0 — autosave for an assessment page (progressive enhancement: without this file the
 * form posts the page and saves it).
 *
 * Every change goes into a queue kept in localStorage (so a reload or a lost signal loses nothing)
 * and is sent in batches to POST …/answers with an Idempotency-Key that belongs to the batch and is
 * kept across retries: a retry after a lost response replays, it is never applied twice. Batches
 * carry the base_version the page was built on; a 409 means someone else changed one of these
 * answers since, and the page shows both so the owner chooses. Only this device's unsent answers
 * are stored, and they are removed once the server has them (and on log-out).
 */
(function () {
  "use strict";

  var form = document.querySelector("form.assessment-page[data-autosave-url]");
  if (!form || !window.fetch || !window.localStorage) { return; }

  var url = form.dataset.autosaveUrl;
  var csrf = form.dataset.csrf;
  var page = form.dataset.page;
  var storeKey = "m40:pending:" + form.dataset.assessment;
  var statusEl = form.querySelector("[data-save-status]");
  var lang = document.documentElement.lang.indexOf("es") === 0 ? "es" : "en";
  var TEXT = {
    es: { saved: "Todo guardado", pending: "Guardando… (%n pendientes)", offline: "Sin conexión: %n respuestas guardadas en este equipo. Se enviarán solas al volver la señal.",
          conflict: "Otra persona cambió esta respuesta. Respuesta actual: ", keepMine: "Mantener la mía", useTheirs: "Usar la actual",
          login: "Su sesión terminó. Sus respuestas siguen en este equipo: inicie sesión de nuevo para enviarlas.",
          rejected: "Esta respuesta no se pudo guardar: ", frozen: "Esta evaluación ya fue enviada; sus respuestas ya no cambian.",
          leave: "Hay respuestas sin enviar." },
    en: { saved: "All saved", pending: "Saving… (%n pending)", offline: "Offline: %n answers kept on this device. They will be sent when the signal returns.",
          conflict: "Someone else changed this answer. Current answer: ", keepMine: "Keep mine", useTheirs: "Use the current one",
          login: "Your session ended. Your answers are still on this device: log in again to send them.",
          rejected: "This answer could not be saved: ", frozen: "This assessment was already submitted; its answers can no longer change.",
          leave: "Some answers have not been sent yet." }
  }[lang];

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.queue = state.queue || {};      // item id -> {option}, not yet in a batch
  state.batch = state.batch || null;    // {key, base, answers}: sent, not yet acknowledged
  var baseVersion = Math.max(parseInt(form.dataset.baseVersion, 10) || 0, state.base || 0);
  var inflight = false, timer = null, retryDelay = 1000, stopped = false;

  function persist() {
    state.base = baseVersion;
    if (!state.batch && !Object.keys(state.queue).length) { localStorage.removeItem(storeKey); return; }
    localStorage.setItem(storeKey, JSON.stringify(state));
  }

  function pendingCount() {
    var n = Object.keys(state.queue).length;
    if (state.batch) { n += Object.keys(state.batch.answers).length; }
    return n;
  }

  function show(kind, text) {
    if (!statusEl) { return; }
    statusEl.hidden = false;
    statusEl.dataset.state = kind;
    statusEl.textContent = text.replace("%n", pendingCount());
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function valueOf(fieldset) {
    var inputs = fieldset.querySelectorAll("input[name]");
    var multiple = fieldset.dataset.multiple === "true";
    var ticked = [];
    inputs.forEach(function (i) { if (i.checked) { ticked.push(i.value); } });
    if (multiple) { return ticked; }
    return ticked.length ? ticked[0] : null;
  }

  function entryOf(fieldset, changed) {
    // The option only when a choice changed (a note alone must never clear the answer).
    var entry = {};
    if (!changed || changed.tagName !== "TEXTAREA") { entry.option = valueOf(fieldset); }
    var note = fieldset.querySelector("textarea[data-note]");
    var evidence = fieldset.querySelector("textarea[data-evidence]");
    if (note && (!changed || changed === note)) { entry.note = note.value; }
    if (evidence && (!changed || changed === evidence)) { entry.evidence = evidence.value; }
    return entry;
  }

  function setValue(item, option) {
    var fieldset = form.querySelector('fieldset[data-item="' + CSS.escape(item) + '"]');
    if (!fieldset || option === undefined) { return; }
    var chosen = Array.isArray(option) ? option : (option === null || option === undefined ? [] : [option]);
    fieldset.querySelectorAll("input[name]").forEach(function (i) { i.checked = chosen.indexOf(i.value) !== -1; });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function flush(keepalive) {
    if (inflight || stopped) { return Promise.resolve(); }
    if (!state.batch) {
      if (!Object.keys(state.queue).length) { show("saved", TEXT.saved); return Promise.resolve(); }
      state.batch = { key: uuid(), base: baseVersion, answers: state.queue };
      state.queue = {};
      persist();
    }
    var batch = state.batch;
    inflight = true;
    show("pending", TEXT.pending);
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": batch.key,
                 "Accept": "application/json" },
      body: JSON.stringify({ base_version: batch.base, answers: batch.answers, page: page })
    }).then(function (response) {
      inflight = false;
      if (response.ok) {
        return response.json().then(function (body) {
          baseVersion = Math.max(baseVersion, body.version);
          state.batch = null; retryDelay = 1000; persist();
          if (Object.keys(state.queue).length) { schedule(300); } else { show("saved", TEXT.saved); }
        });
      }
      if (response.status === 409) { return response.json().then(function (body) { onConflict(batch, body); }); }
      if (response.status === 401 || response.status === 403 || response.redirected) {
        stopped = true; show("offline", TEXT.login); return null;
      }
      if (response.status === 400 || response.status === 404 || response.status === 413 || response.status === 415) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          state.batch = null; persist();
          var message = (body.errors && body.errors[0] && body.errors[0].message) || "";
          show("error", TEXT.rejected + message);
        });
      }
      // 5xx, 429: retry the same batch (same Idempotency-Key), no sooner than Retry-After says.
      var failure = new Error("server " + response.status);
      var after = parseInt(response.headers.get("Retry-After"), 10);
      if (after > 0) { failure.retryAfter = Math.min(after, 300) * 1000; }
      throw failure;
    }).catch(function (failure) {
      inflight = false;
      show("offline", TEXT.offline);
      var jitter = Math.random() * retryDelay * 0.3;
      schedule(Math.max(retryDelay, (failure && failure.retryAfter) || 0) + jitter);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
  }

  function onConflict(batch, body) {
    state.batch = null;
    if (body.submitted) { stopped = true; persist(); show("error", TEXT.frozen); return; }
    baseVersion = Math.max(baseVersion, body.version || 0);
    var conflicted = {};
    (body.conflicts || []).forEach(function (c) { conflicted[c.item] = c; });
    Object.keys(batch.answers).forEach(function (item) {
      if (!conflicted[item] && !(item in state.queue)) { state.queue[item] = batch.answers[item]; }
    });
    persist();
    Object.keys(conflicted).forEach(function (item) { askWhich(item, batch.answers[item], conflicted[item]); });
    if (Object.keys(state.queue).length) { schedule(300); } else { show("saved", TEXT.saved); }
  }

  function labelFor(item, option) {
    var ids = Array.isArray(option) ? option : [option];
    return ids.map(function (id) {
      var input = form.querySelector('fieldset[data-item="' + CSS.escape(item) + '"] input[value="' + CSS.escape(String(id)) + '"]');
      return input ? input.parentElement.textContent.trim() : id;
    }).join("; ");
  }

  function askWhich(item, mine, conflict) {
    var fieldset = form.querySelector('fieldset[data-item="' + CSS.escape(item) + '"]');
    if (!fieldset) { return; }
    var box = document.createElement("div");
    box.className = "notice notice-warning conflict";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = TEXT.conflict + labelFor(item, conflict.current.option);
    var keep = document.createElement("button");
    keep.type = "button"; keep.className = "button"; keep.textContent = TEXT.keepMine;
    var theirs = document.createElement("button");
    theirs.type = "button"; theirs.className = "button"; theirs.textContent = TEXT.useTheirs;
    keep.addEventListener("click", function () {
      baseVersion = Math.max(baseVersion, conflict.version);
      state.queue[item] = mine; persist(); box.remove(); schedule(0);
    });
    theirs.addEventListener("click", function () { setValue(item, conflict.current.option); box.remove(); });
    box.appendChild(p); box.appendChild(keep); box.appendChild(theirs);
    fieldset.appendChild(box);
    setValue(item, conflict.current.option);
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    var fieldset = input.closest("fieldset[data-item]");
    if (!fieldset) { return; }
    if (fieldset.dataset.multiple === "true" && input.checked) {
      // "None of these", "not applicable" and "I don't know" exclude every other tick.
      fieldset.querySelectorAll("input[name]").forEach(function (other) {
        if (other !== input && (input.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
          other.checked = false;
        }
      });
    }
    var previous = state.queue[fieldset.dataset.item] || {};
    state.queue[fieldset.dataset.item] = Object.assign(previous, entryOf(fieldset, input));
    persist();
    show("pending", TEXT.pending);
    schedule(800);
  });

  // With JavaScript, "next" and "back" send what is pending first, then move on by a plain link.
  form.addEventListener("submit", function (event) {
    var nav = event.submitter && event.submitter.value;
    if (!nav) { return; }
    event.preventDefault();
    var target = event.submitter.dataset.href;
    flush().then(function () {
      if (pendingCount() && !navigator.onLine) { show("offline", TEXT.offline); return; }
      window.location.href = target;
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(true); }
  });
  window.addEventListener("pagehide", function () { flush(true); });
  window.addEventListener("online", function () { retryDelay = 1000; schedule(0); });
  window.addEventListener("beforeunload", function (event) {
    if (pendingCount() && !navigator.onLine) { event.preventDefault(); event.returnValue = TEXT.leave; }
  });

  // Answers this device still holds from before (a reload, a lost signal) are shown and sent.
  function restore(item, entry) {
    setValue(item, entry.option);
    var fieldset = form.querySelector('fieldset[data-item="' + CSS.escape(item) + '"]');
    if (!fieldset) { return; }
    var note = fieldset.querySelector("textarea[data-note]");
    var evidence = fieldset.querySelector("textarea[data-evidence]");
    if (note && entry.note !== undefined) { note.value = entry.note; }
    if (evidence && entry.evidence !== undefined) { evidence.value = entry.evidence; }
  }
  if (state.batch) {
    Object.keys(state.batch.answers).forEach(function (item) { restore(item, state.batch.answers[item]); });
  }
  Object.keys(state.queue).forEach(function (item) { restore(item, state.queue[item]); });
  if (pendingCount()) { schedule(0); }
  window.madurezAutosave = { flush: flush, pending: pendingCount };
}());
