// Byeol station: follow the station's clock. The `track` event says what plays
// and where it stood when sent; the audio is kept within 0.3 s of that clock.
"use strict";

(() => {
  const root = document.querySelector(".station");
  const audio = document.getElementById("audio");
  const nowPlaying = document.getElementById("now-playing");
  const currentLine = document.getElementById("current-line");
  const statusBox = document.getElementById("status");
  const listen = document.getElementById("listen");

  let anchor = null; // {positionMs, at: performance.now()} when the track event came
  let source = null;
  let retryDelay = 1000;
  let listening = false;

  function expectedSeconds() {
    return anchor ? (anchor.positionMs + performance.now() - anchor.at) / 1000 : 0;
  }

  function setStatus(text, state) {
    statusBox.textContent = text;
    statusBox.dataset.state = state;
  }

  function onTrack(data) {
    anchor = { positionMs: data.position_ms, at: performance.now() };
    nowPlaying.textContent = `${data.track.title}${data.track.artist ? ` — ${data.track.artist}` : ""}`;
    currentLine.textContent = "";
    document.body.dataset.trackId = String(data.track.id);
    if (data.audio_url && listening) {
      if (!audio.src.endsWith(data.audio_url)) audio.src = data.audio_url;
      audio.currentTime = expectedSeconds();
      audio.play().catch(() => {});
    }
  }

  function connect() {
    if (source) source.close();
    source = new EventSource(root.dataset.events);
    source.addEventListener("open", () => {
      retryDelay = 1000;
      setStatus("", "live");
    });
    source.addEventListener("track", (e) => onTrack(JSON.parse(e.data)));
    source.addEventListener("line", (e) => {
      const line = JSON.parse(e.data);
      currentLine.textContent = line.text || "♪";
      document.body.dataset.lineIndex = String(line.index);
    });
    source.addEventListener("stop", () => {
      anchor = null;
      audio.pause();
      nowPlaying.textContent = "Not playing";
      currentLine.textContent = "";
    });
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
    if (!anchor || audio.paused || !audio.src) return;
    const drift = audio.currentTime - expectedSeconds();
    if (Math.abs(drift) > 0.3) audio.currentTime = expectedSeconds();
  }, 1000);

  listen.addEventListener("click", () => {
    listening = !listening;
    listen.textContent = listening ? "Mute" : "Listen";
    if (!listening) {
      audio.pause();
      return;
    }
    connect();
  });

  connect();
  window.byeolStation = { expectedSeconds, get audio() { return audio; } };
})();
