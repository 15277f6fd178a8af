// Byeol's lyric markup, shared by the player, the station page and the sync editor:
// the spans templates/lyrics/player.html renders on the server, built in the page
// (textContent only: lyrics are never parsed as HTML).
"use strict";

(() => {
  // <span class="…" lang="…">text</span>
  function span(className, text, lang) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    if (lang) element.lang = lang;
    return element;
  }

  // One span.word per timed word, carrying its time for the fill.
  function wordSpans(words) {
    return words.map((word) => {
      const element = span("word", word.text);
      element.dataset.time = String(word.time_ms);
      return element;
    });
  }

  // A line's (or its background's) sung text into `box`: its words when timed, else its text.
  function fillSung(box, data) {
    if (data.words && data.words.length) box.replaceChildren(...wordSpans(data.words));
    else box.textContent = data.text || "♪";
  }

  window.ByeolMarkup = Object.freeze({ span, fillSung });
})();
