// Byeol player: the audio's clock picks the current line; the lyrics stream
// (EventSource) brings the lyrics and keeps the page in step with the server.
"use strict";

(() => {
  const track = JSON.parse(document.getElementById("track-data").textContent);
  const audio = document.getElementById("audio");
  const list = document.getElementById("lines");
  const lyricsBox = document.getElementById("lyrics");
  const statusBox = document.getElementById("status");
  const follow = document.getElementById("follow");
  const offsetValue = document.getElementById("offset-value");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const offsetKey = `byeol.offset.${track.id}`;

  let lines = track.lines || [];
  let synced = Boolean(track.synced);
  let buttons = Array.from(list.querySelectorAll("button.line"));
  let current = -1;
  let streamLine = -1; // the last line the server said was due
  let source = null;
  let retryTimer = null;
  let retryDelay = 1000;
  let userScrollUntil = 0;
  let offsetMs = Number(window.localStorage.getItem(offsetKey) || 0);
  // Without audio, the stream's line events are the clock.
  let clockStart = null;

  const STATUS = {
    live: "",
    connecting: "Connecting to the lyrics stream…",
    retrying: "Lyrics stream lost: reconnecting…",
  };

  function setStatus(state, extra = "") {
    statusBox.textContent = (STATUS[state] || "") + extra;
    statusBox.dataset.state = state;
  }

  // --- rendering (textContent only: lyrics are never parsed as HTML) ---
  // The page arrives rendered by the server; this builds the same markup when
  // the stream brings other lines (the lyrics were edited meanwhile).
  const translationLang = lyricsBox.dataset.translationLang || "";
  const pronunciationLang = lyricsBox.dataset.pronunciationLang || "";
  const mainAgent = lyricsBox.dataset.mainAgent || "";

  const { span, fillSung } = window.ByeolMarkup;

  function layerSpans(line) {
    const spans = [];
    if (line.translation) spans.push(span("translation", line.translation, translationLang));
    if (line.pronunciation) spans.push(span("pronunciation", line.pronunciation, pronunciationLang));
    return spans;
  }

  function lineItem(line) {
    const item = document.createElement("li");
    if (!synced) {
      item.className = "text";
      item.append(line.text || " ", ...layerSpans(line));
      return item;
    }
    if (line.agent && line.agent !== mainAgent) item.className = "other-voice";
    const button = document.createElement("button");
    button.type = "button";
    button.className = line.text ? "line" : "line gap";
    button.dataset.index = String(line.index);
    button.dataset.time = String(line.time_ms);
    if (line.agent) button.dataset.agent = line.agent;
    const sung = span("sung-text", "");
    fillSung(sung, line);
    button.append(sung);
    if (line.background) {
      const background = span("background", "");
      fillSung(background, line.background);
      button.append(background);
    }
    button.append(...layerSpans(line));
    item.append(button);
    return item;
  }

  function render(document_) {
    // The server already rendered these lines: keep them (and the keyboard focus).
    if (JSON.stringify(document_.lines) === JSON.stringify(lines) && document_.synced === synced) return;
    lines = document_.lines;
    synced = document_.synced;
    list.replaceChildren(...lines.map(lineItem));
    buttons = Array.from(list.querySelectorAll("button.line"));
    current = -1;
  }

  // --- which line is current ---
  function positionMs() {
    if (audio) return audio.currentTime * 1000 + offsetMs;
    if (clockStart === null) return -Infinity;
    return performance.now() - clockStart + offsetMs;
  }

  function lineAt(ms) {
    let lo = 0;
    let hi = lines.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lines[mid].time_ms <= ms) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  function scrollToCurrent(force = false) {
    const button = buttons[current];
    if (!button || (!force && performance.now() < userScrollUntil)) return;
    // Scroll only the lyrics box (scrollIntoView would move the whole page too).
    const top = button.offsetTop - lyricsBox.clientHeight / 2 + button.offsetHeight / 2;
    lyricsBox.scrollTo({ top, behavior: reducedMotion.matches ? "instant" : "smooth" });
    follow.hidden = true;
  }

  function markWords(button, sung) {
    for (const word of button.querySelectorAll(".word")) word.toggleAttribute("data-sung", sung);
  }

  function highlight(index) {
    if (index === current) return;
    const previous = buttons[current];
    if (previous) {
      previous.removeAttribute("aria-current");
      previous.classList.remove("current");
    }
    current = index;
    buttons.forEach((button, i) => {
      button.classList.toggle("past", i < index);
      button.classList.toggle("future", i > index);
      if (i !== index) markWords(button, i < index);
    });
    const button = buttons[index];
    if (button) {
      button.setAttribute("aria-current", "true");
      button.classList.add("current");
      scrollToCurrent();
    }
  }

  function paint() {
    if (synced && lines.length) {
      const ms = positionMs();
      const index = lineAt(ms);
      highlight(index);
      const button = buttons[index];
      if (button) {
        if (button.classList.contains("gap")) {
          const next = lines[index + 1];
          const end = next ? next.time_ms : (track.duration_ms || lines[index].time_ms + 5000);
          const share = Math.min(1, Math.max(0, (ms - lines[index].time_ms) / Math.max(1, end - lines[index].time_ms)));
          button.style.setProperty("--gap-progress", share.toFixed(3));
        }
        // Each word fills as it is sung (the contract's hook: data-sung).
        for (const word of button.querySelectorAll(".word")) {
          word.toggleAttribute("data-sung", Number(word.dataset.time) <= ms);
        }
      }
    }
    window.requestAnimationFrame(paint);
  }

  // --- the lyrics stream ---
  function closeStream() {
    if (source) source.close();
    source = null;
    window.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function openStream() {
    closeStream();
    const at = Math.max(0, Math.round(audio ? audio.currentTime * 1000 : 0));
    const rate = audio ? Math.min(4, Math.max(0.25, audio.playbackRate || 1)) : 1;
    const url = `${track.urls.events}?at=${at}&rate=${rate}`;
    setStatus("connecting");
    source = new EventSource(url);
    document.body.dataset.streamUrl = url;
    source.addEventListener("open", () => {
      retryDelay = 1000;
      setStatus("live");
    });
    source.addEventListener("lyrics", (event) => {
      render(JSON.parse(event.data));
      if (!audio) clockStart = performance.now() - at;
    });
    source.addEventListener("line", (event) => {
      const line = JSON.parse(event.data);
      streamLine = line.index;
      document.body.dataset.streamLine = String(line.index);
      if (!audio && synced) clockStart = performance.now() - line.time_ms;
    });
    source.addEventListener("end", () => {
      // The song's lyrics are done: close, so the browser does not reconnect.
      closeStream();
      setStatus("live");
    });
    source.addEventListener("error", () => {
      if (source && source.readyState === EventSource.CONNECTING) {
        setStatus("retrying");
        return;
      }
      // A non-200 answer (a proxy's 502 during a deploy) makes EventSource give
      // up for good: reconnect ourselves, backing off, from where the audio is.
      closeStream();
      setStatus("retrying", ` (next try in ${Math.round(retryDelay / 1000)} s)`);
      retryTimer = window.setTimeout(() => {
        if (!audio || !audio.paused) openStream();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  // --- listener's controls ---
  function seekTo(index) {
    const line = lines[index];
    if (!line || line.time_ms === null) return;
    if (audio) {
      audio.currentTime = Math.max(0, (line.time_ms - offsetMs) / 1000);
      if (audio.paused) audio.play().catch(() => {});
    }
    userScrollUntil = 0;
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.line");
    if (button) seekTo(Number(button.dataset.index));
  });

  // The listener's own scrolling (wheel, touch, keys) pauses auto-scroll for a while.
  function userScrolled() {
    userScrollUntil = performance.now() + 4000;
    follow.hidden = false;
  }
  for (const type of ["wheel", "touchmove"]) {
    lyricsBox.addEventListener(type, userScrolled, { passive: true });
  }
  lyricsBox.addEventListener("keydown", (event) => {
    if (["PageUp", "PageDown", "Home", "End"].includes(event.key)) userScrolled();
  });
  window.setInterval(() => {
    if (!follow.hidden && performance.now() >= userScrollUntil) scrollToCurrent(true);
  }, 500);
  follow.addEventListener("click", () => {
    userScrollUntil = 0;
    scrollToCurrent(true);
  });

  function showOffset() {
    if (!offsetValue) return;
    const seconds = offsetMs / 1000;
    offsetValue.textContent = `${seconds > 0 ? "+" : seconds < 0 ? "−" : "±"}${Math.abs(seconds).toFixed(1)} s`;
  }
  function nudge(deltaMs) {
    offsetMs = Math.max(-10000, Math.min(10000, offsetMs + deltaMs));
    if (offsetMs === 0) window.localStorage.removeItem(offsetKey);
    else window.localStorage.setItem(offsetKey, String(offsetMs));
    showOffset();
  }
  const minus = document.getElementById("offset-minus");
  const plus = document.getElementById("offset-plus");
  if (minus) minus.addEventListener("click", () => nudge(-500));
  if (plus) plus.addEventListener("click", () => nudge(500));
  showOffset();

  // Layer toggles, remembered across songs: the layers stay in the page, hidden by a class.
  for (const layer of ["translation", "pronunciation"]) {
    const box = document.getElementById(`show-${layer}`);
    if (!box) continue;
    const key = `byeol.show.${layer}`;
    const stored = window.localStorage.getItem(key);
    if (stored !== null) box.checked = stored === "1";
    const apply = () => {
      lyricsBox.classList.toggle(`show-${layer}`, box.checked);
      window.localStorage.setItem(key, box.checked ? "1" : "0");
    };
    box.addEventListener("change", apply);
    apply();
  }

  if (audio) {
    audio.addEventListener("play", openStream);
    audio.addEventListener("pause", () => {
      closeStream();
      setStatus("live");
    });
    audio.addEventListener("seeked", () => {
      if (!audio.paused) openStream();
    });
    audio.addEventListener("ratechange", () => {
      if (!audio.paused) openStream();
    });
    audio.addEventListener("ended", closeStream);
  } else if (synced) {
    openStream();
  }
  window.requestAnimationFrame(paint);
  window.byeolPlayer = { get current() { return current; }, get streamLine() { return streamLine; } };
})();
