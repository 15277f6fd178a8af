// Byeol station: follow the station's clock over its event stream. `track` says what
// plays and where it stood when sent (the audio is kept within 0.3 s of that clock),
// `line` the line now sung, `queue` what comes next, `listeners` how many follow.
// Staff (the page renders #station-controls for them) run the station through the
// control API: the state each answer carries and the events agree, so both are shown.
"use strict";

(() => {
  const root = document.querySelector(".station");
  const body = document.body;
  const byId = (id) => document.getElementById(id);
  const audio = byId("audio");
  const nowPlaying = byId("now-playing");
  const statusBox = byId("status");
  const listen = byId("listen");
  const lyricsBox = byId("station-lyrics");
  const current = byId("current");
  const currentLine = byId("current-line");
  const currentLayers = byId("current-layers");
  const nextLine = byId("next-line");
  const nextSung = byId("next-sung");
  const nextLayers = byId("next-layers");
  const progressBox = byId("progress-box");
  const progress = byId("progress");
  const elapsed = byId("elapsed");
  const duration = byId("duration");
  const upNext = byId("up-next");
  const controls = byId("station-controls");

  const clientNow = () => performance.timeOrigin + performance.now();

  // --- the station's clock ---------------------------------------------------------
  // skewMs: how far this page's clock runs ahead of the server's (plus the delivery
  // time). Each track event gives an estimate; a replayed one (after a reconnect) is
  // older than it looks and overestimates, so the smallest estimate is the best.
  let skewMs = null;
  let startedMs = null; // the current track's position 0, on the server's clock
  let track = null; // the current track's summary
  let audioUrl = null;
  let line = null; // the line now sung (a `line` event's data)
  const details = new Map(); // track id -> GET /api/tracks/<id> (lines and layers)

  function positionMs() {
    return startedMs === null ? 0 : Math.max(0, clientNow() - skewMs - startedMs);
  }
  function expectedSeconds() {
    return positionMs() / 1000;
  }

  // --- rendering (textContent only: lyrics are never parsed as HTML) ---------------
  const { span, fillSung } = window.ByeolMarkup;

  function layerSpans(data, detail) {
    const spans = [];
    if (data.background) {
      const background = span("background", "");
      fillSung(background, data.background);
      spans.push(background);
    }
    if (data.translation) spans.push(span("translation", data.translation, detail && detail.translation_language));
    if (data.pronunciation) spans.push(span("pronunciation", data.pronunciation, detail && detail.pronunciation_script));
    return spans;
  }

  function markVoice(box, data, detail) {
    const lead = detail && detail.agents && detail.agents.length ? detail.agents[0].id : null;
    if (data && data.agent) box.dataset.agent = data.agent;
    else delete box.dataset.agent;
    box.classList.toggle("other-voice", Boolean(data && data.agent && lead && data.agent !== lead));
  }

  function detailOf(id) {
    return details.get(id) || null;
  }

  function renderLines() {
    const detail = track ? detailOf(track.id) : null;
    if (line) {
      fillSung(currentLine, line);
      currentLayers.replaceChildren(...layerSpans(line, detail));
    } else {
      currentLine.textContent = "";
      currentLayers.replaceChildren();
    }
    markVoice(current, line, detail);
    // The next line sung (an instrumental gap is skipped: it is no line to sing).
    const lines = detail ? detail.lines.filter((l) => l.time_ms !== null && (l.text || (l.words && l.words.length))) : [];
    const next = lines.find((l) => l.index > (line ? line.index : -1)) || null;
    if (next) {
      fillSung(nextSung, next);
      nextLayers.replaceChildren(...layerSpans(next, detail));
    } else {
      nextSung.textContent = "";
      nextLayers.replaceChildren();
    }
    nextLine.hidden = !next;
    markVoice(nextLine, next, detail);
    for (const [layer, present] of [
      ["translation", detail && detail.translation_language],
      ["pronunciation", detail && detail.pronunciation_script],
    ]) {
      byId(`${layer}-toggle`).hidden = !present;
    }
  }

  async function loadDetail(summary) {
    if (details.has(summary.id)) return;
    try {
      const response = await fetch(`${root.dataset.tracksApi}/${summary.id}`);
      if (!response.ok) return;
      details.set(summary.id, await response.json());
      if (details.size > 20) details.delete(details.keys().next().value);
      if (track && track.id === summary.id) renderLines();
    } catch {
      // The lines still come one by one; only the next line is missing.
    }
  }

  function clock(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function trackLengthMs() {
    if (!track) return null;
    if (track.duration_ms) return track.duration_ms;
    const detail = detailOf(track.id);
    const times = detail ? detail.lines.map((l) => l.time_ms).filter((t) => t !== null) : [];
    return times.length ? Math.max(...times) + 5000 : null;
  }

  // Words fill as they are sung; the progress bar moves.
  function paint() {
    if (track) {
      const ms = positionMs();
      for (const word of currentLine.querySelectorAll(".word")) {
        word.toggleAttribute("data-sung", Number(word.dataset.time) <= ms);
      }
      const length = trackLengthMs();
      const shown = length ? Math.min(ms, length) : ms;
      progress.value = length ? Math.round((shown / length) * 1000) : 0;
      const text = clock(shown);
      if (elapsed.textContent !== text) elapsed.textContent = text;
      const total = length ? clock(length) : "–:––";
      if (duration.textContent !== total) duration.textContent = total;
    }
    window.requestAnimationFrame(paint);
  }

  // --- the event stream --------------------------------------------------------------
  let source = null;
  let lastEventId = "";
  let retryDelay = 1000;
  let listening = false;
  let queueSeen = false;

  function setStatus(text, state) {
    statusBox.textContent = text;
    statusBox.dataset.state = state;
  }

  function startAudio() {
    if (!audioUrl || !listening) return;
    if (!audio.src.endsWith(audioUrl)) audio.src = audioUrl;
    audio.currentTime = expectedSeconds();
    audio.play().catch(() => {});
  }

  function onTrack(data) {
    startedMs = Date.parse(data.started_at);
    const estimate = clientNow() - startedMs - data.position_ms;
    skewMs = skewMs === null ? estimate : Math.min(skewMs, estimate);
    track = data.track;
    audioUrl = data.audio_url;
    line = null;
    nowPlaying.textContent = `${track.title}${track.artist ? ` — ${track.artist}` : ""}`;
    body.dataset.trackId = String(track.id);
    delete body.dataset.lineIndex;
    progressBox.hidden = false;
    renderLines();
    loadDetail(track);
    if (audioUrl) startAudio();
    else audio.pause();
  }

  function onLine(data) {
    line = data;
    renderLines();
    body.dataset.lineIndex = String(data.index);
  }

  function onStop() {
    track = null;
    startedMs = null;
    audioUrl = null;
    line = null;
    audio.pause();
    nowPlaying.textContent = "Not playing";
    delete body.dataset.trackId;
    delete body.dataset.lineIndex;
    progressBox.hidden = true;
    renderLines();
  }

  function onListeners(data) {
    byId("listener-count").textContent = String(data.count);
    byId("listeners").hidden = false;
  }

  const handlers = {
    track: onTrack,
    line: onLine,
    stop: onStop,
    queue: (data) => {
      queueSeen = true;
      showQueue(data);
    },
    listeners: onListeners,
  };

  function connect() {
    if (source) source.close();
    // After a failure, resume after the last event received: in order, nothing twice.
    const url = lastEventId
      ? `${root.dataset.events}?lastEventId=${encodeURIComponent(lastEventId)}`
      : root.dataset.events;
    source = new EventSource(url);
    source.addEventListener("open", () => {
      retryDelay = 1000;
      setStatus("", "live");
    });
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (event) => {
        if (event.lastEventId) lastEventId = event.lastEventId;
        handle(JSON.parse(event.data));
      });
    }
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CONNECTING) {
        setStatus("Reconnecting…", "retrying");
        return;
      }
      // A non-200 answer ends EventSource for good: reconnect ourselves, backing off.
      source.close();
      setStatus(`Connection lost: retrying in ${Math.round(retryDelay / 1000)} s`, "retrying");
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  // Keep the audio on the station's clock: seek when it drifts more than 0.3 s.
  window.setInterval(() => {
    if (startedMs === null || audio.paused || !audio.src) return;
    const drift = audio.currentTime - expectedSeconds();
    if (Math.abs(drift) > 0.3) audio.currentTime = expectedSeconds();
  }, 1000);

  listen.addEventListener("click", () => {
    listening = !listening;
    listen.textContent = listening ? "Mute" : "Listen";
    if (listening) startAudio();
    else audio.pause();
  });

  // Layer toggles, remembered across songs and pages (the player's keys).
  for (const layer of ["translation", "pronunciation"]) {
    const box = byId(`show-${layer}`);
    const key = `byeol.show.${layer}`;
    const stored = window.localStorage.getItem(key);
    if (stored !== null) box.checked = stored === "1";
    const apply = () => lyricsBox.classList.toggle(`show-${layer}`, box.checked);
    box.addEventListener("change", () => {
      window.localStorage.setItem(key, box.checked ? "1" : "0");
      apply();
    });
    apply();
  }

  // --- up next (everyone), with the staff's buttons ------------------------------------
  function trackLabel(summary) {
    return `${summary.title}${summary.artist ? ` — ${summary.artist}` : ""}`;
  }

  function actionButton(action, text, label, disabled) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.disabled = disabled;
    return button;
  }

  function showQueue(data) {
    // Keep the keyboard focus on the same button of the same entry across a redraw.
    const focused = upNext.contains(document.activeElement) ? document.activeElement.closest("li") : null;
    const keep = focused && {
      entry: focused.dataset.entry,
      action: document.activeElement.dataset.action,
      index: [...upNext.children].indexOf(focused),
    };
    const entries = data.up_next || [];
    upNext.replaceChildren(
      ...entries.map((item, i) => {
        const li = document.createElement("li");
        li.dataset.trackId = String(item.track.id);
        li.dataset.entry = String(item.entry);
        const title = document.createElement("a");
        title.className = "queue-title";
        title.href = item.track.urls.page;
        title.textContent = trackLabel(item.track);
        li.append(title);
        if (controls) {
          const name = `“${item.track.title}”`;
          const actions = document.createElement("span");
          actions.className = "queue-actions";
          actions.append(
            actionButton("up", "↑", `Move ${name} up`, i === 0),
            actionButton("down", "↓", `Move ${name} down`, i === data.length - 1),
            actionButton("remove", "✕", `Remove ${name} from the queue`, false),
          );
          li.append(actions);
        }
        return li;
      }),
    );
    const more = data.length - entries.length;
    byId("queue-more").hidden = more <= 0;
    byId("queue-more").textContent = more > 0 ? `and ${more} more` : "";
    byId("queue-empty").hidden = entries.length > 0;
    byId("queue-length").textContent = data.length ? `(${data.length})` : "";
    root.dataset.playing = String(Boolean(data.playing));
    if (controls) {
      byId("loop").setAttribute("aria-pressed", String(Boolean(data.loop)));
      if (keep) {
        // The same entry, or (it was removed) the one now in its place.
        const row =
          upNext.querySelector(`li[data-entry="${keep.entry}"]`) ||
          upNext.children[Math.min(keep.index, upNext.children.length - 1)];
        const buttons = row ? [...row.querySelectorAll("button:not(:disabled)")] : [];
        const target = buttons.find((b) => b.dataset.action === keep.action) || buttons[0];
        (target || byId("track-q")).focus();
      }
    }
  }

  function stateAsQueue(state) {
    return { playing: state.playing, loop: state.loop, length: state.queue.length, up_next: state.entries };
  }

  // --- staff controls ----------------------------------------------------------------
  if (controls) {
    // A queue nobody changed through the API (new, or edited in the admin) has no
    // `queue` event to open with: staff read the state once (listeners need not).
    fetch(root.dataset.api)
      .then((response) => (response.ok ? response.json() : null))
      .then((state) => {
        if (state && !queueSeen) showQueue(stateAsQueue(state));
      })
      .catch(() => {});

    const token = controls.querySelector("[name=csrfmiddlewaretoken]").value;
    const controlStatus = byId("control-status");
    const say = (text, state) => {
      controlStatus.textContent = text;
      controlStatus.dataset.state = state;
    };
    // One request at a time: each answer is then older than any event after it.
    let chain = Promise.resolve();

    function send(path, payload, done) {
      chain = chain.then(async () => {
        try {
          const response = await fetch(`${root.dataset.api}${path}`, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token },
            body: JSON.stringify(payload || {}),
          });
          const answer = await response.json().catch(() => ({}));
          if (!response.ok) {
            say(answer.error || `The server answered ${response.status}.`, "error");
            return;
          }
          showQueue(stateAsQueue(answer));
          say(done(answer), "saved");
        } catch {
          say("The server could not be reached: try again.", "error");
        }
      });
      return chain;
    }

    const transport = {
      play: [() => "Playing.", "/play"],
      skip: [(state) => (state.playing ? "Skipped to the next track." : "Skipped: the queue is empty, the station stopped."), "/skip"],
      stop: [() => "Stopped.", "/stop"],
    };
    for (const [action, [done, path]] of Object.entries(transport)) {
      byId(action).addEventListener("click", () => send(path, {}, done));
    }
    const loop = byId("loop");
    loop.addEventListener("click", () => {
      const on = loop.getAttribute("aria-pressed") !== "true";
      send("/loop", { loop: on }, (state) => (state.loop ? "Loop on: played tracks go to the back of the queue." : "Loop off."));
    });

    upNext.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const row = button.closest("li");
      const entry = Number(row.dataset.entry);
      const index = [...upNext.children].indexOf(row);
      const title = row.querySelector(".queue-title").textContent;
      if (button.dataset.action === "remove") {
        send("/queue/remove", { entry }, () => `Removed ${title}.`);
      } else {
        const to = button.dataset.action === "up" ? index - 1 : index + 1;
        send("/queue/move", { entry, index: to }, () => `Moved ${title} to place ${to + 1}.`);
      }
    });

    // Search the library (GET /api/tracks?q=, a page at a time).
    const form = byId("track-search");
    const input = byId("track-q");
    const results = byId("search-results");
    const more = byId("search-more");
    let searchSerial = 0;
    let searchPage = 1;
    let typing = null;

    async function search(page) {
      const serial = ++searchSerial;
      const query = new URLSearchParams({ q: input.value.trim(), page: String(page) });
      try {
        const response = await fetch(`${root.dataset.tracksApi}?${query}`);
        const found = await response.json().catch(() => ({}));
        if (serial !== searchSerial) return; // a newer search is under way
        if (!response.ok) {
          say(found.error || `The search answered ${response.status}.`, "error");
          return;
        }
        const tracks = found.tracks || [];
        const rows = tracks.map((summary) => {
          const li = document.createElement("li");
          li.dataset.trackId = String(summary.id);
          const label = span("result-title", trackLabel(summary));
          if (!summary.has_audio) label.append(span("badge", "no audio"));
          const add = document.createElement("button");
          add.type = "button";
          add.className = "add";
          add.textContent = "Add";
          add.setAttribute("aria-label", `Add “${summary.title}” to the queue`);
          add.addEventListener("click", () =>
            send("/queue", { track_ids: [summary.id] }, (state) => `Queued “${summary.title}” (${state.queue.length} in the queue).`),
          );
          li.append(label, add);
          return li;
        });
        if (page === 1) results.replaceChildren(...rows);
        else results.append(...rows);
        searchPage = found.page || page;
        more.hidden = !(found.pages && searchPage < found.pages);
        if (page === 1 && !tracks.length) say("No track matches.", "live");
      } catch {
        if (serial === searchSerial) say("The search could not reach the server.", "error");
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      window.clearTimeout(typing);
      search(1);
    });
    input.addEventListener("input", () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => search(1), 250);
    });
    more.addEventListener("click", () => search(searchPage + 1));
  }

  connect();
  window.requestAnimationFrame(paint);
  window.byeolStation = { expectedSeconds, get audio() { return audio; } };
})();
