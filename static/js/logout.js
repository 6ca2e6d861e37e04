/* Madurez 4.0 — log out without losing answers.
 *
 * Answers not yet sent live in localStorage (see autosave.js). Before logging out they are sent
 * with the same protocol; if that fails (no signal), the owner chooses: stay, or discard them and
 * log out. Either way nothing of the owner's stays on a shared phone after log-out.
 */
(function () {
  "use strict";
  var PREFIX = "m40:pending:";
  var lang = document.documentElement.lang.indexOf("es") === 0 ? "es" : "en";
  var ASK = {
    es: "Hay respuestas que aún no se enviaron porque no hay conexión.\n\nAceptar: descartarlas y cerrar sesión.\nCancelar: quedarse y enviarlas cuando vuelva la señal.",
    en: "Some answers have not been sent yet because there is no connection.\n\nOK: discard them and log out.\nCancel: stay and send them when the signal returns."
  }[lang];

  function pendingKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
    }
    return keys;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function send(id, csrf, batch) {
    return fetch("/assessments/" + encodeURIComponent(id) + "/answers", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": batch.key },
      body: JSON.stringify({ base_version: batch.base, answers: batch.answers })
    }).then(function (response) {
      // 409 and 400 cannot be resolved here: the owner sees them on the page next time.
      if (response.status >= 500 || response.status === 429) { throw new Error("retry later"); }
      return response.ok;
    });
  }

  function sendAll(csrf) {
    return Promise.all(pendingKeys().map(function (key) {
      var state;
      try { state = JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { state = {}; }
      var id = key.slice(PREFIX.length);
      var batches = [];
      if (state.batch) { batches.push(state.batch); }
      if (state.queue && Object.keys(state.queue).length) {
        batches.push({ key: uuid(), base: state.base || 0, answers: state.queue });
      }
      return batches.reduce(function (chain, batch) {
        return chain.then(function () { return send(id, csrf, batch); });
      }, Promise.resolve()).then(function () { localStorage.removeItem(key); });
    }));
  }

  function clearAll() { pendingKeys().forEach(function (key) { localStorage.removeItem(key); }); }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]") || form.dataset.ready === "1") { return; }
    if (!pendingKeys().length) { return; }
    event.preventDefault();
    var csrf = (form.querySelector("input[name=csrf_token]") || {}).value || "";
    var pageQueue = window.madurezAutosave ? window.madurezAutosave.flush() : Promise.resolve();
    pageQueue.then(function () { return sendAll(csrf); }).then(function () {
      form.dataset.ready = "1"; form.submit();
    }).catch(function () {
      if (window.confirm(ASK)) { clearAll(); form.dataset.ready = "1"; form.submit(); }
    });
  });
}());
