// Gym mode: tick a set, rest between sets, nothing typed lost. The log form works without this file.
(function () {
  var form = document.getElementById("log-form");
  if (!form) return;
  var token = form.getAttribute("data-gym");
  var editing = form.hasAttribute("data-edit");
  var KEY = "legwork:draft:" + token;
  var TIMER = "legwork:timer";
  var PLATES = { kg: [25, 20, 15, 10, 5, 2.5, 1.25], lb: [45, 35, 25, 10, 5, 2.5] };

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") data[name] = value;
    });
    return data;
  }

  // ---- the browser's copy of the draft --------------------------------------------------------------
  function keepHere() {
    if (editing) return;
    try { localStorage.setItem(KEY, JSON.stringify({ at: Date.now(), page: location.pathname + location.search, data: fields() })); } catch (e) {}
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(KEY)); } catch (e) { saved = null; }
    var serverAt = Number(form.getAttribute("data-saved") || 0) * 1000;
    if (editing || !saved || !saved.data || saved.at <= serverAt) return;
    if (saved.data["form-TOTAL_FORMS"] !== form.elements["form-TOTAL_FORMS"].value) return;
    Object.keys(saved.data).forEach(function (name) {
      var el = form.elements[name];
      if (!el || el.type === "hidden" && name !== "client_token") return;
      if (el.type === "checkbox") el.checked = true;
      else el.value = saved.data[name];
    });
    // A box ticked in the copy but absent from it is unticked: FormData leaves unticked boxes out.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = Object.prototype.hasOwnProperty.call(saved.data, box.name);
    });
    markRows();
  }

  function markRows() {
    Array.prototype.forEach.call(form.querySelectorAll(".set-done"), function (box) {
      var row = box.closest(".set-row");
      if (row) row.classList.toggle("is-done", box.checked);
    });
  }

  // ---- autosave to the server ------------------------------------------------------------------------
  var pending = null;
  function autosave() {
    keepHere();
    if (editing) return;
    clearTimeout(pending);
    pending = setTimeout(function () {
      if (navigator.onLine === false) return;
      var body = new FormData(form);
      body.append("keep", "1");
      fetch(form.action || location.href, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Autosave": "1" } })
        .catch(function () { /* offline: the browser's copy has it */ });
    }, 600);
  }

  // ---- rest timer: an end time, so it keeps time while the screen sleeps ------------------------------
  var bar = document.getElementById("rest-timer");
  var shown = bar && bar.querySelector("[data-rest-time]");
  var said = document.getElementById("rest-done");
  var audio = null;
  var ticking = null;

  function endAt() { return Number(localStorage.getItem(TIMER) || 0); }
  function startRest(seconds) {
    try { localStorage.setItem(TIMER, String(Date.now() + seconds * 1000)); } catch (e) {}
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    }
    run();
  }
  function stopRest() {
    localStorage.removeItem(TIMER);
    clearInterval(ticking);
    ticking = null;
    if (bar) { bar.hidden = true; bar.classList.remove("is-over"); }
    document.body.classList.remove("has-timer");
  }
  function beep() {
    if (navigator.vibrate) navigator.vibrate([250, 120, 250]);
    if (!audio) return;
    try {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.35);
    } catch (e) {}
  }
  function draw() {
    var end = endAt();
    if (!end || !bar) return stopRest();
    var left = Math.ceil((end - Date.now()) / 1000);
    if (left <= 0) {
      if (!bar.classList.contains("is-over")) {
        bar.classList.add("is-over");
        beep();
        if (said) said.textContent = "Rest over: next set.";
      }
      shown.textContent = "Go";
      if (left < -60) stopRest();
      return;
    }
    bar.classList.remove("is-over");
    shown.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
  }
  function run() {
    if (!bar || !endAt()) return;
    bar.hidden = false;
    document.body.classList.add("has-timer");
    draw();
    if (!ticking) ticking = setInterval(draw, 250);
  }
  if (bar) {
    bar.querySelector("[data-rest-add]").addEventListener("click", function () {
      var end = Math.max(endAt(), Date.now());
      localStorage.setItem(TIMER, String(end + 30000));
      run();
    });
    bar.querySelector("[data-rest-stop]").addEventListener("click", stopRest);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) draw(); });
  }

  // ---- plates for a barbell load, as logbook/plates.py sums them ---------------------------------------
  function plates(load, barWeight, unit) {
    if (!(load > barWeight)) return "Just the bar (" + barWeight + " " + unit + ").";
    var side = Math.round((load - barWeight) / 2 * 1000) / 1000;
    var found = [];
    PLATES[unit].forEach(function (p) { while (side >= p - 1e-9) { found.push(p); side = Math.round((side - p) * 1000) / 1000; } });
    var text = "Each side: " + found.join(" + ") + " " + unit;
    if (side > 0) text += " (" + Math.round(side * 2 * 1000) / 1000 + " " + unit + " short of the smallest plates)";
    return text + ".";
  }
  function updatePlates(card) {
    var note = card && card.querySelector(".plates");
    if (!note) return;
    var top = 0;
    Array.prototype.forEach.call(card.querySelectorAll(".set-load input"), function (input) {
      var value = parseFloat(input.value);
      if (value > top) top = value;
    });
    var barWeight = parseFloat(note.getAttribute("data-bar"));
    var unit = note.getAttribute("data-unit");
    if (top) note.textContent = "Plates (" + barWeight + " " + unit + " bar): " + plates(top, barWeight, unit);
  }

  // ---- events ----------------------------------------------------------------------------------------
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList.contains("set-done")) {
      markRows();
      var card = target.closest(".gym-card");
      if (target.checked && card) startRest(Number(card.getAttribute("data-rest") || 90));
    }
    autosave();
  });
  form.addEventListener("input", function (event) {
    if (event.target.closest(".set-load")) updatePlates(event.target.closest(".gym-card"));
    keepHere();
  });

  // Enter (or a phone's Go key) moves to the next field; it never sends a half-filled session.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || target.tagName !== "INPUT" || target.type === "submit" || target.type === "checkbox") return;
    event.preventDefault();
    var inputs = Array.prototype.filter.call(form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), select"), function (el) { return el.offsetParent !== null; });
    var next = inputs[inputs.indexOf(target) + 1];
    if (next) next.focus(); else target.blur();
  });

  function say(text) {
    var note = document.getElementById("gym-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "gym-note";
      note.className = "alert alert-info mt-2";
      note.setAttribute("role", "status");
      form.insertBefore(note, form.querySelector(".gym-actions"));
    }
    note.textContent = text;
  }

  // Adding a set or an exercise: the new cards come back from the server and replace the old, no reload.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=add_set_after], button[name=add_exercise]");
    if (!button) return;
    event.preventDefault();
    if (navigator.onLine === false) {
      say("Adding needs a connection. Tick what you do, and add the set once you are back online.");
      return;
    }
    var body = new FormData(form);
    body.append(button.name, button.value);
    fetch(form.action || location.href, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text().then(function (html) { return { html: html, url: response.url }; }); })
      .then(function (answer) {
        var page = new DOMParser().parseFromString(answer.html, "text/html");
        var cards = page.getElementById("gym-cards");
        if (!cards) return;
        document.getElementById("gym-cards").replaceWith(document.importNode(cards, true));
        if (answer.url && answer.url !== location.href) history.replaceState(null, "", answer.url.split("#")[0]);
        markRows();
        keepHere();
        var rows = form.querySelectorAll(".set-row");
        var focus = button.name === "add_set_after" ? document.getElementById("set-" + (Number(button.value) + 1)) : rows[rows.length - 1];
        var input = focus && focus.querySelector(".set-load input, .set-exercise select");
        if (input) input.focus();
      })
      .catch(function () { form.requestSubmit(button); });
  });

  // Finishing with no connection: kept on the device, sent once when the connection returns.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.name === "keep" && navigator.onLine === false && !editing) {
      event.preventDefault();  // "Finish later" with no signal: this device's copy is the draft for now
      keepHere();
      say("Kept on this device. It reaches your account as soon as you are back online.");
      return;
    }
    if (!button || (button.name !== "save" && button.name !== "as_prescribed")) return;
    try { localStorage.removeItem(TIMER); } catch (e) {}
    if (navigator.onLine !== false || editing || !window.Legwork) {
      try { localStorage.removeItem(KEY); } catch (e) {}
      return;
    }
    event.preventDefault();
    var body = fields();
    body[button.name] = button.value;
    body.csrfmiddlewaretoken = form.elements.csrfmiddlewaretoken.value;
    keepHere();
    window.Legwork.enqueue({ token: token, url: form.action || location.href, body: body, at: Date.now() });
    stopRest();
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
    var note = document.createElement("p");
    note.className = "alert alert-info mt-3";
    note.setAttribute("role", "status");
    note.id = "queued-note";
    note.textContent = "No connection: this session is kept on this device and will be saved once, as soon as you are back online.";
    form.appendChild(note);
  });

  // Type to find an exercise in the add-an-exercise picker.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (box) {
    var select = document.getElementById(box.getAttribute("data-filter"));
    if (!select) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().trim();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !option.value || option.text.toLowerCase().indexOf(words) !== -1;
        option.hidden = !match;
        if (match && option.value && !first) first = option;
      });
      if (first && words) select.value = first.value;
    });
  });

  window.addEventListener("online", autosave);  // what was typed offline reaches the server's draft

  restore();
  markRows();
  run();
})();
