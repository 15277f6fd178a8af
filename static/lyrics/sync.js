// Byeol sync editor: stamp each line (or each word) at the audio's position,
// preview the result in the player's own display, and save it as a revision.
// Keys: Space stamps, Backspace takes back, ←/→ nudge the selected stamp,
// ↑/↓ select, P plays or pauses (templates/lyrics/sync.html lists them).
"use strict";

(() => {
  const editor = JSON.parse(document.getElementById("editor-data").textContent);
  const audio = document.getElementById("audio");
  const list = document.getElementById("lines");
  const lyricsBox = document.getElementById("lyrics");
  const form = document.getElementById("sync-form");
  const saveButton = document.getElementById("save");
  const message = document.getElementById("message");
  const progress = document.getElementById("progress");
  const clockOut = document.getElementById("clock");
  const wordModeBox = document.getElementById("word-mode");
  const rateSelect = document.getElementById("rate");
  const playButton = document.getElementById("play");
  const translationLang = lyricsBox.dataset.translationLang || "";
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  const NUDGE_MS = 100;
  const FINE_NUDGE_MS = 10;
  // LRC keeps hundredths: stamps are what the file will say.
  const RESOLUTION_MS = 10;
  // A click on a stamped line plays from this long before it.
  const LEAD_IN_MS = 1500;
  const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  const CJK_PIECES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー][\s]*|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu;

  // --- state -----------------------------------------------------------------
  const lines = (editor.lines || []).map((line) => ({
    text: line.text || "",
    time: line.time_ms === undefined ? null : line.time_ms,
    words: (line.words || []).map((word) => ({ text: word.text, time: word.time_ms })),
    translation: line.translation || "",
  }));
  let wordMode = false;
  let slots = []; // what Space stamps, in order: {line, word}; word -1 is the line itself
  let cursor = 0; // the slot the next stamp goes to
  let selected = -1; // the slot the arrows nudge
  let current = -1; // the line the audio is in
  let dirty = false;
  let saving = false;
  let version = editor.version;
  const buttons = [];

  // Without audio, a stopwatch is the clock.
  const stopwatch = { startedAt: null, atMs: 0 };

  function rate() {
    return Number(rateSelect.value) || 1;
  }

  function positionMs() {
    if (audio) return audio.currentTime * 1000;
    if (stopwatch.startedAt === null) return stopwatch.atMs;
    return stopwatch.atMs + (performance.now() - stopwatch.startedAt) * rate();
  }

  function stampNow() {
    const ms = Math.max(0, Math.round(positionMs()));
    return ms - (ms % RESOLUTION_MS);
  }

  function formatStamp(ms) {
    const total = Math.max(0, Math.floor(ms));
    const minutes = Math.floor(total / 60000);
    const seconds = Math.floor((total % 60000) / 1000);
    const hundredths = Math.floor((total % 1000) / 10);
    const two = (n) => String(n).padStart(2, "0");
    return `${two(minutes)}:${two(seconds)}.${two(hundredths)}`;
  }

  function splitWords(text) {
    const tokens = text.match(/\S+\s*/gu) || [];
    // Japanese and Chinese are sung syllable by syllable and written without spaces.
    return tokens.flatMap((token) => (CJK.test(token) ? token.match(CJK_PIECES) : [token]));
  }

  function buildSlots() {
    slots = [];
    lines.forEach((line, index) => {
      if (wordMode && line.words.length) {
        line.words.forEach((_, word) => slots.push({ line: index, word }));
      } else if (line.text.trim() || line.time !== null) {
        slots.push({ line: index, word: -1 });
      }
    });
    const firstOpen = slots.findIndex((slot) => slotTime(slot) === null);
    cursor = firstOpen === -1 ? slots.length : firstOpen;
    selected = -1;
  }

  function slotTime(slot) {
    const line = lines[slot.line];
    return slot.word < 0 ? line.time : line.words[slot.word].time;
  }

  function setSlotTime(slot, time) {
    const line = lines[slot.line];
    if (slot.word < 0) {
      const old = line.time;
      line.time = time;
      // Stamped words move with their line.
      if (old !== null && time !== null && line.words.every((word) => word.time !== null)) {
        for (const word of line.words) word.time = Math.max(0, word.time + time - old);
      }
    } else {
      line.words[slot.word].time = time;
      if (slot.word === 0) line.time = time;
    }
    dirty = true;
    renderLine(slot.line);
  }

  // --- rendering: the player's markup (textContent only, never HTML) -----------
  const { span } = window.ByeolMarkup;

  function renderLine(index) {
    const line = lines[index];
    const button = buttons[index];
    if (line.time === null) delete button.dataset.time;
    else button.dataset.time = String(line.time);
    button.classList.toggle("unstamped", line.time === null);
    button.classList.toggle("gap", !line.text);
    button.classList.toggle("skipped", !line.text.trim() && line.time === null);
    const sung = span("sung-text", "");
    if (line.words.length) {
      sung.append(
        ...line.words.map((word, k) => {
          const element = span("word", word.text);
          if (word.time !== null) element.dataset.time = String(word.time);
          element.dataset.word = String(k);
          return element;
        }),
      );
    } else {
      sung.textContent = line.text || "♪";
    }
    const parts = [span("stamp-time", line.time === null ? "--:--.--" : formatStamp(line.time)), sung];
    if (line.translation) parts.push(span("translation", line.translation, translationLang));
    button.replaceChildren(...parts);
  }

  function renderAll() {
    const items = lines.map((_, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "line";
      button.dataset.index = String(index);
      buttons[index] = button;
      item.append(button);
      return item;
    });
    list.replaceChildren(...items);
    lines.forEach((_, index) => renderLine(index));
    current = -1;
  }

  function markChecks() {
    // A stamp not after the one before it, or past the audio's end, cannot be saved: show it.
    let previous = -1;
    const duration = editor.duration_ms;
    lines.forEach((line, index) => {
      const late = line.time !== null && duration !== null && line.time >= duration;
      const early = line.time !== null && line.time <= previous;
      buttons[index].classList.toggle("out-of-order", early || late);
      if (line.time !== null) previous = line.time;
    });
  }

  function markSelection() {
    buttons.forEach((button) => button.classList.remove("selected", "next"));
    for (const word of list.querySelectorAll(".word.selected")) word.classList.remove("selected");
    const next = slots[cursor];
    if (next) buttons[next.line].classList.add("next");
    const slot = slots[selected];
    if (!slot) return;
    buttons[slot.line].classList.add("selected");
    if (slot.word >= 0) {
      const word = buttons[slot.line].querySelector(`.word[data-word="${slot.word}"]`);
      if (word) word.classList.add("selected");
    }
  }

  function scrollTo(index) {
    const button = buttons[index];
    if (!button) return;
    const top = button.offsetTop - lyricsBox.clientHeight / 2 + button.offsetHeight / 2;
    lyricsBox.scrollTo({ top, behavior: reducedMotion.matches ? "instant" : "smooth" });
  }

  function showProgress() {
    const done = slots.filter((slot) => slotTime(slot) !== null).length;
    const unit = wordMode ? "words" : "lines";
    const next = slots[cursor];
    let text = `${done} of ${slots.length} ${unit} stamped`;
    if (next) {
      const line = lines[next.line];
      const what = next.word >= 0 ? line.words[next.word].text.trim() : line.text || "♪";
      text += ` · next: “${what}”`;
    }
    progress.textContent = text + (dirty ? " · not saved" : "");
  }

  function say(text, state = "") {
    message.textContent = text;
    message.dataset.state = state;
  }

  function afterChange() {
    markChecks();
    markSelection();
    showProgress();
  }

  // --- editing ---------------------------------------------------------------
  function stamp() {
    if (cursor >= slots.length) {
      say("Everything is stamped: click a line to stamp again from there.");
      return;
    }
    setSlotTime(slots[cursor], stampNow());
    selected = cursor;
    cursor += 1;
    const next = slots[cursor] || slots[selected];
    scrollTo(next.line);
    afterChange();
  }

  function unstamp() {
    if (cursor === 0) return;
    cursor -= 1;
    setSlotTime(slots[cursor], null);
    selected = cursor;
    scrollTo(slots[cursor].line);
    afterChange();
  }

  function nudge(deltaMs) {
    const slot = slots[selected];
    if (!slot || slotTime(slot) === null) {
      say("Select a stamped line first (click it, or ↑ ↓).");
      return;
    }
    setSlotTime(slot, Math.max(0, slotTime(slot) + deltaMs));
    afterChange();
  }

  function move(step) {
    if (!slots.length) return;
    const from = selected === -1 ? Math.min(cursor, slots.length - 1) : selected;
    selected = Math.max(0, Math.min(slots.length - 1, from + step));
    scrollTo(slots[selected].line);
    markSelection();
  }

  function chooseSlot(index) {
    // The next stamp goes here, and the arrows move this one.
    cursor = index;
    selected = index;
    const time = slotTime(slots[index]);
    if (time !== null) seek(Math.max(0, time - LEAD_IN_MS), true);
    afterChange();
  }

  function seek(ms, play) {
    if (audio) {
      audio.currentTime = ms / 1000;
      if (play && audio.paused) audio.play().catch(() => {});
    } else {
      stopwatch.atMs = ms;
      if (stopwatch.startedAt !== null) stopwatch.startedAt = performance.now();
    }
  }

  function togglePlay() {
    if (audio) {
      if (audio.paused) audio.play().catch(() => {});
      else audio.pause();
      return;
    }
    if (stopwatch.startedAt === null) {
      stopwatch.startedAt = performance.now();
    } else {
      stopwatch.atMs = positionMs();
      stopwatch.startedAt = null;
    }
    showPlaying(stopwatch.startedAt !== null);
  }

  function showPlaying(playing) {
    playButton.textContent = playing ? "Pause" : "Play";
  }

  function setWordMode(on) {
    wordMode = on;
    for (const line of lines) {
      if (on && !line.words.length && line.text.trim()) {
        line.words = splitWords(line.text).map((text, k) => ({ text, time: k === 0 ? line.time : null }));
      } else if (!on && line.words.some((word) => word.time === null)) {
        // Half-stamped words are not kept: the line's stamp stays.
        line.words = [];
      }
    }
    lines.forEach((_, index) => renderLine(index));
    buildSlots();
    afterChange();
  }

  // --- the live preview: which line and words the audio is in -------------------
  function paint() {
    const ms = positionMs();
    clockOut.textContent = formatStamp(ms);
    let index = -1;
    lines.forEach((line, i) => {
      if (line.time !== null && line.time <= ms) index = i;
    });
    if (index !== current) {
      if (buttons[current]) {
        buttons[current].removeAttribute("aria-current");
        buttons[current].classList.remove("current");
      }
      current = index;
      buttons.forEach((button, i) => {
        button.classList.toggle("past", i < index);
        button.classList.toggle("future", i > index);
        if (i !== index) {
          for (const word of button.querySelectorAll(".word")) word.toggleAttribute("data-sung", i < index);
        }
      });
      if (buttons[index]) {
        buttons[index].setAttribute("aria-current", "true");
        buttons[index].classList.add("current");
      }
    }
    const button = buttons[current];
    if (button) {
      for (const word of button.querySelectorAll(".word")) {
        word.toggleAttribute("data-sung", word.dataset.time !== undefined && Number(word.dataset.time) <= ms);
      }
    }
    window.requestAnimationFrame(paint);
  }

  // --- saving ----------------------------------------------------------------
  function payloadLine(line) {
    const complete = line.words.length && line.words.every((word) => word.time !== null);
    const words = line.words.length && (wordMode || complete)
      ? line.words.map((word) => ({ text: word.text, time_ms: word.time }))
      : null;
    return { time_ms: line.time, words };
  }

  function showSaved(data) {
    message.replaceChildren(`Saved as revision #${data.revision}. `);
    const link = document.createElement("a");
    link.href = editor.page_url;
    link.textContent = "Open the player";
    message.append(link);
    message.dataset.state = "saved";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;
    saving = true;
    saveButton.disabled = true;
    say("Saving…", "saving");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    try {
      const response = await fetch(editor.save_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ version, lines: lines.map(payloadLine) }),
      });
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      if (response.ok && data && data.saved) {
        dirty = false;
        version = data.version;
        showSaved(data);
      } else {
        say(data && data.error ? data.error : `Saving failed (HTTP ${response.status}).`, "error");
        if (data && Number.isInteger(data.line) && buttons[data.line]) {
          const slot = slots.findIndex((s) => s.line === data.line);
          if (slot !== -1) selected = slot;
          scrollTo(data.line);
        }
      }
    } catch {
      say("Saving failed: the server did not answer. The stamps are still here; try again.", "error");
    } finally {
      saving = false;
      saveButton.disabled = false;
      afterChange();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // --- input -----------------------------------------------------------------
  function typing(target) {
    if (!(target instanceof HTMLElement)) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
    return target.tagName === "INPUT" && !["checkbox", "radio", "button", "submit", "range"].includes(target.type);
  }

  document.addEventListener(
    "keydown",
    (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const inSelect = event.target instanceof HTMLSelectElement;
      const arrows = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];
      if (inSelect && arrows.includes(event.key)) return;
      if (event.key === " ") {
        if (!event.repeat) stamp();
      } else if (event.key === "Backspace") {
        unstamp();
      } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        const step = event.shiftKey ? FINE_NUDGE_MS : NUDGE_MS;
        nudge(event.key === "ArrowLeft" ? -step : step);
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        move(event.key === "ArrowUp" ? -1 : 1);
      } else if (event.key === "p" || event.key === "P") {
        togglePlay();
      } else {
        return;
      }
      // Ours, not the focused control's (a button's click, the audio's own keys, scrolling).
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
  document.addEventListener(
    "keyup",
    (event) => {
      if (event.key === " " && !typing(event.target)) event.preventDefault();
    },
    true,
  );

  // A tap stamps when the finger lands (a click comes later); Enter on the button stamps too.
  const stampButton = document.getElementById("stamp");
  stampButton.addEventListener("pointerdown", (event) => {
    if (event.button === 0) stamp();
  });
  stampButton.addEventListener("click", (event) => {
    if (event.detail === 0) stamp();
  });
  document.getElementById("unstamp").addEventListener("click", unstamp);
  document.getElementById("nudge-minus").addEventListener("click", () => nudge(-NUDGE_MS));
  document.getElementById("nudge-plus").addEventListener("click", () => nudge(NUDGE_MS));
  playButton.addEventListener("click", togglePlay);
  wordModeBox.addEventListener("change", () => setWordMode(wordModeBox.checked));
  rateSelect.addEventListener("change", () => {
    if (audio) audio.playbackRate = rate();
  });
  if (audio) {
    audio.addEventListener("play", () => showPlaying(true));
    audio.addEventListener("pause", () => showPlaying(false));
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.line");
    if (!button) return;
    const index = Number(button.dataset.index);
    const word = event.target.closest(".word");
    let slot = -1;
    if (wordMode && word) {
      slot = slots.findIndex((s) => s.line === index && s.word === Number(word.dataset.word));
    }
    if (slot === -1) slot = slots.findIndex((s) => s.line === index);
    if (slot !== -1) chooseSlot(slot);
  });

  // --- start -----------------------------------------------------------------
  renderAll();
  buildSlots();
  afterChange();
  if (!lines.length) {
    say("These lyrics have no lines to stamp: add lyrics in the admin first.");
    stampButton.disabled = true;
    saveButton.disabled = true;
  }
  window.requestAnimationFrame(paint);
  // For tests and the console: the stamps as they stand.
  window.byeolSync = {
    get times() {
      return lines.map((line) => line.time);
    },
    get words() {
      return lines.map((line) => line.words.map((word) => word.time));
    },
    get dirty() {
      return dirty;
    },
    get cursor() {
      return cursor;
    },
  };
})();
